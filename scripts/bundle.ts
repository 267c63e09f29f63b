// `npm run build`, second step: the CLI as one CommonJS entry file plus a few lazily loaded chunks
// (dist/bin/), from tsc's output. Node 20's ES loader pays a resolve, an async open and a read for
// every module, and a run loads ~100 of ours: one bundle cuts `xai --offline` by ~20% of its wall
// time, and CommonJS (no ES loader at all) by ~14% more (docs/performance.md). The library entry
// (dist/src/index.js) stays tsc's ES modules. npm packages stay external: they are the package's
// dependencies, installed next to it, loaded with import() or require() as before.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const dist = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> };
const dependencies = Object.keys(pkg.dependencies);
const isExternal = (id: string) =>
  id.startsWith("node:") || builtinModules.includes(id) || dependencies.some((d) => id === d || id.startsWith(`${d}/`));

const result = await build({
  input: { "hermes-doctor": `${dist}src/cli/main.js` },
  platform: "node",
  external: isExternal,
  logLevel: "warn",
  output: {
    dir: `${dist}bin`,
    format: "cjs",
    entryFileNames: "[name].cjs",
    chunkFileNames: "chunks/[name]-[hash].cjs",
    sourcemap: false,
  },
});

// Which of tsc's modules each bundle file holds, for the tests that prove what a command loads
// (test/helpers/module-trace.ts); not shipped in the package.
const modules = Object.fromEntries(result.output.flatMap((o) => (o.type === "chunk" ? [[o.fileName, o.moduleIds.map((id) => path.relative(dist, id))]] : [])));
writeFileSync(`${dist}bin/modules.json`, `${JSON.stringify(modules, null, 1)}\n`);
