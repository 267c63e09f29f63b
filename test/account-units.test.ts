// The pure parts of the account facts and the answer check: parsers that must survive whatever
// the observed-not-documented endpoints send, and the rules that turn facts into a sharper fix.
import { describe, expect, it } from "vitest";
import { accountFacts, accountLine, formatReset, parseBilling, parseSettings, planState, readSource, type AccountFacts } from "../src/xai/subscription.js";
import { readResponsesAnswer, rateLimitHeaders } from "../src/xai/api.js";
import { diagnose } from "../src/diagnosis/diagnose.js";
import type { HttpResponse } from "../src/net/http.js";
import type { RunRecord, Status } from "../src/engine/types.js";

const timings = {} as HttpResponse["timings"];
const response = (status: number, text: string, contentType = "application/json"): HttpResponse => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { ok: true, status, headers: { "content-type": contentType }, text, ...(json !== undefined ? { json } : {}), timings };
};

describe("subscription host parsers", () => {
  it("reads cents as numbers, numeric strings or {val}, where {} is proto3's zero", () => {
    const b = parseBilling({ config: { creditUsagePercent: "25", onDemandCap: { val: "5000" }, onDemandUsed: {}, prepaidBalance: 700, currentPeriod: { type: "USAGE_PERIOD_TYPE_MONTHLY", end: "2027-01-01T00:00:00Z" } } });
    expect(b).toMatchObject({ usage: { percent: 25, periodType: "monthly", resetsAt: "2027-01-01T00:00:00Z" }, onDemandCapCents: 5000, onDemandUsedCents: 0, prepaidBalanceCents: 700, missing: [] });
  });

  it("falls back to the deprecated monthlyLimit / used, as grok-build does, and says what is missing", () => {
    expect(parseBilling({ config: { monthlyLimit: { val: 15000 }, used: { val: 3000 }, billingPeriodEnd: "2027-02-01T00:00:00Z" } }).usage).toEqual({ percent: 20, resetsAt: "2027-02-01T00:00:00Z" });
    expect(parseBilling({ config: { creditUsagePercent: "lots" } })).toMatchObject({ usage: undefined, missing: ["creditUsagePercent", "currentPeriod.end"] });
    expect(parseBilling({ config: [] as unknown as Record<string, unknown> }).missing).toContain("creditUsagePercent");
  });

  it("reads settings in snake_case or camelCase and ignores wrongly typed fields", () => {
    expect(parseSettings({ subscriptionTier: "supergrok_heavy", subscriptionTierDisplay: "SuperGrok Heavy", allowAccess: true })).toMatchObject({ plan: { tier: "supergrok_heavy", display: "SuperGrok Heavy" }, allowAccess: true, missing: [] });
    expect(parseSettings({ subscription_tier: 7, allow_access: "yes" })).toMatchObject({ plan: undefined, allowAccess: undefined, missing: ["subscription_tier", "subscription_tier_display", "allow_access"] });
  });

  it("turns every non-answer into a precise source status", () => {
    expect(readSource(response(426, '{"error":"Your Grok CLI version (none) is outdated."}')).status).toEqual({ state: "outdated_client", httpStatus: 426, message: "Your Grok CLI version (none) is outdated." });
    expect(readSource(response(401, '{"error":"Invalid or expired credentials"}')).status.state).toBe("unauthorized");
    expect(readSource(response(502, "<html><title>502 Bad Gateway</title></html>", "text/html")).status).toEqual({ state: "http_error", httpStatus: 502, message: "502 Bad Gateway" });
    expect(readSource(response(200, "[1,2]")).status.state).toBe("not_json");
    expect(readSource({ ok: false, failure: { kind: "headers_timeout", code: "UND_ERR_HEADERS_TIMEOUT", message: "hung", host: "h" }, timings }).status).toEqual({ state: "timed_out", message: "hung" });
  });

  it("plan state: inactive when access is refused or the plan is Free, unknown when nothing was said", () => {
    const ok = { state: "ok" } as const;
    const facts = (over: Partial<AccountFacts>): AccountFacts => ({ host: "h", observedAt: "2026-12-02T07:00:00.000Z", sources: { settings: ok, billing: ok, user: ok }, ...over });
    expect(planState(facts({ plan: { tier: "supergrok" }, allowAccess: true }))).toBe("active");
    expect(planState(facts({ plan: { tier: "supergrok" }, allowAccess: false }))).toBe("inactive");
    expect(planState(facts({ plan: { display: "Free" } }))).toBe("inactive");
    expect(planState(facts({}))).toBe("unknown");
  });

  it("formats a reset within a week as weekday and time, later ones with the date", () => {
    expect(formatReset("2026-12-07T08:00:00Z", "2026-12-02T07:00:00Z")).toBe("Mon 08:00 UTC");
    expect(formatReset("2027-01-01T00:00:00Z", "2026-12-02T07:00:00Z")).toBe("Fri 1 Jan 2027 00:00 UTC");
    expect(formatReset("soon", "2026-12-02T07:00:00Z")).toBe("soon");
  });

  it("merges the three answers; a failed source leaves only its own fields unknown", () => {
    const f = accountFacts("https://cli-chat-proxy.grok.com/v1", Date.parse("2026-12-02T07:00:00Z"), {
      settings: { status: { state: "outdated_client", httpStatus: 426 } },
      billing: { status: { state: "ok", httpStatus: 200 }, json: { config: { creditUsagePercent: 12, currentPeriod: { type: "USAGE_PERIOD_TYPE_WEEKLY", end: "2026-12-07T08:00:00Z" } } } },
      user: { status: { state: "ok", httpStatus: 200 }, json: { subscriptionTier: "SuperGrok" } },
    }, 1);
    expect(f).toMatchObject({ plan: { display: "SuperGrok" }, jwtTier: 1, usage: { percent: 12 } });
    expect(f.allowAccess).toBeUndefined();
    expect(accountLine(f)).toBe("SuperGrok · 12% of weekly credits used · resets Mon 08:00 UTC");
  });
});

