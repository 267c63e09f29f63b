// What the start-up paths load: `--version` and `checks` are answered without the check modules
// or the heavy dependencies (issue 10). Proved from a module-load trace, never from the clock.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { traceModules } from "./helpers/module-trace.js";

const DIST = pathToFileURL(path.join(ROOT, "dist")).href;
const HEAVY = ["zod", "yaml", "undici", "chalk", "ora"];

describe("start-up paths", () => {
  it.each([["--version"], ["-V"], ["-V", "xai"]])("%j loads the entry and node builtins only", async (...args) => {
    const t = await traceModules(args);
    expect(t.run.code).toBe(0);
    expect(t.run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(t.urls).toEqual([`${DIST}/bin/hermes-doctor.cjs`, `${DIST}/src/cli/main.js`]);
  });

  it.each([["checks"], ["checks", "--json"], ["checks", "--format", "json"]])("%j lists from the catalogue: no check module, zod, yaml, undici, chalk or ora", async (...args) => {
    const t = await traceModules(args);
    expect(t.run.code).toBe(0);
    expect(t.run.stdout).toContain("store.parse");
    expect(t.urls.filter((url) => url.startsWith(`${DIST}/checks/`))).toEqual([`${DIST}/checks/catalogue.js`]);
    expect(HEAVY.filter((pkg) => t.loads(pkg))).toEqual([]);
  });

  it("`checks` and `checks --json` skip commander and print exactly what the parsed command prints", async () => {
    for (const [plain, parsed] of [[["checks"], ["checks", "--format", "text"]], [["checks", "--json"], ["checks", "--format", "json"]]]) {
      const [fast, slow] = await Promise.all([traceModules(plain!), traceModules(parsed!)]);
      expect(fast.loads("commander"), plain!.join(" ")).toBe(false);
      expect(slow.loads("commander"), parsed!.join(" ")).toBe(true);
      expect([fast.run.code, fast.run.stdout]).toEqual([slow.run.code, slow.run.stdout]);
    }
  });

  it("checks --plugin still loads the real registry (the plugin is validated against it)", async () => {
    const t = await traceModules(["checks", "--json", "--plugin", path.join(ROOT, "fixtures/plugins/example-check.mjs")]);
    expect(t.run.code).toBe(0);
    expect(t.urls).toContain(`${DIST}/checks/index.js`);
    expect(JSON.parse(t.run.stdout).checks.at(-1).id).toBe("example.auth-age");
  });
});
