// CI use through the built CLI against the emulator: one run writing several formats, GitHub
// Actions annotations / summary / outputs, --only smoke checks, the schema command, and action.yml's script.
import { spawn } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { CLI, parseJson, ROOT, runCli, type CliRun } from "./helpers/cli.js";
import type { Sandbox } from "./helpers/home.js";
import { doctorAgainst, loginWith, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { elements, parseXml } from "./helpers/xml.js";
import type { Emulator } from "../fixtures/emulator/server.js";
import { CheckListSchema } from "../src/report/check-list.js";

const env = useEmulatorAndSandbox();
let emulator: Emulator;
let sb: Sandbox;
beforeEach(() => {
  emulator = env.emulator();
  sb = env.sb();
});

const inferences = () => emulator.requests.filter((r) => r.path.startsWith("/v1/responses"));

describe("--output FORMAT=FILE", () => {
  it("one run (one inference probe) writes JSON, JUnit and Markdown while stdout keeps the text report", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const out = (f: string) => path.join(sb.dir, f);
    const run = await runCli(["xai", "--home", sb.hermes, "--issuer", emulator.issuer, "--api-base", emulator.apiBase,
      "--output", `json=${out("r.json")}`, "--output", `junit=${out("r.xml")}`, "--output", `markdown=${out("r.md")}`], { env: { HOME: sb.userHome } });
    expect(run.code).toBe(12);
    expect(inferences()).toHaveLength(1);
    expect(run.stdout).toMatch(/^hermes-doctor xai/);
    const json = JSON.parse(await readFile(out("r.json"), "utf8"));
    expect(json.verdict.code).toBe("entitlement_denied");
    const xml = parseXml(await readFile(out("r.xml"), "utf8"));
    expect(elements(xml, "failure").map((f) => f.getAttribute("type"))).toContain("entitlement_denied");
    expect(await readFile(out("r.md"), "utf8")).toMatch(/^### hermes-doctor xai: `entitlement_denied`/);
    // Atomic writes leave no temp files behind, and the text is never coloured in a file.
    expect((await readdir(sb.dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(await readFile(out("r.md"), "utf8")).not.toMatch(/\u001b\[/);
  });

  it.each([
    ["a folder that does not exist", (d: string) => `json=${path.join(d, "nope", "r.json")}`, /folder .* does not exist/],
    ["a directory as the file", (d: string) => `json=${d}`, /exists and is not a regular file/],
    ["an unknown format", (d: string) => `yaml=${path.join(d, "r.yaml")}`, /expects FORMAT=FILE/],
  ])("%s is a one-line usage error before anything is sent", async (_what, arg, message) => {
    await loginWith(emulator, sb, "healthy");
    const run = await doctorAgainst(emulator, sb, ["--output", arg(sb.dir)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")[0]).toMatch(/^(hermes-doctor: |error: )/);
    expect(emulator.requests).toEqual([]);
  });
});

describe("under GitHub Actions", () => {
  const ghEnv = async () => {
    const output = path.join(sb.dir, "gh-output");
    const summary = path.join(sb.dir, "gh-summary.md");
    await writeFile(output, "previous=1\n");
    await writeFile(summary, "# earlier step\n");
    return { output, summary, env: { GITHUB_ACTIONS: "true", GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary } };
  };

  it("annotates the verdict and failing checks, appends the summary and sets verdict / exit-code outputs", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const gh = await ghEnv();
    const run = await doctorAgainst(emulator, sb, [], gh.env);
    expect(run.code).toBe(12);
    JSON.parse(run.stdout); // stdout stays pure JSON: annotations go to stderr
    const annotations = run.stderr.trim().split("\n");
    expect(annotations[0]).toMatch(/^::error title=hermes-doctor xai%3A entitlement_denied::Logged in, but this xAI account is not entitled/);
    expect(annotations.some((l) => l.startsWith("::error title=hermes-doctor entitlement.inference::"))).toBe(true);
    // One line per annotation: newlines inside messages are escaped.
    for (const l of annotations) expect(l).toMatch(/^::(error|warning|notice) title=[^:]*::/);
    expect(await readFile(gh.output, "utf8")).toBe("previous=1\nverdict=entitlement_denied\nexit-code=12\n");
    const summary = await readFile(gh.summary, "utf8");
    expect(summary.startsWith("# earlier step\n### hermes-doctor xai: `entitlement_denied`")).toBe(true);
  });

  it("a healthy run is a notice, not an error; the exit code output follows --strict", async () => {
    await loginWith(emulator, sb, "healthy");
    const gh = await ghEnv();
    const run = await doctorAgainst(emulator, sb, [], gh.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^::notice title=hermes-doctor xai%3A healthy::/);
    expect(run.stderr).not.toMatch(/::error/);
    expect(await readFile(gh.output, "utf8")).toContain("verdict=healthy\nexit-code=0\n");
  });

  it("nothing of this without GITHUB_ACTIONS=true", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const gh = await ghEnv();
    const run = await doctorAgainst(emulator, sb, [], { ...gh.env, GITHUB_ACTIONS: "false" });
    expect(run.code).toBe(12);
    expect(run.stderr).toBe("");
    expect(await readFile(gh.output, "utf8")).toBe("previous=1\n");
    expect(await readFile(gh.summary, "utf8")).toBe("# earlier step\n");
  });
});

describe("--only smoke checks end in their own verdict", () => {
  it("a passing network-layer smoke check is selected_ok (exit 0), not unverified", async () => {
    await loginWith(emulator, sb, "healthy");
    const run = await doctorAgainst(emulator, sb, ["--only", "net.api"]);
    const report = parseJson(run);
    expect(report.verdict.code).toBe("selected_ok");
    expect(report.verdict.explanation).toMatch(/Layers checked: .*network/);
    expect(run.code).toBe(0);
    expect(inferences()).toEqual([]);
  });

  it("a failing selected check still gives its own verdict", async () => {
    await loginWith(emulator, sb, "token_rejected");
    const run = await doctorAgainst(emulator, sb, ["--only", "api.models"]);
    expect(parseJson(run).verdict.code).toBe("token_rejected");
    expect(run.code).toBe(11);
  });
});

describe("schemas", () => {
  it("`schema report` and `schema checks` print the committed schemas; `checks --json` fits its model", async () => {
    for (const [name, file] of [["report", "docs/report.schema.json"], ["checks", "docs/checks.schema.json"]]) {
      const run = await runCli(["schema", name!]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(JSON.parse(await readFile(path.join(ROOT, file!), "utf8")));
    }
    expect(CheckListSchema.safeParse(JSON.parse((await runCli(["checks", "--json"])).stdout)).success).toBe(true);
    const bad = await runCli(["schema", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown schema "nope" \(one of: report, checks/);
  });
});

describe("the GitHub Action's script (action.yml)", () => {
  function runAction(inputs: Record<string, string>, extra: Record<string, string>): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, "integrations/github/action.mjs")], {
        env: { PATH: process.env.PATH ?? "", HOME: sb.userHome, ...extra, ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k}`, v])) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      const t0 = Date.now();
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr, durationMs: Date.now() - t0 }));
    });
  }

  it("runs the doctor once with JSON + JUnit + Markdown, sets the outputs, writes the summary, fails per fail-on", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const temp = path.join(sb.dir, "runner-temp");
    await mkdir(temp);
    const output = path.join(sb.dir, "out");
    const summary = path.join(sb.dir, "summary.md");
    const ghEnv = { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: temp, CI: "true" };
    const inputs = {
      COMMAND: `${process.execPath} ${CLI}`,
      HOME_DIR: sb.hermes,
      ARGS: `--issuer ${emulator.issuer} --api-base ${emulator.apiBase}`,
      FAIL_ON: "any",
    };
    const failing = await runAction(inputs, ghEnv);
    expect(failing.code).toBe(1);
    expect(inferences()).toHaveLength(1);
    const outputs = Object.fromEntries((await readFile(output, "utf8")).trim().split("\n").map((l) => l.split("=")));
    expect(outputs).toMatchObject({ verdict: "entitlement_denied", "exit-code": "12" });
    expect(JSON.parse(await readFile(outputs.json, "utf8")).verdict.code).toBe("entitlement_denied");
    parseXml(await readFile(outputs.junit, "utf8"));
    expect(await readFile(outputs.markdown, "utf8")).toMatch(/^### hermes-doctor xai/);
    expect(await readFile(summary, "utf8")).toMatch(/^### hermes-doctor xai: `entitlement_denied`/);
    expect(failing.stdout).toMatch(/^hermes-doctor xai/); // the text report in the job log

    expect((await runAction({ ...inputs, FAIL_ON: "none" }, ghEnv)).code).toBe(0);
    expect((await runAction({ ...inputs, FAIL_ON: "token_rejected,session_revoked" }, ghEnv)).code).toBe(0);
    expect((await runAction({ ...inputs, FAIL_ON: "entitlement_denied" }, ghEnv)).code).toBe(1);
  });
});
