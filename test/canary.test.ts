// The promise: no secret the doctor can see ever reaches any output. Table-driven over command ×
// format: `xai` (text, coloured verbose text, JSON, JUnit, Markdown, --output files, the GitHub
// Actions annotations on stderr, $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT), `--all-profiles`,
// `checks`, `schema`, `triage`, `demo` (one scenario and --all), usage errors and the internal-error
// path (exit 3) — against Hermes homes planted with canaries of every kind: access, refresh and id
// tokens, API keys (environment and .env), other .env secrets, config.yaml keys, proxy URLs with
// passwords and URLs with queries.
//
// The emulator scenarios are a bounded set by default; HERMES_DOCTOR_LONG_TESTS=1 runs every
// scenario, fresh and expired.
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ROOT, runCli } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";
import { loginWith } from "./helpers/emulated.js";
import { quarantinedXaiState, writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken } from "../fixtures/tokens.js";
import { ACCOUNT_SCENARIOS, SCENARIOS, startEmulator, type AnyScenario, type Emulator } from "../fixtures/emulator/server.js";

const LONG = process.env.HERMES_DOCTOR_LONG_TESTS === "1";

const CANARY = {
  access: makeAccessToken({ email: "canary@example.com", canary: "CANARY-ACCESS" }),
  refresh: "rt-CANARY-refresh-0123456789abcdefghijklmnop",
  id: makeAccessToken({ email: "canary@example.com", canary: "CANARY-ID" }),
  /** XAI_API_KEY, in the environment and in .env. */
  apiKey: "xai-CANARYKEY0123456789abcdefghijklmnopqrstuv",
  /** A secret-named .env variable that looks like nothing in particular. */
  dotenvSecret: "CANARY-dotenv-secret-0123456789",
  /** An api_key in config.yaml. */
  configKey: "CANARY-config-key-0123456789",
  /** The password of HTTPS_PROXY (environment) and of a proxy in .env. */
  proxyPassword: "CANARY-proxy-pw-0123456789",
  /** `?token=` in URLs: the stored token endpoint, a config.yaml base_url, --issuer. */
  query: "CANARY-query-0123456789",
  /** A URL fragment. */
  fragment: "CANARY-fragment-0123456789",
};
const ALL = Object.values(CANARY);

const PROXY_ENV = {
  HTTPS_PROXY: `http://canary:${CANARY.proxyPassword}@127.0.0.1:9`,
  HTTP_PROXY: `http://canary:${CANARY.proxyPassword}@127.0.0.1:9`,
  // The emulator is on loopback: reached directly, while the proxy is still read and reported.
  NO_PROXY: "127.0.0.1,localhost",
};

// ---------------------------------------------------------------------------------------------
// Running a case and looking for leaks

interface Case {
  /** Shown in the test name. */
  name: string;
  args: string[];
  env?: Record<string, string>;
  input?: string;
  /** Files the run writes (--output, $GITHUB_*): their text is an output too. */
  files?: string[];
  /** The exit code the case must end with (default: anything but 3, the internal error). */
  code?: number;
  /** A substring stderr must contain, to prove the case took the path it is about. */
  stderrHas?: string;
}

interface Output {
  label: string;
  text: string;
}

/** The secret parts of a token: a JWT's payload and signature (its header is public boilerplate). */
function secretParts(token: string): string[] {
  const parts = token.split(".");
  return parts.length === 3 ? [token, parts[1]!, parts[2]!].filter((p) => p.length >= 8) : [token];
}

/**
 * Fails when any secret, or a JWT's payload or signature, is in any output: as printed, and with
 * colour codes, whitespace (a wrapped line) and backslashes (Markdown escapes) taken out.
 */
