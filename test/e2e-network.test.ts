// Every network verdict through the built CLI against the loopback xAI emulator: verdict code,
// facets and exit code, as a user (or CI) would see them.
import { beforeEach, describe, expect, it } from "vitest";
import { parseJson, runCli } from "./helpers/cli.js";
import type { Sandbox } from "./helpers/home.js";
import { doctorAgainst, loginWith, tokenRequests, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { startEmulator, type Emulator, type Scenario } from "../fixtures/emulator/server.js";

const env = useEmulatorAndSandbox();
let emulator: Emulator;
let sb: Sandbox;
beforeEach(() => {
  emulator = env.emulator();
  sb = env.sb();
});

const byId = (report: any) => Object.fromEntries(report.checks.map((c: any) => [c.id, c]));

interface Case {
  scenario: Scenario;
  verdict: string;
  exit: number;
  login: "ok" | "failed" | "unknown";
  entitlement: "ok" | "denied" | "unknown";
  /** Make the stored access token expired, so the doctor refreshes first (as Hermes would). */
  expired?: boolean;
  args?: string[];
}

const CASES: Case[] = [
  { scenario: "healthy", verdict: "healthy", exit: 0, login: "ok", entitlement: "ok" },
  { scenario: "entitlement_denied", verdict: "entitlement_denied", exit: 12, login: "ok", entitlement: "denied" },
  { scenario: "entitlement_denied_new", verdict: "entitlement_denied", exit: 12, login: "ok", entitlement: "denied" },
  { scenario: "refresh_denied", verdict: "entitlement_denied", exit: 12, login: "ok", entitlement: "denied", expired: true },
  { scenario: "token_rejected", verdict: "token_rejected", exit: 11, login: "failed", entitlement: "unknown" },
  { scenario: "revoked", verdict: "session_revoked", exit: 11, login: "failed", entitlement: "unknown", expired: true },
  { scenario: "spending_limit", verdict: "spending_limit", exit: 12, login: "ok", entitlement: "denied" },
  { scenario: "credits_exhausted", verdict: "spending_limit", exit: 12, login: "ok", entitlement: "denied" },
  { scenario: "usage_exhausted", verdict: "usage_exhausted", exit: 12, login: "ok", entitlement: "denied" },
  { scenario: "model_unavailable", verdict: "model_unavailable", exit: 12, login: "ok", entitlement: "denied", args: ["--model", "grok-nonexistent-1"] },
  { scenario: "rate_limited", verdict: "rate_limited", exit: 14, login: "ok", entitlement: "unknown" },
  { scenario: "upstream_html_503", verdict: "upstream_unavailable", exit: 14, login: "ok", entitlement: "unknown" },
  { scenario: "upstream_500", verdict: "upstream_unavailable", exit: 14, login: "ok", entitlement: "unknown" },
  { scenario: "refresh_5xx", verdict: "upstream_unavailable", exit: 14, login: "unknown", entitlement: "unknown", expired: true },
  { scenario: "reset", verdict: "network_unreachable", exit: 13, login: "ok", entitlement: "unknown" },
];

describe("verdicts against the emulator", () => {
  it.each(CASES)("$scenario → $verdict (exit $exit)", async (c) => {
    await loginWith(emulator, sb, c.scenario, c.expired ? { lifetimeSec: -600 } : {});
    const run = await doctorAgainst(emulator, sb, ["--timeout", "10000", ...(c.args ?? [])]);
    const report = parseJson(run);
    expect(report.verdict.code, JSON.stringify(report.checks.filter((x: any) => x.status !== "pass"), null, 1)).toBe(c.verdict);
    expect(report.facets.login).toBe(c.login);
    expect(report.facets.entitlement).toBe(c.entitlement);
    expect(run.code).toBe(c.exit);
    expect(report.verdict.evidence.length).toBeGreaterThan(0);
    expect(report.context.endpoints).toMatchObject({ issuer: emulator.issuer, overridden: true });
    expect(run.stderr).toBe("");
  });

  it("entitlement_denied says logging in again will not help and names the API-key path", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const report = parseJson(await doctorAgainst(emulator, sb));
    expect(report.verdict.explanation).toMatch(/will NOT help/);
    expect(report.verdict.fixes.map((f: any) => f.text).join("\n")).toMatch(/XAI_API_KEY[\s\S]*provider: xai/);
    expect(byId(report)["entitlement.inference"].details).toMatchObject({ httpStatus: 403, model: "grok-4.6" });
    // The probe is one cheap request on the Responses rail, not retried.
    const probes = emulator.requests.filter((r) => r.path === "/v1/responses");
    expect(probes).toHaveLength(1);
    expect(JSON.parse(probes[0]!.body)).toMatchObject({ model: "grok-4.6", store: false, max_output_tokens: 16 });
  });

  it("exit codes are identical in every format; machine formats print only their document", async () => {
    await loginWith(emulator, sb, "entitlement_denied");
    const base = ["xai", "--home", sb.hermes, "--issuer", emulator.issuer, "--api-base", emulator.apiBase];
    const [text, json, junit, markdown] = await Promise.all(
      [[], ["--json"], ["--format", "junit"], ["--format", "markdown"]].map((f) => runCli([...base, ...f], { env: { HOME: sb.userHome } })),
    );
    for (const run of [text, json, junit, markdown]) expect(run!.code).toBe(12);
    expect(text!.stdout).toContain("[entitlement_denied]");
    expect(JSON.parse(json!.stdout).verdict.code).toBe("entitlement_denied");
    expect(junit!.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(junit!.stdout).toContain('<failure message="Logged in, but this xAI account is not entitled to API use" type="entitlement_denied">');
    expect(markdown!.stdout).toMatch(/^### hermes-doctor xai: `entitlement_denied`/);
  });

  it("entitlement_denied with a working XAI_API_KEY says exactly how to switch", async () => {
    const key = emulator.createApiKey("ok");
    await loginWith(emulator, sb, "entitlement_denied", { env: `XAI_API_KEY=${key}\n`, config: "model:\n  provider: xai-oauth\n" });
    const report = parseJson(await doctorAgainst(emulator, sb));
    expect(report.verdict.code).toBe("entitlement_denied");
    expect(byId(report)["apikey.probe"].status).toBe("pass");
    expect(report.verdict.fixes[0].text).toMatch(/Your XAI_API_KEY works.*model\.provider: xai/);
  });

  it("a bad XAI_API_KEY is reported as such without deciding the OAuth verdict", async () => {
    await loginWith(emulator, sb, "healthy", { env: "XAI_API_KEY=xai-notarealkey0000000000000000\n", config: "model:\n  provider: xai-oauth\n" });
    const report = parseJson(await doctorAgainst(emulator, sb));
    expect(report.verdict.code).toBe("healthy");
    expect(byId(report)["apikey.probe"]).toMatchObject({ status: "warn", code: "api_key_invalid" });
  });

  it("the model Hermes will use comes from config.yaml; a model missing from /v1/models is not a failure", async () => {
    await loginWith(emulator, sb, "healthy", { config: "model:\n  provider: xai-oauth\n  default: grok-4.3\n" });
    const report = parseJson(await doctorAgainst(emulator, sb));
    expect(report.verdict.code).toBe("healthy");
    expect(JSON.parse(emulator.requests.find((r) => r.path === "/v1/responses")!.body).model).toBe("grok-4.3");
  });

  it("a clock an hour off is clock_skew, exit 13", async () => {
    const skewed = await startEmulator({ clockOffsetSec: 3600 });
    try {
      await loginWith(skewed, sb, "healthy");
      const run = await doctorAgainst(skewed, sb);
      const report = parseJson(run);
      expect(report.verdict.code).toBe("clock_skew");
      expect(byId(report)["net.clock"].details.skewSeconds).toBeGreaterThan(3500);
      expect(run.code).toBe(13);
    } finally {
      await skewed.close();
    }
  });

  it("a hung API with --timeout 3000 ends in about 3 s with timed_out", async () => {
    await loginWith(emulator, sb, "hang");
    const run = await doctorAgainst(emulator, sb, ["--timeout", "3000"]);
    const report = parseJson(run);
    expect(report.verdict.code).toBe("timed_out");
    expect(run.code).toBe(14);
    // Process start-up included; the run itself is bounded by the deadline.
    expect(run.durationMs).toBeLessThan(4500);
    expect(report.durationMs).toBeLessThan(3500);
  });

  it("a hung token endpoint during a due refresh ends in timed_out, and says the token may be spent", async () => {
    await loginWith(emulator, sb, "refresh_hang", { lifetimeSec: -600 });
    // The lock is flock(1) (milliseconds), so the doctor reaches the refresh with well over the
    // 5 s it requires; no Python start-up eats into the budget.
    const run = await doctorAgainst(emulator, sb, ["--timeout", "8000"]);
    const report = parseJson(run);
    expect(tokenRequests(emulator)).toHaveLength(1); // the refresh really was sent
    expect(report.verdict.code).toBe("timed_out");
    expect(byId(report)["login.refresh"].summary).toMatch(/may have reached xAI/);
    expect(run.code).toBe(14);
    expect(run.durationMs).toBeLessThan(9500);
  });

  it("with too little time left, a single-use refresh is not even started", async () => {
    await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    const run = await doctorAgainst(emulator, sb, ["--timeout", "3000"]);
    const report = parseJson(run);
    expect(byId(report)["login.refresh"]).toMatchObject({ status: "skip", code: "refresh_not_tested" });
    expect(tokenRequests(emulator)).toHaveLength(0);
    expect(report.verdict.code).toBe("unverified");
  });

  it("an issuer that is not listening is network_unreachable", async () => {
    await loginWith(emulator, sb, "healthy");
    const run = await doctorAgainst(emulator, sb, ["--issuer", "http://127.0.0.1:1"]);
    const report = parseJson(run);
    expect(report.verdict.code).toBe("network_unreachable");
    expect(byId(report)["net.issuer"].details.transport).toBe("refused");
    expect(run.code).toBe(13);
  });

  it("--offline sends nothing at all", async () => {
    await loginWith(emulator, sb, "healthy");
    const run = await doctorAgainst(emulator, sb, ["--offline"]);
    expect(parseJson(run).verdict.code).toBe("local_ok");
    expect(emulator.requests).toHaveLength(0);
  });

  it("overrides come from HERMES_DOCTOR_ISSUER / HERMES_DOCTOR_API_BASE too", async () => {
    await loginWith(emulator, sb, "healthy");
    const run = await runCli(["xai", "--json", "--home", sb.hermes], {
      env: { HOME: sb.userHome, HERMES_DOCTOR_ISSUER: emulator.issuer, HERMES_DOCTOR_API_BASE: emulator.apiBase },
    });
    expect(parseJson(run).verdict.code).toBe("healthy");
    const text = await runCli(["xai", "--home", sb.hermes], { env: { HOME: sb.userHome, HERMES_DOCTOR_ISSUER: emulator.issuer, HERMES_DOCTOR_API_BASE: emulator.apiBase } });
    expect(text.stdout).toContain(`endpoints overridden: issuer ${emulator.issuer}`);
  });
});

describe("token requests: the doctor never does what Hermes would not do", () => {
  it("a fresh token is not refreshed without --refresh", async () => {
    await loginWith(emulator, sb, "healthy");
    const report = parseJson(await doctorAgainst(emulator, sb));
    expect(report.verdict.code).toBe("healthy");
    expect(tokenRequests(emulator)).toHaveLength(0);
    expect(byId(report)["login.refresh"].summary).toMatch(/not refreshed/);
  });
});
