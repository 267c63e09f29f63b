import { describe, expect, it } from "vitest";
import { diagnose } from "../src/diagnosis/diagnose.js";
import { VERDICTS, VERDICT_CODES } from "../src/diagnosis/verdicts.js";
import type { RunRecord, Status } from "../src/engine/types.js";

const rec = (id: string, layer: string, status: Status, code?: string): RunRecord => ({ id, title: id, layer, status, summary: id, durationMs: 1, ...(code ? { code } : {}) });

const localOk = [rec("store.home", "store", "pass"), rec("store.file", "store", "pass"), rec("xai.credential", "store", "pass"), rec("token.expiry", "token", "warn", "token_expired")];

describe("diagnose", () => {
  it("picks the first failing layer as the verdict, with its evidence", () => {
    const d = diagnose({
      deadlineHit: false,
      records: [...localOk, rec("net.api", "network", "pass"), rec("login.refresh", "login", "fail", "session_revoked"), rec("entitlement.inference", "entitlement", "skip", "dependency")],
    });
    expect(d.verdict).toMatchObject({ code: "session_revoked", exitCode: 11, evidence: ["login.refresh"] });
    expect(d.facets.login).toBe("failed");
    expect(d.facets.entitlement).toBe("unknown");
  });

  it("reports login ok and entitlement denied as separate facts", () => {
    const d = diagnose({
      deadlineHit: false,
      records: [...localOk, rec("net.api", "network", "pass"), rec("login.refresh", "login", "pass"), rec("login.userinfo", "login", "pass"), rec("api.models", "login", "pass"), rec("entitlement.inference", "entitlement", "fail", "entitlement_denied")],
    });
    expect(d.verdict.code).toBe("entitlement_denied");
    expect(d.verdict.exitCode).toBe(12);
    expect(d.facets).toMatchObject({ login: "ok", entitlement: "denied", network: "ok" });
    expect(d.verdict.fixes.map((f) => f.text).join(" ")).toMatch(/XAI_API_KEY/);
  });

  it("names the working API key as the way out when OAuth is denied", () => {
    const d = diagnose({
      deadlineHit: false,
      records: [...localOk, rec("entitlement.inference", "entitlement", "fail", "entitlement_denied"), rec("apikey.probe", "entitlement", "pass")],
    });
    expect(d.verdict.fixes[0]!.text).toMatch(/Your XAI_API_KEY works.*provider: xai/);
  });

  it("is healthy only when the inference probe passed", () => {
    const d = diagnose({ deadlineHit: false, records: [...localOk, rec("net.api", "network", "pass"), rec("entitlement.inference", "entitlement", "pass")] });
    expect(d.verdict).toMatchObject({ code: "healthy", severity: "ok", exitCode: 0 });
    expect(d.facets.entitlement).toBe("ok");
  });

  it("is local_ok when only local checks ran, unverified when network checks ran without a verdict", () => {
    const offline = diagnose({ deadlineHit: false, records: [...localOk, rec("net.api", "network", "skip", "offline")] });
    expect(offline.verdict).toMatchObject({ code: "local_ok", exitCode: 0 });
    expect(offline.facets.network).toBe("not_checked");
    const partial = diagnose({ deadlineHit: false, records: [...localOk, rec("net.api", "network", "pass"), rec("login.refresh", "login", "skip", "refresh_not_tested"), rec("entitlement.inference", "entitlement", "skip", "dependency")] });
    expect(partial.verdict).toMatchObject({ code: "unverified", exitCode: 1 });
    expect(partial.verdict.evidence).toContain("login.refresh");
  });

  it("a crashed check without a verdict leaves the run unverified, not healthy", () => {
    const d = diagnose({ deadlineHit: false, records: [rec("store.home", "store", "pass"), rec("store.file", "store", "error", "check_crashed")] });
    expect(d.verdict.code).toBe("unverified");
  });

  it("maps a check that ran out of time, and a run cut by the deadline, to timed_out", () => {
    expect(diagnose({ deadlineHit: false, records: [...localOk, rec("entitlement.inference", "entitlement", "error", "timeout")] }).verdict.code).toBe("timed_out");
    expect(diagnose({ deadlineHit: true, records: [...localOk, rec("net.api", "network", "skip", "deadline")] }).verdict.code).toBe("timed_out");
  });

  it("has a complete catalogue: every code has a title, explanation and documented exit code", () => {
    const allowed: Record<string, number> = {
      healthy: 0, local_ok: 0, selected_ok: 0, unverified: 1,
      not_logged_in: 10, store_unreadable: 10, store_corrupt: 10, state_invalid: 10,
      session_quarantined: 11, session_revoked: 11, token_rejected: 11,
      entitlement_denied: 12, spending_limit: 12, usage_exhausted: 12, model_unavailable: 12,
      network_unreachable: 13, tls_untrusted: 13, clock_skew: 13,
      rate_limited: 14, upstream_unavailable: 14, answer_incomplete: 14, timed_out: 14,
    };
    expect([...VERDICT_CODES].sort()).toEqual(Object.keys(allowed).sort());
    for (const code of VERDICT_CODES) {
      expect(VERDICTS[code].exitCode, code).toBe(allowed[code]);
      expect(VERDICTS[code].title.length).toBeGreaterThan(5);
      expect(VERDICTS[code].explanation.length).toBeGreaterThan(20);
    }
  });
});

describe("diagnose: failures that are not verdicts", () => {
  it("never calls a run with a failing check local_ok", () => {
    const d = diagnose({ deadlineHit: false, records: [{ id: "store.home", title: "h", layer: "store", status: "fail", code: "profile_invalid", summary: "bad", durationMs: 1 }] });
    expect(d.verdict.code).toBe("unverified");
    expect(d.verdict.evidence).toEqual(["store.home"]);
  });
});

describe("--only runs", () => {
  const rec = (id: string, layer: string, status: RunRecord["status"], code?: string): RunRecord => ({ id, title: id, layer, status, summary: "s", durationMs: 1, ...(code ? { code } : {}) });
  it("a clean partial run is selected_ok; the same run without --only is unverified; a failure still decides", () => {
    const records = [rec("store.home", "store", "pass"), rec("net.endpoints", "network", "pass"), rec("net.api", "network", "pass")];
    expect(diagnose({ records, deadlineHit: false, only: ["net.api"] }).verdict.code).toBe("selected_ok");
    expect(diagnose({ records, deadlineHit: false }).verdict.code).toBe("unverified");
    const failed = [...records.slice(0, 2), rec("net.api", "network", "fail", "network_unreachable")];
    expect(diagnose({ records: failed, deadlineHit: false, only: ["net.api"] }).verdict.code).toBe("network_unreachable");
  });
});
