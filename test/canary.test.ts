// The promise: no access token, refresh token, id token or API key ever reaches any output —
// text, verbose, JSON, stderr — of any command, in any local or network scenario.
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli, type CliRun } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";
import { loginWith } from "./helpers/emulated.js";
import { quarantinedXaiState, writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken } from "../fixtures/tokens.js";
import { ACCOUNT_SCENARIOS, SCENARIOS, startEmulator, type Emulator } from "../fixtures/emulator/server.js";

/** The secret parts of a token: a JWT's payload and signature (its header is public boilerplate). */
function secretParts(token: string): string[] {
  const parts = token.split(".");
  return parts.length === 3 ? [token, parts[1]!, parts[2]!].filter((p) => p.length >= 8) : [token];
}

function assertNoLeak(runs: CliRun[], secrets: string[], label: string) {
  const needles = secrets.flatMap(secretParts);
  expect(needles.length).toBeGreaterThan(0);
  for (const run of runs) {
    const out = run.stdout + run.stderr;
    expect(out.length, `${label}: the command printed nothing`).toBeGreaterThan(0);
    for (const n of needles) expect(out.includes(n), `${label}: leaked ${n.slice(0, 6)}… in\n${out.slice(0, 400)}`).toBe(false);
  }
}

const CANARY = {
  access: makeAccessToken({ email: "canary@example.com", canary: "CANARY-ACCESS" }),
  refresh: "rt-CANARY-refresh-0123456789abcdefghijklmnop",
  id: makeAccessToken({ email: "canary@example.com", canary: "CANARY-ID" }),
  apiKey: "xai-CANARYKEY0123456789abcdefghijklmnopqrstuv",
};
const ALL = Object.values(CANARY);

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

/** Every output shape of `xai` for one home: text, verbose text, JSON, verbose JSON, JUnit, Markdown. */
async function allOutputs(args: string[], env: Record<string, string> = {}): Promise<CliRun[]> {
  const base = ["xai", "--home", sb.hermes, ...args];
  const e = { HOME: sb.userHome, ...env };
  return Promise.all([
    runCli(base, { env: e }),
    runCli([...base, "--verbose"], { env: e }),
    runCli([...base, "--json"], { env: e }),
    runCli([...base, "--json", "--verbose"], { env: { ...e, FORCE_COLOR: "1" } }),
    runCli([...base, "--format", "junit"], { env: e }),
    runCli([...base, "--format", "markdown"], { env: e }),
  ]);
}

