// The shipped Hermes plugin (integrations/hermes/xai-doctor), loaded as Hermes loads it by
// test/fixtures/hermes_harness.py, run for real: the subcommand, the slash command, the tool and
// the api_request_error hook, through the built CLI against the loopback xAI emulator.
import { spawn } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI, ROOT, runCli } from "./helpers/cli.js";
import type { Sandbox } from "./helpers/home.js";
import { loginWith, tokenRequests, useEmulatorAndSandbox, type LoggedIn } from "./helpers/emulated.js";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import type { Emulator } from "../fixtures/emulator/server.js";

const PLUGIN_DIR = path.join(ROOT, "integrations/hermes/xai-doctor");
const HARNESS = path.join(ROOT, "test/fixtures/hermes_harness.py");
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The plugin's `command` setting: the built CLI, as an operator would point at a checkout. */
const DOCTOR = `${quote(process.execPath)} ${quote(CLI)}`;
// python3 here is a slow pyenv shim; each run starts Python and then node.
const SLOW = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const env = useEmulatorAndSandbox();
let emulator: Emulator;
let sb: Sandbox;
beforeEach(() => {
  emulator = env.emulator();
  sb = env.sb();
});

/** `python3 harness.py <plugin> <args>` with a clean environment, the emulator's URLs and the settings. */
function harness(args: string[], opts: { settings?: Record<string, unknown>; env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<Run> {
  const e: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: sb.userHome,
    HERMES_HOME: sb.hermes,
    HERMES_DOCTOR_ISSUER: emulator.issuer,
    HERMES_DOCTOR_API_BASE: emulator.apiBase,
    HARNESS_SETTINGS: JSON.stringify(opts.settings ?? { command: DOCTOR }),
    PYTHONDONTWRITEBYTECODE: "1", // no __pycache__ inside the shipped folder
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [HARNESS, PLUGIN_DIR, ...args], { env: e, cwd: sb.dir, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, durationMs: Date.now() - t0 }));
    child.stdin.end(opts.stdin ?? "");
  });
}

const secretsOf = (li: LoggedIn) => [li.account.accessToken, li.account.refreshToken, li.account.idToken];
function expectNoSecret(run: Run, secrets: string[]) {
  const out = run.stdout + run.stderr;
  for (const s of secrets) {
    const parts = s.split(".").filter((p) => p.length >= 8); // a JWT's payload and signature too
    for (const needle of [s, ...parts]) expect(out.includes(needle), `leaked ${needle.slice(0, 6)}…`).toBe(false);
  }
}

/** Hermes' error for the seed report (NousResearch/hermes-agent#26847): the SDK's str() of the 403. */
const SEED_403 =
  "Error code: 403 - {'code': 'The caller does not have permission to execute the specified operation', " +
  "'error': 'You have either run out of available resources or do not have an active Grok subscription. " +
  "Manage your subscription at https://grok.com/?_s=usage or subscribe at https://grok.com/supergrok.'}";

/** The kwargs Hermes passes to api_request_error (agent/api_request_hooks.py @ 28a1cc92). */
function apiError(message: string, over: Record<string, unknown> = {}) {
  return JSON.stringify({
    task_id: "t1", turn_id: "t1:1", api_request_id: "r1", session_id: "s1", platform: "cli",
    model: "grok-4.6", provider: "xai-oauth", base_url: "https://api.x.ai/v1", api_mode: "codex_responses",
    status_code: 403, retry_count: 0, max_retries: 3, retryable: false, reason: "auth",
    error: { type: "PermissionDeniedError", message },
    ...over,
  });
}