describe("an answer must be proven", () => {
  const sse = (...events: object[]) => response(200, events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(""), "text/event-stream");

  it("JSON: completed with text is an answer; incomplete, empty or shapeless is not", () => {
    const msg = (text: string) => [{ type: "message", content: [{ type: "output_text", text }] }];
    expect(readResponsesAnswer(response(200, JSON.stringify({ id: "r1", status: "completed", output: msg("ok") })))).toEqual({ kind: "answered", transport: "json", text: "ok", responseId: "r1" });
    expect(readResponsesAnswer(response(200, JSON.stringify({ id: "r1", status: "completed", output: msg("  ") }))).kind).toBe("empty");
    expect(readResponsesAnswer(response(200, JSON.stringify({ id: "r1", status: "incomplete", incomplete_details: { reason: "max_output_tokens" } })))).toMatchObject({ kind: "incomplete", status: "incomplete", reason: "max_output_tokens" });
    // No status at all is not "completed".
    expect(readResponsesAnswer(response(200, JSON.stringify({ id: "r1", output: msg("ok") }))).kind).toBe("incomplete");
    expect(readResponsesAnswer(response(200, "<html>blocked</html>", "text/html")).kind).toBe("not_responses");
  });

  it("event stream: deltas plus response.completed is an answer; an error event anywhere is not", () => {
    expect(readResponsesAnswer(sse({ type: "response.output_text.delta", delta: "o" }, { type: "response.output_text.delta", delta: "k" }, { type: "response.completed", response: { id: "r2", status: "completed", output: [] } }))).toEqual({ kind: "answered", transport: "stream", text: "ok", responseId: "r2" });
    expect(readResponsesAnswer(sse({ type: "response.output_text.delta", delta: "o" }, { type: "error", message: "The model is currently at capacity" }))).toMatchObject({ kind: "error_event", message: "The model is currently at capacity" });
    expect(readResponsesAnswer(sse({ type: "response.failed", response: { status: "failed", error: { code: "server_error", message: "boom" } } }))).toMatchObject({ kind: "failed", code: "server_error", message: "boom" });
    expect(readResponsesAnswer(sse({ type: "response.output_text.delta", delta: "ok" }))).toMatchObject({ kind: "incomplete", reason: "the stream ended without a final response event" });
    expect(readResponsesAnswer(response(200, "data: {not json\n\ndata: [DONE]\n\n", "text/event-stream")).kind).toBe("incomplete");
  });

  it("rate-limit headers are picked out only when present", () => {
    expect(rateLimitHeaders({ "content-type": "x", "x-ratelimit-remaining-tokens": "9", "retry-after": "3" })).toEqual({ "x-ratelimit-remaining-tokens": "9", "retry-after": "3" });
    expect(rateLimitHeaders({ "content-type": "x" })).toBeUndefined();
  });
});