describe("canary tokens never reach any output: local stores", () => {
  const tokens = { access_token: CANARY.access, refresh_token: CANARY.refresh, id_token: CANARY.id };
  const stores: [string, () => Promise<void>][] = [
    ["a healthy store with an XAI_API_KEY in .env and the environment", () => writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens), env: `XAI_API_KEY=${CANARY.apiKey}\n` }).then(() => undefined)],
    ["a corrupt store whose broken JSON is full of tokens", () => writeHermesHome(sb.hermes, { auth: `{"providers": {"xai-oauth": {"tokens": {"access_token": "${CANARY.access}", "refresh_token": "${CANARY.refresh}", ` }).then(() => undefined)],
    ["a malformed xai state holding tokens in the wrong places", () => writeHermesHome(sb.hermes, { auth: { version: 1, providers: { "xai-oauth": { tokens: [CANARY.access, CANARY.refresh], id: CANARY.id } }, credential_pool: { "xai-oauth": [{ access_token: 42, refresh_token: CANARY.refresh, label: CANARY.apiKey }] } } }).then(() => undefined)],
    ["a quarantined login", () => writeHermesHome(sb.hermes, { auth: { version: 1, providers: { "xai-oauth": quarantinedXaiState({ tokens: { id_token: CANARY.id, expires_in: 21600 } }) }, credential_pool: {} } }).then(() => undefined)],
    ["a non-JWT token and a 0644 store", () => writeHermesHome(sb.hermes, { auth: xaiAuthStore({ ...tokens, access_token: CANARY.refresh.replace("rt-", "at-") }), authMode: 0o644 }).then(() => undefined)],
  ];

  it.each(stores)("%s", async (label, make) => {
    await make();
    const runs = await allOutputs(["--offline"], { XAI_API_KEY: CANARY.apiKey });
    assertNoLeak(runs, [...ALL, CANARY.refresh.replace("rt-", "at-")], label);
  });

  it("--all-profiles, with a forked grant in a profile and in the Grok CLI's store", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens), env: `XAI_API_KEY=${CANARY.apiKey}\n` });
    await writeHermesHome(path.join(sb.hermes, "profiles", "work"), { auth: xaiAuthStore(tokens) });
    await writeHermesHome(path.join(sb.userHome, ".grok"), { auth: { "https://auth.x.ai::b1a00492-073a-47ea-816f-4c329264a828": { key: CANARY.access, refresh_token: CANARY.refresh, user_id: "u" } } });
    const base = ["xai", "--all-profiles", "--offline", "--home", sb.hermes];
    const env = { HOME: sb.userHome };
    const runs = await Promise.all([
      runCli(base, { env }),
      runCli([...base, "--verbose"], { env }),
      runCli([...base, "--json", "--verbose"], { env }),
      runCli([...base, "--format", "markdown"], { env }),
    ]);
    expect(runs[2]!.stdout).toContain("grant_forked"); // the fork checks saw the planted tokens
    assertNoLeak(runs, ALL, "all-profiles");
  });

  it("usage errors and the checks list", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens) });
    const runs = await Promise.all([
      runCli(["checks"], { env: { HOME: sb.userHome, XAI_API_KEY: CANARY.apiKey } }),
      runCli(["xai", "--home", sb.hermes, "--timeout", "nope"], { env: { HOME: sb.userHome, XAI_API_KEY: CANARY.apiKey } }),
      runCli(["xai", "--home", sb.hermes, "--issuer", "http://evil.example.com"], { env: { HOME: sb.userHome } }),
    ]);
    assertNoLeak(runs, ALL, "usage");
  });
});

describe("canary tokens never reach any output: every emulator scenario", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each([...SCENARIOS])("%s (fresh and expired token, with an API key)", async (scenario) => {
    for (const lifetimeSec of [21_600, -600]) {
      const key = emulator.createApiKey("ok");
      const { account, authPath } = await loginWith(emulator, sb, scenario, { lifetimeSec, env: `XAI_API_KEY=${key}\n`, config: "model:\n  provider: xai-oauth\n" });
      const runs = await allOutputs(["--issuer", emulator.issuer, "--api-base", emulator.apiBase, "--grok-base", emulator.grokBase, "--timeout", "6000"]);
      // Refreshes rotate tokens: whatever is in the store now is secret too.
      const stored = JSON.parse(await readFile(authPath, "utf8"));
      const now = [stored.providers["xai-oauth"]?.tokens?.access_token, stored.providers["xai-oauth"]?.tokens?.refresh_token].filter(Boolean);
      assertNoLeak(runs, [account.accessToken, account.refreshToken, account.idToken, key, ...now], `${scenario}/${lifetimeSec}`);
    }
  }, 60_000);

  // The account facts (subscription host via --grok-base) and the answer shapes: the new report
  // sections are really rendered in every format, and still hold no token.
  it.each([...ACCOUNT_SCENARIOS])("%s (subscription host, with an API key)", async (scenario) => {
    const key = emulator.createApiKey("ok");
    const { account, authPath } = await loginWith(emulator, sb, scenario, { env: `XAI_API_KEY=${key}\n`, config: "model:\n  provider: xai-oauth\n" });
    const runs = await allOutputs(["--issuer", emulator.issuer, "--api-base", emulator.apiBase, "--grok-base", emulator.grokBase, "--timeout", "20000"]);
    expect(JSON.parse(runs[2]!.stdout).account, scenario).toBeDefined();
    expect(runs[0]!.stdout).toMatch(/\n {2}account: /);
    expect(runs[5]!.stdout).toMatch(/\n\*\*Account:\*\* /);
    const stored = JSON.parse(await readFile(authPath, "utf8"));
    const now = [stored.providers["xai-oauth"]?.tokens?.access_token, stored.providers["xai-oauth"]?.tokens?.refresh_token].filter(Boolean);
    assertNoLeak(runs, [account.accessToken, account.refreshToken, account.idToken, key, ...now], scenario);
  }, 60_000);
});