describe("loading and registration", () => {
  it("loads as hermes_plugins.xai_doctor and registers the subcommand, slash command, tool and hook, importing only the standard library", async () => {
    const run = await harness(["registrations"]);
    expect(run.code, run.stderr).toBe(0);
    const reg = JSON.parse(run.stdout);
    expect(reg.module).toBe("hermes_plugins.xai_doctor");
    expect(Object.keys(reg.cli_commands)).toEqual(["xai-doctor"]);
    expect(Object.keys(reg.commands)).toEqual(["xai-doctor"]);
    expect(reg.tools.xai_doctor.schema).toMatchObject({ name: "xai_doctor", parameters: { type: "object" } });
    expect(reg.hooks).toEqual({ api_request_error: 1 });
    expect(reg.not_stdlib).toEqual([]);
  }, SLOW);

  it("the plugin's source imports nothing from Hermes", async () => {
    for (const file of ["__init__.py", "doctor.py"]) {
      const src = await readFile(path.join(PLUGIN_DIR, file), "utf8");
      expect(src).not.toMatch(/^\s*(from|import)\s+(hermes\w*|agent|tools|gateway|utils|run_agent)\b/m);
    }
  });
});

describe("hermes xai-doctor", () => {
  it("passes leading options through as typed (--json --verbose), diagnoses HERMES_HOME and returns the doctor's exit code", async () => {
    const li = await loginWith(emulator, sb, "entitlement_denied");
    const run = await harness(["cli", "xai-doctor", "--json", "--verbose"]);
    expect(run.code, run.stderr).toBe(12);
    const report = JSON.parse(run.stdout);
    expect(report.verdict.code).toBe("entitlement_denied");
    expect(report.facets).toMatchObject({ login: "ok", entitlement: "denied" });
    expect(report.context.home).toBe("~/.hermes");
    expect(emulator.requests.some((r) => r.path === "/v1/responses")).toBe(true);
    expectNoSecret(run, secretsOf(li));
  }, SLOW);

  it("hands the doctor `xai`, the home Hermes uses, then the user's arguments in the order typed, and exits with its code", async () => {
    const log = path.join(sb.dir, "argv.json");
    const fake = path.join(sb.dir, "record-argv.mjs");
    await writeFile(fake, `import { writeFileSync } from "node:fs";\nwriteFileSync(process.env.FAKE_LOG, JSON.stringify(process.argv.slice(2)));\nprocess.exit(42);\n`);
    // -h too: argparse must not answer it, the doctor does.
    const typed = ["--json", "--verbose", "--model", "grok-x", "-h", "--", "-x"];
    const run = await harness(["cli", "xai-doctor", ...typed], {
      settings: { command: [process.execPath, fake] },
      env: { FAKE_LOG: log },
    });
    expect(run.code, run.stderr).toBe(42);
    expect(JSON.parse(await readFile(log, "utf8"))).toEqual(["xai", "--home", sb.hermes, "--profile", "default", ...typed]);
  }, SLOW);

  it("adds no --home/--profile of its own when the user passes one (here through /xai-doctor)", async () => {
    const log = path.join(sb.dir, "argv.json");
    const fake = path.join(sb.dir, "record-argv.mjs");
    await writeFile(fake, `import { writeFileSync } from "node:fs";\nwriteFileSync(process.env.FAKE_LOG, JSON.stringify(process.argv.slice(2)));\n`);
    const run = await harness(["slash", "xai-doctor", "--home '/else where'"], { settings: { command: [process.execPath, fake] }, env: { FAKE_LOG: log } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(await readFile(log, "utf8"))).toEqual(["xai", "--read-only", "--no-color", "--home", "/else where"]);
  }, SLOW);

  it("uses the profile Hermes is running (HERMES_HOME=<root>/profiles/<name>) as --home <root> --profile <name>", async () => {
    const account = emulator.createAccount("healthy");
    const profileHome = path.join(sb.hermes, "profiles", "work");
    await mkdir(sb.hermes, { recursive: true });
    await writeHermesHome(profileHome, {
      auth: xaiAuthStore(
        { access_token: account.accessToken, refresh_token: account.refreshToken, id_token: account.idToken },
        { tokenEndpoint: emulator.tokenEndpoint },
      ),
    });
    // A sticky profile Hermes is NOT using must not win: Hermes already resolved it into HERMES_HOME.
    await writeFile(path.join(sb.hermes, "active_profile"), "other\n");
    const run = await harness(["cli", "xai-doctor", "--json"], { env: { HERMES_HOME: profileHome } });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.verdict.code).toBe("healthy");
    expect(report.context).toMatchObject({ home: "~/.hermes/profiles/work", profile: "work" });
  }, SLOW);

  it("streams the text report and passes an option the doctor rejects straight to it (exit 2)", async () => {
    await loginWith(emulator, sb, "healthy");
    const [text, bad] = await Promise.all([
      harness(["cli", "xai-doctor", "--offline"]),
      harness(["cli", "xai-doctor", "--no-such-option"]),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/\[local_ok\]/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--no-such-option/);
    expect(bad.stderr).not.toMatch(/Traceback/);
  }, SLOW);

  it("finds hermes-doctor on PATH when no command is configured, and says how to install it when there is none", async () => {
    await loginWith(emulator, sb, "healthy");
    const bin = path.join(sb.dir, "bin");
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, "hermes-doctor"), `#!/bin/sh\nexec ${DOCTOR} "$@"\n`);
    await chmod(path.join(bin, "hermes-doctor"), 0o755);
    const pythonDir = path.dirname(await whichPython());
    const onPath = await harness(["cli", "xai-doctor", "--offline", "--json"], { settings: {}, env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(onPath.code, onPath.stderr).toBe(0);
    expect(JSON.parse(onPath.stdout).verdict.code).toBe("local_ok");
    // Neither hermes-doctor nor npx on PATH: one line with the fix, exit 127, no traceback.
    const none = await harness(["cli", "xai-doctor"], { settings: {}, env: { PATH: pythonDir } });
    expect(none.code).toBe(127);
    expect(none.stderr.trim()).toMatch(/^xai-doctor: hermes-doctor was not found.*settings\.command/);
  }, SLOW);
});

describe("/xai-doctor and the xai_doctor tool", () => {
  it("/xai-doctor prints the text report and never refreshes, even when the token is expired", async () => {
    const li = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    const before = await readFile(li.authPath, "utf8");
    const run = await harness(["slash", "xai-doctor", ""]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^hermes-doctor xai/);
    expect(run.stdout).toMatch(/\[unverified\]/); // an expired token cannot be tested read-only
    expect(tokenRequests(emulator)).toHaveLength(0);
    expect(await readFile(li.authPath, "utf8")).toBe(before);
    expect(run.stdout).not.toMatch(/\x1b\[/);
    expectNoSecret(run, secretsOf(li));
  }, SLOW);

  it("/xai-doctor passes chat options through but refuses --refresh (read-only wins)", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const [denied, refresh] = await Promise.all([
      harness(["slash", "xai-doctor", "--verbose"]),
      harness(["slash", "xai-doctor", "--refresh"]),
    ]);
    expect(denied.stdout).toMatch(/\[entitlement_denied\]/);
    expect(denied.stdout).toMatch(/XAI_API_KEY/);
    expect(refresh.stdout).toMatch(/--read-only and --refresh contradict/);
    expect(tokenRequests(emulator)).toHaveLength(0);
  }, SLOW);

  it("the tool returns the verdict code, the facets and the fix as JSON, read-only", async () => {
    const li = await loginWith(emulator, sb, "entitlement_denied");
    const before = await readFile(li.authPath, "utf8");
    const run = await harness(["tool", "xai_doctor", "{}"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      ok: true,
      verdict: "entitlement_denied",
      exitCode: 12,
      facets: { login: "ok", entitlement: "denied" },
      home: "~/.hermes",
    });
    expect(result.fixes.map((f: any) => f.text).join("\n")).toMatch(/XAI_API_KEY[\s\S]*provider: xai/);
    expect(await readFile(li.authPath, "utf8")).toBe(before);
    expectNoSecret(run, secretsOf(li));
  }, SLOW);

  it("the tool's offline parameter sends nothing to xAI", async () => {
    await loginWith(emulator, sb, "healthy");
    const run = await harness(["tool", "xai_doctor", JSON.stringify({ offline: true })]);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, verdict: "local_ok", exitCode: 0 });
    expect(emulator.requests).toHaveLength(0);
  }, SLOW);
});

