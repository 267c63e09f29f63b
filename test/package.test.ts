// The packed package as a user gets it: `npm pack`, install the tarball in a temp folder (offline,
// from the npm cache the repo's `npm ci` filled; see writeConsumerProject), import it from plain .mjs, type-check a .ts consumer against
// the shipped declarations, run `npx hermes-doctor demo` and load the example plugin from it.
import { execFile, type ExecFileException } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken } from "../fixtures/tokens.js";
import { ROOT } from "./helpers/cli.js";

interface Run { code: number; stdout: string; stderr: string }
function run(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err: ExecFileException | null, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * A project that depends on the tarball, with a lockfile that pins hermes-doctor's dependencies
 * to the repo's locked versions. `npm install <tarball> --offline` cannot work (it must fetch each
 * dependency's registry metadata, which `npm ci` never caches), but `npm ci --offline` installs a
 * lockfile from the content-addressed cache alone: the same tarballs the repo's `npm ci` stored.
 */
async function writeConsumerProject(at: string, tgzName: string): Promise<void> {
  const repoLock = JSON.parse(await readFile(path.join(ROOT, "package-lock.json"), "utf8"));
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
  const spec = `file:../${tgzName}`;
  const packages: Record<string, unknown> = {
    "": { name: "consumer", dependencies: { "hermes-doctor": spec } },
    "node_modules/hermes-doctor": { version: pkg.version, resolved: spec, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  // Runtime dependencies only, exactly as locked (dev ones are marked "dev": true).
  for (const [key, entry] of Object.entries<{ dev?: boolean }>(repoLock.packages)) if (key && !entry.dev) packages[key] = entry;
  await writeFile(path.join(at, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { "hermes-doctor": spec } }));
  await writeFile(path.join(at, "package-lock.json"), JSON.stringify({ name: "consumer", lockfileVersion: 3, requires: true, packages }, null, 2));
}

let dir: string;
let consumer: string;
let tarball: string;
// Only what npm and node need: the developer's HERMES_HOME, proxies or CI must not leak in.
const cleanEnv = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, npm_config_cache: process.env.npm_config_cache, TMPDIR: dir });
const bin = (...args: string[]) => run("npx", ["--offline", "--no", "hermes-doctor", ...args], consumer, cleanEnv());

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hd-pack-"));
  consumer = path.join(dir, "consumer");
  await mkdir(consumer);
  const pack = await run("npm", ["pack", "--silent", "--pack-destination", dir], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  tarball = path.join(dir, pack.stdout.trim().split("\n").at(-1)!);
  await writeConsumerProject(consumer, path.basename(tarball));
  const install = await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], consumer, { ...process.env, CI: "true" });
  expect(install.code, `npm ci --offline failed (run npm ci in the repo first, to fill the npm cache):\n${install.stderr}`).toBe(0);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships the build, its declarations, the demo's emulator and the example plugin; no source maps, no tests", async () => {
    const list = await run("tar", ["-tzf", tarball], dir);
    const files = list.stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(expect.arrayContaining([
      "dist/src/index.js", "dist/src/index.d.ts", "dist/bin/hermes-doctor.cjs",
      "dist/fixtures/emulator/server.js", "fixtures/plugins/example-check.mjs",
    ]));
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("test/") || f.startsWith("src/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    // The emulator's test-only parts (CONNECT proxy, TLS certificates, its own CLI) stay out.
    expect(files.filter((f) => /emulator\/(proxy|certs|cli)\.|fixtures\/certs\//.test(f))).toEqual([]);
  });

  it("imports from a plain .mjs: diagnoseXai, the renderers and the signature catalogue", async () => {
    await writeFile(path.join(consumer, "use.mjs"), `
import { diagnoseXai, renderReport, renderMarkdown, SIGNATURES, classifyApiResponse, builtinRegistry } from "hermes-doctor";
const report = await diagnoseXai({ home: process.argv[2], offline: true, env: {} });
const denied = classifyApiResponse(403, JSON.stringify({ code: "The caller does not have permission to execute the specified operation", error: "You have either run out of available resources or do not have an active Grok subscription." }), "application/json");
console.log(JSON.stringify({
  verdict: report.verdict.code,
  json: JSON.parse(renderReport(report, "json")).verdict.code,
  markdown: renderMarkdown(report).includes("not_logged_in"),
  signatures: SIGNATURES.length > 0,
  denied: denied?.verdict,
  checks: builtinRegistry().list().length,
}));
`);
    const r = await run(process.execPath, ["use.mjs", path.join(dir, "no-hermes")], consumer, cleanEnv());
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ verdict: "not_logged_in", json: "not_logged_in", markdown: true, signatures: true, denied: "entitlement_denied" });
    expect(out.checks).toBeGreaterThan(10);
  });

  it("type-checks a .ts consumer against the shipped declarations, and rejects a wrong one", async () => {
    await writeFile(path.join(consumer, "tsconfig.json"), JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2023", strict: true, noEmit: true, types: ["node"], typeRoots: [path.join(ROOT, "node_modules/@types")], skipLibCheck: true },
      files: ["good.ts"],
    }));
    await writeFile(path.join(consumer, "good.ts"), `
import { diagnoseXai, renderReport, type DoctorCheck, type Report, type VerdictCode, type XaiOptions } from "hermes-doctor";
const check: DoctorCheck = {
  id: "consumer.hello", title: "Hello", layer: "store", description: "says hello", dependsOn: ["store.home"],
  async run(ctx) { return { status: "pass", summary: ctx.services.platform }; },
};
const options: XaiOptions = { offline: true, extraChecks: [check], timeoutMs: 5000 };
const report: Report = await diagnoseXai(options);
const code: VerdictCode = report.verdict.code;
const login: string = report.facets.login;
export const out: string = renderReport(report, "markdown") + code + login;
`);
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    const good = await run(process.execPath, [tsc, "-p", "tsconfig.json"], consumer, cleanEnv());
    expect(good.stdout + good.stderr).toBe("");
    expect(good.code).toBe(0);
    // The declarations are real types, not any: wrong options, a wrong use of the report and a
    // malformed check are errors.
    await writeFile(path.join(consumer, "bad.ts"), [
      `import { diagnoseXai, type DoctorCheck } from "hermes-doctor";`,
      `await diagnoseXai({ home: 42 });`,
      `const n: number = (await diagnoseXai()).verdict.code;`,
      `export const c: DoctorCheck = { id: "x.y", title: "t", layer: "store", description: "d", async run() { return { status: "fine", summary: "" }; } };`,
      `export { n };`,
    ].join("\n"));
    await writeFile(path.join(consumer, "tsconfig.bad.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["bad.ts"] }));
    const bad = await run(process.execPath, [tsc, "-p", "tsconfig.bad.json"], consumer, cleanEnv());
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
    expect(bad.stdout).toMatch(/bad\.ts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(bad.stdout).toMatch(/bad\.ts\(4,\d+\): error TS2322:[^]*Type '"fine"' is not assignable to type 'Status'/);
  }, 90_000);

  it("`npx hermes-doctor demo` runs the default demo from the installed package", async () => {
    const r = await bin("demo");
    expect(r.code, r.stderr).toBe(12);
    expect(r.stdout).toMatch(/^DEMO: not your Hermes login\./);
    expect(r.stdout).toContain("[entitlement_denied]");
    expect((await readdir(dir)).filter((n) => n.startsWith("hermes-doctor-demo-"))).toEqual([]);
  }, 60_000);

  it("loads the shipped example plugin by path, and a plugin package by name", async () => {
    const home = path.join(dir, "hermes");
    await writeHermesHome(home, { auth: xaiAuthStore({ access_token: makeAccessToken(), refresh_token: "rt-package-test" }) });
    const example = "./node_modules/hermes-doctor/fixtures/plugins/example-check.mjs";
    const byPath = await bin("xai", "--json", "--offline", "--home", home, "--plugin", example);
    const report = JSON.parse(byPath.stdout);
    expect(report.checks.find((c: { id: string }) => c.id === "example.auth-age")).toMatchObject({ status: "pass" });

    // A plugin published as a package, installed in the user's project.
    const pkg = path.join(consumer, "node_modules", "hermes-doctor-plugin-example");
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(pkg, "package.json"), JSON.stringify({ name: "hermes-doctor-plugin-example", type: "module", exports: "./index.mjs" }));
    await cp(path.join(consumer, example), path.join(pkg, "index.mjs"));
    const byName = await bin("checks", "--json", "--plugin", "hermes-doctor-plugin-example");
    expect(byName.code, byName.stderr).toBe(0);
    expect(JSON.parse(byName.stdout).checks.at(-1).id).toBe("example.auth-age");
  }, 60_000);
});