describe("canary tokens never reach the GitHub Actions outputs or --output files", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each(["entitlement_denied", "token_rejected", "spending_limit", "healthy"] as const)("%s", async (scenario) => {
    const key = emulator.createApiKey("ok");
    const { account } = await loginWith(emulator, sb, scenario, { env: `XAI_API_KEY=${key}\n` });
    const file = (f: string) => path.join(sb.dir, f);
    const run = await runCli(["xai", "--home", sb.hermes, "--issuer", emulator.issuer, "--api-base", emulator.apiBase, "--verbose",
      ...["json", "junit", "markdown", "text"].flatMap((f) => ["--output", `${f}=${file(`out.${f}`)}`])], {
      env: { HOME: sb.userHome, GITHUB_ACTIONS: "true", GITHUB_OUTPUT: file("gh-output"), GITHUB_STEP_SUMMARY: file("gh-summary") },
    });
    const written = await Promise.all(["out.json", "out.junit", "out.markdown", "out.text", "gh-output", "gh-summary"].map((f) => readFile(file(f), "utf8")));
    assertNoLeak([run, ...written.map((stdout) => ({ code: 0, stdout, stderr: "", durationMs: 0 }))], [account.accessToken, account.refreshToken, account.idToken, key], scenario);
  });
});

describe("canary tokens never reach any output: triage of pasted text", () => {
  // Where tokens really turn up in pastes: a Bearer header, a dict repr, a pasted auth.json, a query
  // string, an xAI body echoing the key, a truncated JWT, and lines that also match a signature.
  // A JWT cut short in a log: its header and the first 24 characters of its payload.
  const cut = CANARY.access.slice(0, CANARY.access.indexOf(".") + 25);
  const paste = [
    `HTTP 403: Error code: 403 - {'code': 'unauthenticated:bad-credentials', 'error': 'The OAuth2 access token could not be validated.', 'token': '${CANARY.access}'}`,
    `curl -H "Authorization: Bearer ${CANARY.access}" https://api.x.ai/v1/responses -> HTTP 403 do not have an active Grok subscription`,
    `{"providers": {"xai-oauth": {"tokens": {"access_token": "${CANARY.access}", "refresh_token": "${CANARY.refresh}", "id_token": "${CANARY.id}"}, "last_auth_error": {"code": "xai_refresh_failed"}}}}`,
    `xAI token refresh failed. Response: {"error":"invalid_grant","error_description":"Refresh token has been revoked"} refresh_token=${CANARY.refresh}`,
    `HTTP 400: {"code":"Client specified an invalid argument","error":"Incorrect API key provided: ${CANARY.apiKey}"}`,
    `Provider resolved to 'xai' via XAI_API_KEY, preempting your logged-in OAuth provider 'xai-oauth'. XAI_API_KEY=${CANARY.apiKey}`,
    `Error: connect ECONNREFUSED 127.0.0.1:443 while sending ${cut}`,
  ].join("\n");

  it("text, JSON and Markdown, from a file and from stdin", async () => {
    const file = path.join(sb.dir, "paste.log");
    await writeFile(file, paste);
    const runs = await Promise.all([
      ...["text", "json", "markdown"].map((format) => runCli(["triage", "--format", format, file])),
      runCli(["triage", "--json"], { input: paste }),
      runCli(["triage", "--format", "markdown", "-", file], { input: paste }),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // A truncated JWT's payload prefix is as secret as the whole.
    assertNoLeak(runs, [...ALL, cut.split(".")[1]!], "triage");
  });
});