describe("the diagnosis uses account facts as evidence, never as the judge", () => {
  const rec = (id: string, layer: string, status: Status, code?: string, details?: Record<string, unknown>): RunRecord => ({ id, title: id, layer, status, summary: id, durationMs: 1, ...(code ? { code } : {}), ...(details ? { details } : {}) });
  const ok = { state: "ok", httpStatus: 200 } as const;
  const facts = (over: Partial<AccountFacts>): AccountFacts => ({ host: "https://cli-chat-proxy.grok.com/v1", observedAt: "2026-12-02T07:00:00.000Z", sources: { settings: ok, billing: ok, user: ok }, ...over });
  const supergrok = facts({ plan: { tier: "supergrok", display: "SuperGrok" }, allowAccess: true, usage: { percent: 12, periodType: "weekly", resetsAt: "2026-12-07T08:00:00Z" } });
  const base = [rec("login.refresh", "login", "pass"), rec("api.models", "login", "pass")];

  it("an account check that timed out or crashed never becomes the verdict", () => {
    for (const code of ["timeout", "check_crashed", "entitlement_denied"]) {
      const d = diagnose({ deadlineHit: false, records: [...base, rec("entitlement.inference", "entitlement", "pass"), rec("account.subscription", "entitlement", "error", code)] });
      expect(d.verdict.code, code).toBe("healthy");
    }
  });

  it("does not change a healthy verdict, whatever the host says; the account line rides along", () => {
    const d = diagnose({ deadlineHit: false, records: [...base, rec("entitlement.inference", "entitlement", "pass"), rec("account.subscription", "entitlement", "pass", undefined, { account: facts({ plan: { tier: "free" }, allowAccess: false, usage: { percent: 100 } }) })] });
    expect(d.verdict.code).toBe("healthy");
    expect(d.account?.line).toBe("free · access not allowed · 100% of credits used");
  });

  it("credits at 100% turn an ambiguous 403 into usage_exhausted with the reset; an active plan keeps entitlement_denied", () => {
    const used = diagnose({ deadlineHit: false, records: [...base, rec("entitlement.inference", "entitlement", "fail", "entitlement_denied"), rec("account.subscription", "entitlement", "pass", undefined, { account: { ...supergrok, usage: { ...supergrok.usage, percent: 100 } } })] });
    expect(used.verdict).toMatchObject({ code: "usage_exhausted", exitCode: 12, evidence: ["entitlement.inference", "account.subscription"] });
    expect(used.verdict.explanation).toMatch(/reset Mon 08:00 UTC/);
    const active = diagnose({ deadlineHit: false, records: [...base, rec("entitlement.inference", "entitlement", "fail", "entitlement_denied"), rec("account.subscription", "entitlement", "pass", undefined, { account: supergrok })] });
    expect(active.verdict.code).toBe("entitlement_denied");
    expect(active.verdict.explanation).toMatch(/SuperGrok subscription is active.*api\.x\.ai/);
  });

  it("an entitlement verdict from the refresh (not the inference) is left as it is", () => {
    const d = diagnose({ deadlineHit: false, records: [rec("login.refresh", "login", "fail", "entitlement_denied"), rec("account.subscription", "entitlement", "pass", undefined, { account: { ...supergrok, usage: { percent: 100 } } })] });
    expect(d.verdict.code).toBe("entitlement_denied");
    expect(d.verdict.explanation).not.toMatch(/100%/);
  });
});
