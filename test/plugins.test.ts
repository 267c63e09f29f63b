// --plugin: extra checks through the public check API, isolated like any check, via the built CLI.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { doctorAgainst, loginWith, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { parseJson, ROOT, runCli } from "./helpers/cli.js";

const { emulator, sb } = useEmulatorAndSandbox();
const EXAMPLE = path.join(ROOT, "fixtures/plugins/example-check.mjs");
const testPlugin = (name: string) => path.join(ROOT, "test/plugins", name);
const record = (report: { checks: { id: string }[] }, id: string) => report.checks.find((c) => c.id === id);

describe("--plugin", () => {
  it("runs the example plugin after the built-ins and reports it like any check", async () => {
    await loginWith(emulator(), sb(), "healthy");
    const run = await doctorAgainst(emulator(), sb(), ["--plugin", EXAMPLE]);
    const report = parseJson(run);
    expect(run.code).toBe(0);
    expect(report.verdict.code).toBe("healthy");
    expect(record(report, "example.auth-age")).toMatchObject({ status: "pass", layer: "store", summary: expect.stringMatching(/^auth\.json was last written .*\(today\)$/) });
    expect(report.checks.at(-1).id).toBe("example.auth-age");
  });

  it("is skipped with the reason when the built-in check it depends on fails", async () => {
    const run = await runCli(["xai", "--json", "--offline", "--home", sb().hermes, "--plugin", EXAMPLE], { env: { HOME: sb().userHome } });
    const report = parseJson(run);
    expect(report.verdict.code).toBe("not_logged_in");
    expect(record(report, "example.auth-age")).toMatchObject({ status: "skip", summary: "needs store.file, which failed" });
  });

  it("a plugin that throws or hangs becomes an error result; the verdict and exit code stay the built-ins'", async () => {
    await loginWith(emulator(), sb(), "entitlement_denied");
    const run = await doctorAgainst(emulator(), sb(), ["--plugin", testPlugin("throws.mjs"), "--plugin", testPlugin("hangs.mjs")]);
    const report = parseJson(run);
    expect(run.code).toBe(12);
    expect(report.verdict.code).toBe("entitlement_denied");
    expect(record(report, "plugin.throws")).toMatchObject({ status: "error", code: "check_crashed", summary: expect.stringContaining("plugin exploded on purpose") });
    expect(record(report, "plugin.hangs")).toMatchObject({ status: "error", code: "timeout", summary: "did not finish within 300 ms" });
  });

  it("checks --plugin lists the plugin's checks after the built-ins", async () => {
    const run = await runCli(["checks", "--json", "--plugin", EXAMPLE]);
    expect(run.code).toBe(0);
    const { checks } = parseJson(run);
    expect(checks.at(-1)).toMatchObject({ id: "example.auth-age", layer: "store", dependsOn: ["store.file"] });
  });

  it.each([
    ["a missing module", "./no/such-plugin.mjs", /--plugin \.\/no\/such-plugin\.mjs: cannot load the module/],
    ["an unknown package", "no-such-hermes-doctor-plugin", /--plugin no-such-hermes-doctor-plugin: cannot load the module/],
    ["a module that throws on import", testPlugin("fails-to-load.mjs"), /cannot load the module \(cannot initialise the plugin\)/],
    ["a module without a valid check", testPlugin("no-check.mjs"), /export default has no run\(ctx\) function/],
    ["a check with an unregistered dependency", testPlugin("unknown-dependency.mjs"), /check "plugin\.orphan" depends on "nope\.missing"/],
    ["a check id the doctor already has", testPlugin("duplicate-id.mjs"), /check "store\.file" is registered twice/],
  ])("%s is a one-line usage error (exit 2)", async (_label, spec, message) => {
    for (const args of [["xai", "--offline", "--home", sb().hermes], ["checks"]]) {
      const command = args[0];
      const run = await runCli([...args, "--plugin", spec], { env: { HOME: sb().userHome } });
      expect(run.code, `${command}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).toBe("");
    }
  });
});
