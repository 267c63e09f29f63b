// Preloaded into the CLI under test (NODE_OPTIONS="--import <this file>"): records which modules
// the run loads, into HD_TEST_MODULE_TRACE. ES modules through a resolve hook; CommonJS ones
// (undici, yaml: also those required from inside a package, which no ESM hook sees) from the
// CommonJS cache at exit. See test/helpers/module-trace.ts.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

register("./module-trace-hooks.mjs", import.meta.url);
const file = process.env.HD_TEST_MODULE_TRACE;
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => {
  if (file) appendFileSync(file, Object.keys(cache).map((p) => `${pathToFileURL(p).href}\n`).join(""));
});