function assertNoLeak(outputs: Output[], secrets: string[], label: string): void {
  const needles = [...new Set(secrets.filter(Boolean).flatMap(secretParts))];
  expect(needles.length).toBeGreaterThan(0);
  for (const o of outputs) {
    const plain = o.text.replace(/\u001b\[[0-9;]*m/g, "");
    const squeezed = plain.replace(/[\s\\]+/g, "");
    for (const n of needles) {
      const leaked = plain.includes(n) || squeezed.includes(n);
      expect(leaked, `${label}: ${o.label} leaked ${n.slice(0, 10)}… in\n${plain.slice(0, 600)}`).toBe(false);
    }
  }
}

/** Runs one case through the built CLI; its stdout, stderr and written files. */
async function runCase(c: Case, env: Record<string, string>): Promise<Output[]> {
  const run = await runCli(c.args, { env: { ...env, ...c.env }, timeoutMs: 45_000, ...(c.input !== undefined ? { input: c.input } : {}) });
  expect(run.code, `${c.name}: killed after 45 s (a hang)`).not.toBeNull();
  if (c.code !== undefined) expect(run.code, `${c.name}: exit code\n${run.stderr}`).toBe(c.code);
  else expect(run.code, `${c.name}: internal error\n${run.stderr}`).not.toBe(3);
  if (c.stderrHas) expect(run.stderr, c.name).toContain(c.stderrHas);
  expect(run.stdout.length + run.stderr.length, `${c.name}: printed nothing`).toBeGreaterThan(0);
  const outputs = [{ label: "stdout", text: run.stdout }, { label: "stderr", text: run.stderr }];
  for (const f of c.files ?? []) outputs.push({ label: path.basename(f), text: await readFile(f, "utf8") });
  return outputs;
}

/** `xai` in every output shape, for one home and one set of endpoint flags. */
function xaiCases(base: string[], dir: string, tag: string): Case[] {
  const file = (f: string) => path.join(dir, `${tag}-${f}`);
  const outputs = ["json", "junit", "markdown", "text"].map((f) => file(`out.${f}`));
  const gh = [file("gh-output"), file("gh-summary")];
  return [
    { name: "xai text", args: base },
    { name: "xai --verbose (coloured)", args: [...base, "--verbose"], env: { FORCE_COLOR: "3" } },
    { name: "xai --json", args: [...base, "--json"] },
    { name: "xai --json --verbose", args: [...base, "--json", "--verbose"] },
    { name: "xai --format junit", args: [...base, "--format", "junit"] },
    { name: "xai --format markdown --verbose", args: [...base, "--format", "markdown", "--verbose"] },
    { name: "xai --output json,junit,markdown,text", args: [...base, "--verbose", ...["json", "junit", "markdown", "text"].flatMap((f, i) => ["--output", `${f}=${outputs[i]}`])], files: outputs },
    {
      name: "xai under GitHub Actions (annotations, step summary, outputs)",
      args: [...base, "--verbose"],
      env: { GITHUB_ACTIONS: "true", CI: "true", GITHUB_OUTPUT: gh[0]!, GITHUB_STEP_SUMMARY: gh[1]! },
      files: gh,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// One Hermes home with every kind of canary, offline: every command, format, error and the crash

const CRASH_PLUGIN = path.join(ROOT, "test/plugins/crashes-with-secrets.mjs");
const EXAMPLE_PLUGIN = path.join(ROOT, "fixtures/plugins/example-check.mjs");

/** Where tokens really turn up in pastes, plus lines that also match a signature. */
const cut = CANARY.access.slice(0, CANARY.access.indexOf(".") + 25); // a JWT cut short in a log
const PASTE = [
  `HTTP 403: Error code: 403 - {'code': 'unauthenticated:bad-credentials', 'error': 'The OAuth2 access token could not be validated.', 'token': '${CANARY.access}'}`,
  `curl -H "Authorization: Bearer ${CANARY.access}" https://api.x.ai/v1/responses -> HTTP 403 do not have an active Grok subscription`,
  `{"providers": {"xai-oauth": {"tokens": {"access_token": "${CANARY.access}", "refresh_token": "${CANARY.refresh}", "id_token": "${CANARY.id}"}, "last_auth_error": {"code": "xai_refresh_failed"}}}}`,
  `xAI token refresh failed. Response: {"error":"invalid_grant","error_description":"Refresh token has been revoked"} refresh_token=${CANARY.refresh}`,
  `HTTP 400: {"code":"Client specified an invalid argument","error":"Incorrect API key provided: ${CANARY.apiKey}"}`,
  `Provider resolved to 'xai' via XAI_API_KEY, preempting your logged-in OAuth provider 'xai-oauth'. XAI_API_KEY=${CANARY.apiKey}`,
  `Error: connect ECONNREFUSED 127.0.0.1:443 while sending ${cut} via https://canary:${CANARY.proxyPassword}@proxy.example:3128/?token=${CANARY.query}`,
].join("\n");

/** The paths of the offline world, known once its sandbox exists. */
interface World {
  sb: Sandbox;
  home: string[];
  paste: string;
}

const allProfiles = (w: World) => ["xai", "--all-profiles", "--offline", ...w.home];
const evilUrl = `https://canary:${CANARY.proxyPassword}@auth.example/?token=${CANARY.query}#${CANARY.fragment}`;
const crash = "internal error: cannot serialise the details";

/** command × format: each row is a case, built from the world's paths when it runs. */
const OFFLINE: [string, (w: World) => Omit<Case, "name">][] = [
  ...["text", "--verbose (coloured)", "--json", "--json --verbose", "--format junit", "--format markdown --verbose", "--output json,junit,markdown,text", "under GitHub Actions (annotations, step summary, outputs)"]
    .map((n, i): [string, (w: World) => Omit<Case, "name">] => [`xai --offline ${n}`, (w) => xaiCases(["xai", "--offline", ...w.home], w.sb.dir, "offline")[i]!]),
  ["xai --all-profiles text", (w) => ({ args: allProfiles(w) })],
  ["xai --all-profiles --verbose", (w) => ({ args: [...allProfiles(w), "--verbose"] })],
  ["xai --all-profiles --json --verbose", (w) => ({ args: [...allProfiles(w), "--json", "--verbose"] })],
  ["xai --all-profiles --format markdown", (w) => ({ args: [...allProfiles(w), "--format", "markdown"] })],
  ["checks", () => ({ args: ["checks"] })],
  ["checks --json --plugin", () => ({ args: ["checks", "--json", "--plugin", EXAMPLE_PLUGIN] })],
  ["schema report", () => ({ args: ["schema", "report"] })],
  ["schema checks", () => ({ args: ["schema", "checks"] })],
  ...["text", "json", "markdown"].map((f): [string, (w: World) => Omit<Case, "name">] => [`triage --format ${f} FILE`, (w) => ({ args: ["triage", "--format", f, w.paste], code: 0 })]),
  ["triage --json (stdin)", () => ({ args: ["triage", "--json"], input: PASTE, code: 0 })],
  ["triage --format markdown - FILE", (w) => ({ args: ["triage", "--format", "markdown", "-", w.paste], input: PASTE, code: 0 })],
  ["usage error: --issuer with userinfo, ?token= and a fragment", (w) => ({ args: ["xai", ...w.home, "--issuer", evilUrl], code: 2, stderrHas: "--issuer" })],
  ["usage error: --api-base with a query", (w) => ({ args: ["xai", ...w.home, "--api-base", `https://api.example/v1?key=${CANARY.query}`], code: 2, stderrHas: "--api-base" })],
  ["usage error: --grok-base with a query", (w) => ({ args: ["xai", ...w.home, "--grok-base", `https://grok.example/v1?token=${CANARY.query}`], code: 2, stderrHas: "--grok-base" })],
  ["usage error: HERMES_DOCTOR_ISSUER with a query", (w) => ({ args: ["xai", ...w.home], env: { HERMES_DOCTOR_ISSUER: evilUrl }, code: 2 })],
  ["usage error: --timeout", (w) => ({ args: ["xai", ...w.home, "--timeout", "nope"], code: 2 })],
  // An option we do not have, given a secret: commander quotes it; its value is never echoed.
  ["usage error: an unknown option holding a token", (w) => ({ args: ["xai", ...w.home, `--token=${CANARY.refresh}`], code: 2, stderrHas: "unknown option '--token=[redacted]'" })],
  // The internal-error path: a plugin's details throw while the report is built, outside the
  // runner's isolation, with every secret of the run in the message (test/plugins/crashes-with-secrets.mjs).
  ["internal error (exit 3), text", (w) => ({ args: ["xai", "--offline", ...w.home, "--plugin", CRASH_PLUGIN], code: 3, stderrHas: crash })],
  ["internal error (exit 3), --json", (w) => ({ args: ["xai", "--offline", "--json", ...w.home, "--plugin", CRASH_PLUGIN], code: 3, stderrHas: crash })],
  ["internal error (exit 3), HERMES_DOCTOR_DEBUG stack", (w) => ({ args: ["xai", "--offline", "--verbose", ...w.home, "--plugin", CRASH_PLUGIN], env: { HERMES_DOCTOR_DEBUG: "1" }, code: 3, stderrHas: "at jsonSafe" })],
  ["internal error (exit 3), --all-profiles", (w) => ({ args: [...allProfiles(w), "--json", "--plugin", CRASH_PLUGIN], code: 3, stderrHas: crash })],
];

describe.concurrent("canaries never reach any output: every command and format, offline", () => {
  let world: World;
  let env: Record<string, string>;
  const tokens = { access_token: CANARY.access, refresh_token: CANARY.refresh, id_token: CANARY.id };

  beforeAll(async () => {
    const sb = await sandbox();
    world = { sb, home: ["--home", sb.hermes], paste: path.join(sb.dir, "paste.log") };
    env = { HOME: sb.userHome, XAI_API_KEY: CANARY.apiKey, ...PROXY_ENV };
    await writeHermesHome(sb.hermes, {
      auth: xaiAuthStore(tokens, { tokenEndpoint: `https://auth.x.ai/oauth2/token?token=${CANARY.query}#${CANARY.fragment}` }),
      env: [`XAI_API_KEY=${CANARY.apiKey}`, `HERMES_GATEWAY_SECRET=${CANARY.dotenvSecret}`, `HTTPS_PROXY=http://canary:${CANARY.proxyPassword}@proxy.example:3128`, ""].join("\n"),
      config: `model:\n  provider: xai-oauth\nauxiliary:\n  vision:\n    base_url: https://vision.example/v1?token=${CANARY.query}\n    api_key: ${CANARY.configKey}\n`,
    });
    // --all-profiles: the same grant forked into a profile and into the Grok CLI's own store.
    await writeHermesHome(path.join(sb.hermes, "profiles", "work"), { auth: xaiAuthStore(tokens) });
    await writeHermesHome(path.join(sb.userHome, ".grok"), { auth: { "https://auth.x.ai::b1a00492-073a-47ea-816f-4c329264a828": { key: CANARY.access, refresh_token: CANARY.refresh, user_id: "u" } } });
    await writeFile(world.paste, PASTE);
  });
  afterAll(async () => {
    await world.sb.cleanup();
  });

  it.each(OFFLINE)("%s", async (name, make) => {
    const outputs = await runCase({ ...make(world), name }, env);
    // A JWT cut short in a paste is as secret as the whole.
    assertNoLeak(outputs, [...ALL, cut.split(".")[1]!], name);
  }, 60_000);

  it("the planted canaries are really seen: --all-profiles finds the forked grant", async () => {
    const run = await runCli([...allProfiles(world), "--json"], { env });
    expect(run.stdout).toContain("grant_forked");
  });
});

// ---------------------------------------------------------------------------------------------
// Broken and odd stores: tokens in the wrong places must not escape through error paths

describe("canaries never reach any output: broken stores, every xai format", () => {
  const tokens = { access_token: CANARY.access, refresh_token: CANARY.refresh, id_token: CANARY.id };
  const opaque = CANARY.refresh.replace("rt-", "at-");
  const STORES: [string, (dir: string) => Promise<unknown>][] = [
    ["a corrupt store whose broken JSON is full of tokens", (d) => writeHermesHome(d, { auth: `{"providers": {"xai-oauth": {"tokens": {"access_token": "${CANARY.access}", "refresh_token": "${CANARY.refresh}", ` })],
    ["a malformed xai state holding tokens in the wrong places", (d) => writeHermesHome(d, { auth: { version: 1, providers: { "xai-oauth": { tokens: [CANARY.access, CANARY.refresh], id: CANARY.id } }, credential_pool: { "xai-oauth": [{ access_token: 42, refresh_token: CANARY.refresh, label: CANARY.apiKey }] } } })],
    ["a quarantined login", (d) => writeHermesHome(d, { auth: { version: 1, providers: { "xai-oauth": quarantinedXaiState({ tokens: { id_token: CANARY.id, expires_in: 21600 } }) }, credential_pool: {} } })],
    ["a non-JWT token and a 0644 store", (d) => writeHermesHome(d, { auth: xaiAuthStore({ ...tokens, access_token: opaque }), authMode: 0o644 })],
  ];
  const sandboxes: Sandbox[] = [];
  afterAll(async () => {
    await Promise.all(sandboxes.map((s) => s.cleanup()));
  });

  it.each(STORES)("%s", async (label, make) => {
    const sb = await sandbox();
    sandboxes.push(sb);
    await make(sb.hermes);
    const env = { HOME: sb.userHome, XAI_API_KEY: CANARY.apiKey };
    const outputs = await Promise.all(xaiCases(["xai", "--offline", "--home", sb.hermes], sb.dir, "store").map(async (c) => (await runCase(c, env)).map((o) => ({ ...o, label: `${c.name} ${o.label}` }))));
    assertNoLeak(outputs.flat(), [...ALL, opaque], label);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Against the xAI emulator: refreshes, rotations, error bodies, the account facts

/** A bounded set that still reaches every kind of report: healthy after a refresh, each failure layer, a hang, the account facts. */
const BOUNDED: [AnyScenario, number][] = [
  ["healthy", -600], // expired: refreshed, rotated and saved
  ["entitlement_denied", 21_600], // the API-key rail is probed too
  ["token_rejected", 21_600],
  ["revoked", -600],
  ["upstream_html_503", 21_600],
  ["hang", 21_600],
  ["supergrok_api_denied", 21_600],
  ["grok_unauthorized", 21_600],
  ["stream_capacity_error", 21_600],
];
const EMULATED: [AnyScenario, number][] = LONG
  ? [...SCENARIOS.flatMap((s): [AnyScenario, number][] => [[s, 21_600], [s, -600]]), ...ACCOUNT_SCENARIOS.map((s): [AnyScenario, number] => [s, 21_600])]
  : BOUNDED;

describe("canaries never reach any output: emulator scenarios, every xai format", () => {
  let emulator: Emulator;
  let sb: Sandbox;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    sb = await sandbox();
  });
  afterEach(async () => {
    await sb.cleanup();
  });

  it.each(EMULATED)("%s (token lifetime %i s)", async (scenario, lifetimeSec) => {
    const key = emulator.createApiKey("ok");
    const { account } = await loginWith(emulator, sb, scenario, {
      lifetimeSec,
      env: `XAI_API_KEY=${key}\nHERMES_GATEWAY_SECRET=${CANARY.dotenvSecret}\n`,
      config: `model:\n  provider: xai-oauth\nauxiliary:\n  vision:\n    api_key: ${CANARY.configKey}\n`,
    });
    const granted = emulator.issuedGrants.length;
    // A hang is cut by the deadline; every other scenario gets a deadline load cannot reach.
    const timeout = scenario === "hang" ? "3000" : "30000";
    const base = ["xai", "--home", sb.hermes, "--issuer", emulator.issuer, "--api-base", emulator.apiBase, "--grok-base", emulator.grokBase, "--timeout", timeout];
    const cases = xaiCases(base, sb.dir, scenario);
    const env = { HOME: sb.userHome, XAI_API_KEY: key, ...PROXY_ENV };
    const outputs = (await Promise.all(cases.map(async (c) => (await runCase(c, env)).map((o) => ({ ...o, label: `${c.name} ${o.label}` }))))).flat();
    // The account facts really rendered where the scenario has them.
    if ((ACCOUNT_SCENARIOS as readonly string[]).includes(scenario)) expect(outputs.find((o) => o.label === "xai --json stdout")!.text).toContain('"account"');
    // Refreshes rotate tokens: every pair the emulator handed out during the runs is secret too.
    const rotated = emulator.issuedGrants.slice(granted).flatMap((g) => [g.accessToken, g.refreshToken]);
    assertNoLeak(outputs, [account.accessToken, account.refreshToken, account.idToken, key, CANARY.dotenvSecret, CANARY.configKey, CANARY.proxyPassword, ...rotated], `${scenario}/${lifetimeSec}`);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// demo: its own emulator and throw-away home, whatever the user's environment holds

describe("canaries never reach any output: demo", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await sandbox();
    // The user's own login, keys and proxy: the demo must neither use nor show any of them.
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore({ access_token: CANARY.access, refresh_token: CANARY.refresh, id_token: CANARY.id }), env: `XAI_API_KEY=${CANARY.apiKey}\n` });
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it("a scenario in every format, --all and --list", async () => {
    const env = { HOME: sb.userHome, HERMES_HOME: sb.hermes, TMPDIR: sb.dir, XAI_API_KEY: CANARY.apiKey, ...PROXY_ENV };
    // One scenario's runs at once (a deadline load cannot reach), then --all and --list, which run
    // many scenarios in one process.
    const one = ["--timeout", "30000"];
    const batches: Case[][] = [[
      { name: "demo", args: ["demo", ...one], code: 12 },
      { name: "demo --verbose (coloured)", args: ["demo", "--verbose", ...one], env: { FORCE_COLOR: "3" }, code: 12 },
      { name: "demo --json --verbose", args: ["demo", "--json", "--verbose", ...one], code: 12 },
      { name: "demo --format junit", args: ["demo", "--format", "junit", ...one], code: 12 },
      { name: "demo revoked --format markdown --verbose", args: ["demo", "revoked", "--format", "markdown", "--verbose", ...one], code: 11 },
    ], [
      { name: "demo --all --json", args: ["demo", "--all", "--json", "--timeout", "5000"] },
      { name: "demo --list", args: ["demo", "--list"], code: 0 },
    ]];
    const outputs: Output[] = [];
    for (const batch of batches) {
      for (const o of await Promise.all(batch.map(async (c) => (await runCase(c, env)).map((x) => ({ ...x, label: `${c.name} ${x.label}` }))))) outputs.push(...o);
    }
    assertNoLeak(outputs, ALL, "demo");
    // The demo's own tokens live and die inside the process, so they are looked for by shape: no
    // JWT, no API key, no long base64url run (refresh tokens are 64 characters) in any output.
    for (const o of outputs) {
      const plain = o.text.replace(/\u001b\[[0-9;]*m/g, "");
      expect(plain, o.label).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
      expect(plain, o.label).not.toMatch(/xai-[A-Za-z0-9]{20,}/);
      expect(plain, o.label).not.toMatch(/[A-Za-z0-9_-]{48,}/);
    }
  }, 120_000);
});
