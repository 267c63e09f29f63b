// Which modules a run of the built CLI loads, ES and CommonJS alike (module-trace-preload.mjs).
// For tests that a command does not load what it does not need; never a timing.
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, runCli, type CliRun } from "./cli.js";

export interface ModuleTrace {
  run: CliRun;
  /** Every file: URL loaded, once each. */
  urls: string[];
  /** Whether any module of this package was loaded (its own files, not a dependant's). */
  loads(pkg: string): boolean;
  /** Whether this file of a package (e.g. "undici/index.js") was loaded. */
  loadsFile(pkgPath: string): boolean;
}

const PRELOAD = new URL("./module-trace-preload.mjs", import.meta.url).href;

// The bin is a bundle (scripts/bundle.ts): each of its files stands for the tsc modules it holds,
// listed in dist/bin/modules.json, so a trace names the modules a run really evaluated.
const DIST = pathToFileURL(path.join(ROOT, "dist")).href;
const BUNDLED: Record<string, string[]> = JSON.parse(readFileSync(path.join(ROOT, "dist/bin/modules.json"), "utf8"));
const unbundle = (url: string): string[] =>
  url.startsWith(`${DIST}/bin/`) ? [url, ...(BUNDLED[url.slice(DIST.length + 5)] ?? []).map((m) => `${DIST}/${m}`)] : [url];

export async function traceModules(args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<ModuleTrace> {
  const dir = await mkdtemp(path.join(tmpdir(), "hd-trace-"));
  const file = path.join(dir, "modules.txt");
  try {
    const run = await runCli(args, { env: { ...opts.env, NODE_OPTIONS: `--import ${PRELOAD}`, HD_TEST_MODULE_TRACE: file }, ...(opts.input !== undefined ? { input: opts.input } : {}) });
    const text = await readFile(file, "utf8").catch(() => "");
    const urls = [...new Set(text.split("\n").filter((u) => u.startsWith("file:")).flatMap(unbundle))];
    const inNodeModules = (u: string) => u.split("/node_modules/").at(-1) ?? "";
    const hit = (prefix: string) => urls.some((u) => u.includes("/node_modules/") && inNodeModules(u).startsWith(prefix));
    return { run, urls, loads: (pkg) => hit(`${pkg}/`), loadsFile: (p) => hit(p) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
