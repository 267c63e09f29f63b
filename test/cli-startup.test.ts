// What the start-up paths load: `--version` and `checks` are answered without the check modules
// or the heavy dependencies (issue 10). Proved from a module-load trace, never from the clock.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/cli.js";

const TRACE_HOOK = new URL("./helpers/module-trace.mjs", import.meta.url).href;
const DIST = pathToFileURL(path.join(ROOT, "dist")).href;
const HEAVY = /\/node_modules\/(zod|yaml|undici|chalk|ora)\//;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "hd-startup-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the built CLI and returns what it printed plus every module URL it loaded. */
async function traced(args: string[]): Promise<{ code: number | null; stdout: string; loaded: string[] }> {
  const file = path.join(dir, `${args.join("_").replace(/[^\w]/g, "") || "none"}-${Math.random().toString(36).slice(2)}.trace`);
  const run = await runCli(args, { env: { HOME: dir, NODE_OPTIONS: `--import ${TRACE_HOOK}`, HD_TEST_MODULE_TRACE: file } });
  const loaded = (await readFile(file, "utf8")).split("\n").filter((url) => url && !url.startsWith(TRACE_HOOK.replace(/module-trace\.mjs$/, "")));
  return { code: run.code, stdout: run.stdout, loaded };
}

describe("start-up paths", () => {
  it.each([["--version"], ["-V"], ["-V", "xai"]])("%j loads the entry and node builtins only", async (...args) => {
    const run = await traced(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(run.loaded.filter((url) => !url.startsWith("node:"))).toEqual([`${DIST}/src/cli/main.js`]);
  });

  it.each([["checks"], ["checks", "--json"], ["checks", "--format", "json"]])("%j lists from the catalogue: no check module, zod, yaml, undici, chalk or ora", async (...args) => {
    const run = await traced(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("store.parse");
    expect(run.loaded).toContain(`${DIST}/checks/catalogue.js`);
    expect(run.loaded.filter((url) => url.startsWith(`${DIST}/checks/`))).toEqual([`${DIST}/checks/catalogue.js`]);
    expect(run.loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it("`checks` and `checks --json` skip commander and print exactly what the parsed command prints", async () => {
    for (const [plain, parsed] of [[["checks"], ["checks", "--format", "text"]], [["checks", "--json"], ["checks", "--format", "json"]]]) {
      const [fast, slow] = await Promise.all([traced(plain!), traced(parsed!)]);
      expect(fast.loaded.filter((url) => url.includes("/node_modules/commander/")), plain!.join(" ")).toEqual([]);
      expect(slow.loaded.some((url) => url.includes("/node_modules/commander/")), parsed!.join(" ")).toBe(true);
      expect([fast.code, fast.stdout]).toEqual([slow.code, slow.stdout]);
    }
  });

  it("checks --plugin still loads the real registry (the plugin is validated against it)", async () => {
    const run = await traced(["checks", "--json", "--plugin", path.join(ROOT, "fixtures/plugins/example-check.mjs")]);
    expect(run.code).toBe(0);
    expect(run.loaded).toContain(`${DIST}/checks/index.js`);
    expect(JSON.parse(run.stdout).checks.at(-1).id).toBe("example.auth-age");
  });
});