describe("the api_request_error hook", () => {
  // `hermes-doctor triage` (issue 7) is built in parallel; until it is on main the hook is
  // silent by design, and these tests say so instead of failing.
  let triageReady = false;
  beforeAll(async () => {
    triageReady = /^\s+triage\b/m.test((await runCli(["--help"])).stdout);
  });

  it("prints one line with the verdict and fix for the seed's 403, with no network call and no token", async (t) => {
    if (!triageReady) t.skip("hermes-doctor triage is not built yet (issue 7)");
    const li = await loginWith(emulator, sb, "entitlement_denied");
    // A token in the error text (a logged request header, say) must not come back out.
    const message = `${SEED_403} (request had Authorization: Bearer ${li.account.accessToken})`;
    const run = await harness(["hook", "api_request_error", apiError(message)], { settings: { command: DOCTOR, hook_timeout_seconds: 30 } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^xai-doctor: entitlement_denied: .* — signing in again will not help; .*XAI_API_KEY/);
    expect(emulator.requests).toHaveLength(0);
    expectNoSecret(run, secretsOf(li));
  }, SLOW);

  it("is silent for an error the catalogue does not know", async (t) => {
    if (!triageReady) t.skip("hermes-doctor triage is not built yet (issue 7)");
    const run = await harness(["hook", "api_request_error", apiError("the flux capacitor is out of alignment", { status_code: null })], {
      settings: { command: DOCTOR, hook_timeout_seconds: 30 },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toBe("");
  }, SLOW);

  it("stays silent when the doctor cannot be started", async () => {
    const run = await harness(["hook", "api_request_error", apiError(SEED_403)], { settings: { command: path.join(sb.dir, "no-such-doctor") } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toBe("");
  }, SLOW);
});

// The plugin's side of the triage contract, checked with a stand-in doctor that answers exactly
// what the contract says `hermes-doctor triage --json -` answers (issue 7), so it holds whether or
// not the real triage is on main yet; the tests above run the real one.
describe("the hook against the triage contract", () => {
  async function fakeDoctor(script: string): Promise<string> {
    const file = path.join(sb.dir, "fake-doctor.mjs");
    await writeFile(file, script);
    return `${quote(process.execPath)} ${quote(file)}`;
  }
  const CONTRACT = (verdict: Record<string, unknown>, fixes: unknown[]) => `
    import { writeFileSync } from "node:fs";
    let input = "";
    process.stdin.on("data", (d) => (input += d));
    process.stdin.on("end", () => {
      if (process.env.FAKE_LOG) writeFileSync(process.env.FAKE_LOG, JSON.stringify({ argv: process.argv.slice(2), input }));
      process.stdout.write(JSON.stringify({ schemaVersion: 1, command: "triage", toolVersion: "0.0.0",
        inputs: [{ name: "-", bytes: input.length, verdict: ${JSON.stringify(verdict)}, findings: [],
                   explanation: "The gist of it. More detail.", fixes: ${JSON.stringify(fixes)}, cannotTell: [] }], tally: {} }));
      process.exit(0);
    });`;

  it("sends the error text on stdin to `triage --json -` and prints the verdict, re-login answer and first fix on one line", async () => {
    const log = path.join(sb.dir, "triage-call.json");
    const command = await fakeDoctor(CONTRACT(
      { code: "token_rejected", confidence: "high", reloginHelps: true },
      [{ text: "Sign in to xAI again\n(device-code login)", command: "hermes auth add xai-oauth" }, { text: "second fix" }],
    ));
    const run = await harness(["hook", "api_request_error", apiError("Error code: 403 - {'code': 'x'}")], {
      settings: { command, hook_timeout_seconds: 30 },
      env: { FAKE_LOG: log },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("xai-doctor: token_rejected: The gist of it — signing in again will help; Sign in to xAI again (device-code login) (hermes auth add xai-oauth)\n");
    const call = JSON.parse(await readFile(log, "utf8"));
    expect(call.argv).toEqual(["triage", "--json", "-"]);
    expect(call.input).toContain("Error code: 403 - {'code': 'x'}");
  }, SLOW);

  it("asks nothing for a provider other than xai-oauth / xai", async () => {
    const log = path.join(sb.dir, "triage-call.json");
    const command = await fakeDoctor(CONTRACT({ code: "entitlement_denied", confidence: "high", reloginHelps: false }, [{ text: "fix" }]));
    const [other, xai] = await Promise.all(["openrouter", "xai"].map((provider) =>
      harness(["hook", "api_request_error", apiError(SEED_403, { provider })], { settings: { command, hook_timeout_seconds: 30 }, env: { FAKE_LOG: log } }),
    ));
    expect(other!.stdout + other!.stderr).toBe("");
    expect(xai!.stderr).toBe("xai-doctor: entitlement_denied: The gist of it — signing in again will not help; fix\n");
  }, SLOW);

  it("is bounded: a doctor that hangs is abandoned after hook_timeout_seconds, silently", async () => {
    const command = await fakeDoctor("setInterval(() => {}, 1000);\n");
    const run = await harness(["hook", "api_request_error", apiError(SEED_403)], { settings: { command, hook_timeout_seconds: 1 } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toBe("");
    expect(run.durationMs).toBeLessThan(SLOW / 2); // generous: the point is that it returns at all
  }, SLOW);

  it("is silent when triage recognises nothing (exit 1) or answers garbage", async () => {
    const [unknown, garbage] = await Promise.all([
      fakeDoctor(`process.stdout.write(JSON.stringify({ schemaVersion: 1, command: "triage", inputs: [], tally: {} })); process.exit(1);\n`),
      fakeDoctor(`process.stdout.write("not json"); process.exit(0);\n`),
    ]);
    for (const command of [unknown, garbage]) {
      const run = await harness(["hook", "api_request_error", apiError(SEED_403)], { settings: { command, hook_timeout_seconds: 30 } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).toBe("");
    }
  }, SLOW);
});

describe("packaging", () => {
  it("the npm package ships the plugin folder", async () => {
    const run = await new Promise<string>((resolve, reject) => {
      const child = spawn("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.on("error", reject);
      child.on("close", () => resolve(out));
    });
    const files = JSON.parse(run)[0].files.map((f: { path: string }) => f.path);
    for (const f of ["plugin.yaml", "__init__.py", "doctor.py"]) expect(files).toContain(`integrations/hermes/xai-doctor/${f}`);
    expect(files.filter((f: string) => f.includes("__pycache__"))).toEqual([]);
  }, SLOW);
});

describe("docs/hermes-integration.md", () => {
  it("the delegation example runs as written against the emulator", async () => {
    const doc = await readFile(path.join(ROOT, "docs/hermes-integration.md"), "utf8");
    const match = doc.match(/<!-- example: delegation -->\n```python\n([\s\S]*?)```/);
    expect(match, "the marked Python example is missing").not.toBeNull();
    const example = path.join(sb.dir, "delegate.py");
    await writeFile(example, match![1]!);
    const bin = path.join(sb.dir, "bin");
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, "hermes-doctor"), `#!/bin/sh\nexec ${DOCTOR} "$@"\n`);
    await chmod(path.join(bin, "hermes-doctor"), 0o755);
    await loginWith(emulator, sb, "entitlement_denied");
    const run = await new Promise<Run>((resolve, reject) => {
      const t0 = Date.now();
      const child = spawn("python3", [example], {
        env: {
          PATH: `${bin}:${process.env.PATH}`, HOME: sb.userHome, HERMES_HOME: sb.hermes,
          HERMES_DOCTOR_ISSUER: emulator.issuer, HERMES_DOCTOR_API_BASE: emulator.apiBase,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr, durationMs: Date.now() - t0 }));
    });
    expect(run.code, run.stderr).toBe(12);
    expect(run.stdout).toMatch(/^entitlement_denied: .*\(login: ok, entitlement: denied\)\n/);
    expect(run.stdout).toMatch(/fix: .*XAI_API_KEY/);
  }, SLOW);
});

/** The directory of the python3 this machine runs, so a PATH of only that still starts Python. */
async function whichPython(): Promise<string> {
  const run = await new Promise<string>((resolve, reject) => {
    const child = spawn("python3", ["-c", "import sys; print(sys.executable)"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", () => resolve(out.trim()));
  });
  return run;
}
