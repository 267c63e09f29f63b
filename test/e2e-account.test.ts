// The account facts end to end: the built CLI against the emulator playing api.x.ai AND the
// subscription host (cli-chat-proxy.grok.com at <origin>/grok/v1). For each account scenario:
// verdict, facets, the JSON `account` object, the check's result and the sharpened fix.
import { beforeEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { parseJson, runCli } from "./helpers/cli.js";
import type { Sandbox } from "./helpers/home.js";
import { doctorAgainst, loginWith, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { RATE_LIMIT_HEADERS, type AnyScenario, type Emulator } from "../fixtures/emulator/server.js";

const env = useEmulatorAndSandbox();
let emulator: Emulator;
let sb: Sandbox;
beforeEach(() => {
  emulator = env.emulator();
  sb = env.sb();
});

const byId = (report: any) => Object.fromEntries(report.checks.map((c: any) => [c.id, c]));
const withGrok = (args: string[] = []) => doctorAgainst(emulator, sb, ["--grok-base", emulator.grokBase, "--timeout", "10000", ...args]);
const grokRequests = () => emulator.requests.filter((r) => r.path.startsWith("/grok/"));
const fixText = (report: any) => report.verdict.fixes.map((f: any) => f.text).join("\n");

interface Case {
  scenario: AnyScenario;
  verdict: string;
  exit: number;
  login: "ok" | "failed" | "unknown";
  entitlement: "ok" | "denied" | "unknown";
  /** account.subscription's result. */
  check: { status: string; code?: string };
  account?: Record<string, unknown>;
  explanation?: RegExp;
  fixes?: RegExp[];
  args?: string[];
}

const WEEKLY = { percent: 12, periodType: "weekly", resetsAt: expect.stringMatching(/T08:00:00\.000Z$/) };
const RESET = /resets Mon 08:00 UTC/;

const CASES: Case[] = [
  {
    scenario: "supergrok_api_denied", verdict: "entitlement_denied", exit: 12, login: "ok", entitlement: "denied",
    check: { status: "pass" },
    account: { plan: "SuperGrok", tier: "supergrok", allowAccess: true, jwtTier: 1, usage: expect.objectContaining(WEEKLY) },
    explanation: /^Your SuperGrok subscription is active \(12% of weekly credits used · resets Mon 08:00 UTC\), but api\.x\.ai — where Hermes sends xai-oauth requests — refuses this account's OAuth token\..*signing in again will NOT help/,
    fixes: [/XAI_API_KEY=xai-\.\.\..*model\.provider: xai/],
  },
  {
    scenario: "supergrok_free_tier_exhausted", verdict: "usage_exhausted", exit: 12, login: "ok", entitlement: "denied",
    check: { status: "pass" },
    account: { plan: "SuperGrok", usage: expect.objectContaining(WEEKLY) },
    explanation: /bills OAuth tokens on the API free tier \(about 500K tokens per rolling 24 h\) — not your SuperGrok subscription quota \(12% of weekly credits used · resets Mon 08:00 UTC\)\..*rolling 24-hour window\. Signing in again will NOT help/,
    fixes: [/Wait: the API free tier frees up over a rolling 24 hours/, /XAI_API_KEY/, /Grok CLI.*hermes-agent PR #90148/],
  },
  {
    scenario: "free_gated", verdict: "entitlement_denied", exit: 12, login: "ok", entitlement: "denied",
    // A Free plan has no credit percentage: reported as missing, not guessed.
    check: { status: "warn", code: "account_incomplete" },
    account: { plan: "Free", tier: "free", allowAccess: false, gate: { message: "Grok Build is available with SuperGrok. Upgrade to keep building.", url: "https://grok.com/supergrok", label: "Upgrade to SuperGrok" } },
    explanation: /plan Free, access not allowed\. xAI says: "Grok Build is available with SuperGrok\. Upgrade to keep building\." Signing in again will NOT help/,
    fixes: [/^Upgrade to SuperGrok: https:\/\/grok\.com\/supergrok$/m, /XAI_API_KEY/],
  },
  {
    scenario: "credits_used_up", verdict: "usage_exhausted", exit: 12, login: "ok", entitlement: "denied",
    check: { status: "pass" },
    account: { plan: "SuperGrok", usage: expect.objectContaining({ percent: 100, periodType: "weekly" }) },
    explanation: /^Your SuperGrok subscription has used 100% of its weekly credits; they reset Mon 08:00 UTC\./,
    fixes: [/Wait until the credits reset \(Mon 08:00 UTC\)/, /grok\.com\/\?_s=usage/],
  },
  {
    scenario: "heavy_healthy", verdict: "healthy", exit: 0, login: "ok", entitlement: "ok",
    check: { status: "pass" },
    account: {
      line: expect.stringMatching(/^SuperGrok Heavy · 3% of weekly credits used · resets Mon 08:00 UTC · on-demand \$12\.50 of \$50\.00 · prepaid \$20\.00$/),
      plan: "SuperGrok Heavy", tier: "supergrok_heavy", onDemand: { enabled: true, capCents: 5000, usedCents: 1250 }, prepaidBalanceCents: 2000,
    },
  },
  {
    scenario: "grok_outdated", verdict: "healthy", exit: 0, login: "ok", entitlement: "ok",
    check: { status: "warn", code: "account_unavailable" },
    account: { sources: { settings: { state: "outdated_client", httpStatus: 426, message: expect.stringMatching(/Grok CLI version \(1\.0\.48\) is outdated/) }, billing: expect.objectContaining({ state: "outdated_client" }), user: expect.objectContaining({ state: "outdated_client" }) } },
  },
  {
    scenario: "grok_unauthorized", verdict: "healthy", exit: 0, login: "ok", entitlement: "ok",
    check: { status: "warn", code: "account_unavailable" },
    account: { sources: expect.objectContaining({ billing: { state: "unauthorized", httpStatus: 401, message: expect.stringMatching(/^Invalid or expired credentials/) } }) },
  },
  {
    scenario: "grok_fields_absent", verdict: "entitlement_denied", exit: 12, login: "ok", entitlement: "denied",
    check: { status: "warn", code: "account_incomplete" },
    account: { sources: { settings: { state: "ok", httpStatus: 200, missing: ["subscription_tier", "subscription_tier_display", "allow_access"] }, billing: { state: "ok", httpStatus: 200, missing: ["creditUsagePercent", "currentPeriod.end"] }, user: { state: "ok", httpStatus: 200, missing: ["subscriptionTier"] } } },
    // Nothing known: the inference's own verdict text stands, plus what the host failed to say.
    explanation: /xAI refuses this subscription tier.*The subscription host did not say enough to explain it \(settings: no subscription_tier/,
  },
  {
    scenario: "grok_not_json", verdict: "healthy", exit: 0, login: "ok", entitlement: "ok",
    check: { status: "warn", code: "account_unavailable" },
    account: { sources: expect.objectContaining({ settings: { state: "not_json", httpStatus: 200, message: expect.stringMatching(/text\/html/) } }) },
  },
  {
    scenario: "grok_hang", verdict: "healthy", exit: 0, login: "ok", entitlement: "ok",
    check: { status: "warn", code: "account_unavailable" },
    account: { sources: expect.objectContaining({ user: expect.objectContaining({ state: "timed_out" }) }) },
    args: ["--timeout", "8000"],
  },
  {
    scenario: "spending_limit_everywhere", verdict: "spending_limit", exit: 12, login: "ok", entitlement: "denied",
    check: { status: "pass" },
    account: { plan: "SuperGrok" },
    explanation: /spending limit is reached\. xAI refuses even the model list with this answer, so it is not a bad token\. The account's plan: SuperGrok \(12% of weekly credits used · resets Mon 08:00 UTC\)\. Signing in again will NOT help/,
  },
  {
    // Only inference is refused: the model-list remark would be false, so it is not made.
    scenario: "spending_limit", verdict: "spending_limit", exit: 12, login: "ok", entitlement: "denied",
    check: { status: "pass" },
    explanation: /spending limit is reached\. The account's plan: SuperGrok \(12% of weekly/,
  },
];

describe("account facts through the built CLI", () => {
  it.each(CASES)("$scenario → $verdict", async (c) => {
    await loginWith(emulator, sb, c.scenario);
    const run = await withGrok(c.args);
    const report = parseJson(run);
    expect(report.verdict.code, JSON.stringify(report.checks.filter((x: any) => x.status !== "pass"), null, 1)).toBe(c.verdict);
    expect(run.code).toBe(c.exit);
    expect(report.facets).toMatchObject({ login: c.login, entitlement: c.entitlement });
    expect(byId(report)["account.subscription"]).toMatchObject(c.check);
    expect(report.account).toMatchObject({ host: emulator.grokBase, ...c.account });
    if (c.explanation) expect(report.verdict.explanation).toMatch(c.explanation);
    for (const f of c.fixes ?? []) expect(fixText(report)).toMatch(f);
    expect(run.stderr).toBe("");
  });

  it("healthy: the text and Markdown reports show plan and usage in one line", async () => {
    await loginWith(emulator, sb, "healthy");
    const base = ["xai", "--home", sb.hermes, "--issuer", emulator.issuer, "--api-base", emulator.apiBase, "--grok-base", emulator.grokBase];
    const [text, md] = await Promise.all([runCli(base, { env: { HOME: sb.userHome } }), runCli([...base, "--format", "markdown"], { env: { HOME: sb.userHome } })]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\n {2}account: SuperGrok · 12% of weekly credits used · resets Mon 08:00 UTC\n/);
    expect(md.stdout).toMatch(/\n\*\*Account:\*\* SuperGrok · 12% of weekly credits used · resets Mon 08:00 UTC\n/);
  });

  it("sends only the access token, with the headers the host requires, to the three read-only routes", async () => {
    const { account } = await loginWith(emulator, sb, "healthy");
    const report = parseJson(await withGrok());
    expect(report.verdict.code).toBe("healthy");
    const reqs = grokRequests();
    expect(reqs.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      "GET /grok/v1/billing?format=credits",
      "GET /grok/v1/settings",
      "GET /grok/v1/user?include=subscription",
    ]);
    for (const r of reqs) {
      expect(r.headers.authorization).toBe(`Bearer ${account.accessToken}`);
      expect(r.headers["x-xai-token-auth"]).toBe("xai-grok-cli");
      expect(r.headers["x-grok-client-version"]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(JSON.stringify(r)).not.toContain(account.refreshToken);
      expect(JSON.stringify(r)).not.toContain(account.idToken);
      expect(r.headers["x-userid"]).toBeUndefined();
    }
  });

  it("the emulator's host refuses what the real one refuses: no version header → 426, no token-auth header → 401", async () => {
    const { account } = await loginWith(emulator, sb, "healthy");
    const get = (headers: Record<string, string>) => fetch(`${emulator.grokBase}/settings`, { headers }).then(async (r) => ({ status: r.status, body: await r.json() as any }));
    const noVersion = await get({ authorization: `Bearer ${account.accessToken}`, "x-xai-token-auth": "xai-grok-cli" });
    expect(noVersion).toEqual({ status: 426, body: { error: expect.stringMatching(/^Your Grok CLI version \(none\) is outdated/) } });
    const noTokenAuth = await get({ authorization: `Bearer ${account.accessToken}`, "x-grok-client-version": "1.0.48" });
    expect(noTokenAuth).toEqual({ status: 401, body: { error: expect.stringContaining("x_xai_token_auth=none") } });
  });

  it("the account check is skipped under --offline, by id, and when the issuer is overridden without --grok-base", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const offline = parseJson(await withGrok(["--offline"]));
    expect(byId(offline)["account.subscription"]).toMatchObject({ status: "skip", code: "offline" });
    expect(offline.account).toBeUndefined();

    const skipped = parseJson(await withGrok(["--skip", "account.subscription"]));
    expect(byId(skipped)["account.subscription"].status).toBe("skip");
    expect(skipped.verdict.code).toBe("entitlement_denied");
    expect(skipped.account).toBeUndefined();
    expect(grokRequests()).toHaveLength(0);

    // The emulator's token means nothing to xAI's real host: without --grok-base nothing is sent.
    const noGrok = parseJson(await doctorAgainst(emulator, sb));
    expect(byId(noGrok)["account.subscription"]).toMatchObject({ status: "skip", code: "grok_base_not_set" });
    expect(noGrok.verdict.code).toBe("entitlement_denied");
    expect(grokRequests()).toHaveLength(0);
  });

  it("HERMES_DOCTOR_GROK_BASE works like --grok-base; a plain-http non-loopback value is a one-line usage error", async () => {
    await loginWith(emulator, sb, "healthy");
    const viaEnv = parseJson(await doctorAgainst(emulator, sb, [], { HERMES_DOCTOR_GROK_BASE: emulator.grokBase }));
    expect(viaEnv.account?.plan).toBe("SuperGrok");
    const bad = await doctorAgainst(emulator, sb, ["--grok-base", "http://cli-chat-proxy.example.com/v1"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^hermes-doctor: --grok-base uses plain http on non-loopback host 'cli-chat-proxy\.example\.com'.*\n$/);
    expect(bad.stderr.split("\n")).toHaveLength(2);
  });

  it("entitlement_denied with an active subscription names the XAI_API_KEY probe's result in the fix", async () => {
    const good = emulator.createApiKey("ok");
    await loginWith(emulator, sb, "supergrok_api_denied", { env: `XAI_API_KEY=${good}\n`, config: "model:\n  provider: xai-oauth\n" });
    const works = parseJson(await withGrok());
    expect(works.verdict.code).toBe("entitlement_denied");
    expect(works.verdict.fixes[0].text).toMatch(/^Your XAI_API_KEY works: switch Hermes to the API-key provider/);

    await loginWith(emulator, sb, "supergrok_api_denied", { env: "XAI_API_KEY=xai-notarealkey0000000000000000\n", config: "model:\n  provider: xai-oauth\n" });
    const broken = parseJson(await withGrok());
    expect(broken.verdict.fixes[0].text).toMatch(/^The API-key rail is the fix, but your XAI_API_KEY does not work yet \(XAI_API_KEY fp:[0-9a-f]{8} .*was refused: HTTP 400/);
    expect(JSON.stringify(broken)).not.toContain("xai-notarealkey0000000000000000");
  });

  it("after a refresh, the subscription host gets the new access token, never the spent one", async () => {
    const { account, authPath } = await loginWith(emulator, sb, "supergrok_api_denied", { lifetimeSec: -600 });
    const report = parseJson(await withGrok());
    expect(byId(report)["login.refresh"].details.refreshed).toBe(true);
    expect(report.account.plan).toBe("SuperGrok");
    const stored = JSON.parse(await readFile(authPath, "utf8")).providers["xai-oauth"].tokens.access_token;
    expect(stored).not.toBe(account.accessToken);
    for (const r of grokRequests()) expect(r.headers.authorization).toBe(`Bearer ${stored}`);
    expect(grokRequests()).toHaveLength(3);
  });

  it("spending-limit bodies on /v1/models are spending_limit, never token_rejected", async () => {
    await loginWith(emulator, sb, "spending_limit_everywhere");
    const report = parseJson(await withGrok());
    expect(byId(report)["api.models"]).toMatchObject({ status: "fail", code: "spending_limit" });
    expect(report.checks.some((c: any) => c.code === "token_rejected")).toBe(false);
    expect(report.verdict.explanation).toMatch(/Signing in again will NOT help/);
  });
});

describe("the inference probe must prove an answer", () => {
  const answers: { scenario: AnyScenario; verdict: string; exit: number; summary: RegExp; transport: string }[] = [
    { scenario: "stream_completed", verdict: "healthy", exit: 0, summary: /xAI answered a real request with grok-4\.6 \(HTTP 200, event stream\)/, transport: "stream" },
    { scenario: "stream_capacity_error", verdict: "upstream_unavailable", exit: 14, summary: /HTTP 200, but an error event inside the 200 stream: The model is currently at capacity/, transport: "stream" },
    { scenario: "stream_incomplete", verdict: "answer_incomplete", exit: 14, summary: /HTTP 200 but the response is incomplete \(max_output_tokens\)/, transport: "stream" },
    { scenario: "stream_empty", verdict: "answer_incomplete", exit: 14, summary: /status completed, but the output text is empty/, transport: "stream" },
    { scenario: "json_incomplete", verdict: "answer_incomplete", exit: 14, summary: /HTTP 200 but the response is incomplete \(max_output_tokens\)/, transport: "json" },
    { scenario: "json_empty", verdict: "answer_incomplete", exit: 14, summary: /status completed, but the output text is empty/, transport: "json" },
  ];

  it.each(answers)("$scenario → $verdict", async (c) => {
    await loginWith(emulator, sb, c.scenario);
    const run = await withGrok();
    const report = parseJson(run);
    const inference = byId(report)["entitlement.inference"];
    expect(report.verdict.code).toBe(c.verdict);
    expect(run.code).toBe(c.exit);
    expect(inference.summary).toMatch(c.summary);
    expect(inference.details.transport).toBe(c.transport);
    expect(report.facets.login).toBe("ok");
    if (c.verdict !== "healthy") expect(report.facets.entitlement).not.toBe("ok");
  });

  it("x-ratelimit-* headers are reported when present, and only then", async () => {
    await loginWith(emulator, sb, "heavy_healthy");
    const withHeaders = parseJson(await withGrok());
    expect(byId(withHeaders)["entitlement.inference"].details.rateLimit).toEqual(RATE_LIMIT_HEADERS);
    await loginWith(emulator, sb, "healthy");
    const without = parseJson(await withGrok());
    expect(byId(without)["entitlement.inference"].details.rateLimit).toBeUndefined();
  });
});
