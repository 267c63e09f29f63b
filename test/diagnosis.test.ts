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

describe("diagnose: timed_out names what ran out of time (defect 4)", () => {
  const withDetails = (r: RunRecord, details: Record<string, unknown>, summary = r.summary): RunRecord => ({ ...r, details, summary });

  it("a deadline during the local checks of an --offline run does not blame xAI", () => {
    const records = [
      rec("store.home", "store", "pass"), rec("store.file", "store", "pass"),
      { ...rec("store.parse", "store", "error", "timeout"), summary: "stopped: the run's deadline was reached" },
      rec("xai.state", "store", "skip", "dependency"),
      rec("net.api", "network", "skip", "offline"),
    ];
    const d = diagnose({ deadlineHit: true, records });
    expect(d.verdict).toMatchObject({ code: "timed_out", exitCode: 14, evidence: ["store.parse"] });
    expect(d.verdict.title).toBe("Ran out of time in store.parse, before anything was sent to xAI");
    expect(d.verdict.title).not.toMatch(/did not answer/);
    expect(d.verdict.explanation).toMatch(/store\.parse .*did not finish, a local check\. Nothing was sent to xAI\./);
    // store.parse never finished: the store is not "ok"; the network never ran.
    expect(d.facets).toMatchObject({ store: "not_checked", network: "not_checked", login: "unknown" });
  });

  it("checks never started because of the deadline name the first of them", () => {
    const d = diagnose({ deadlineHit: true, records: [rec("store.home", "store", "pass"), rec("store.file", "store", "skip", "deadline"), rec("store.parse", "store", "skip", "dependency")] });
    expect(d.verdict.code).toBe("timed_out");
    expect(d.verdict.evidence).toEqual(["store.file"]);
    expect(d.verdict.title).toBe("Ran out of time in store.file, before anything was sent to xAI");
    expect(d.verdict.explanation).toMatch(/store\.file .*was not even started/);
    expect(d.facets.store).toBe("not_checked");
  });

  it("a request that got no answer blames xAI and says which request", () => {
    const records = [
      ...localOk,
      withDetails(rec("net.issuer", "network", "pass"), { httpStatus: 200 }),
      withDetails(rec("net.api", "network", "fail", "timed_out"), { transport: "headers_timeout", timings: { tcpMs: 1, totalMs: 900 } }, "cannot reach 127.0.0.1:1234: no response headers"),
    ];
    const d = diagnose({ deadlineHit: false, records });
    expect(d.verdict.title).toBe("xAI did not answer in time (net.api)");
    expect(d.verdict.explanation).toMatch(/net\.api .*sent its request and got no answer.*Requests had been sent to xAI \(net\.issuer, net\.api\)\./);
    expect(d.verdict.fixes).toEqual(VERDICTS.timed_out.fixes);
  });

  it("a deadline before the TCP connection was made says nothing reached xAI", () => {
    const records = [...localOk, withDetails(rec("net.api", "network", "fail", "timed_out"), { transport: "timeout", timings: { totalMs: 900 } })];
    const d = diagnose({ deadlineHit: true, records });
    expect(d.verdict.title).toBe("Ran out of time in net.api, before anything was sent to xAI");
  });

  it("a local check cut after xAI had answered other requests says so", () => {
    const records = [rec("store.home", "store", "pass"), withDetails(rec("net.api", "network", "pass"), { httpStatus: 401 }), rec("token.forks", "token", "error", "timeout")];
    const d = diagnose({ deadlineHit: true, records });
    expect(d.verdict.title).toBe("Ran out of time in token.forks");
    expect(d.verdict.explanation).toMatch(/Requests had been sent to xAI \(net\.api\)/);
  });
});

describe("computeFacets: every facet from the checks that really ran (defect 4)", () => {
  it("a network-layer finding from a login check leaves network failed, not ok", () => {
    const d = diagnose({ deadlineHit: false, records: [...localOk, rec("net.issuer", "network", "pass"), rec("net.api", "network", "pass"), rec("login.refresh", "login", "fail", "network_unreachable")] });
    expect(d.verdict.code).toBe("network_unreachable");
    expect(d.facets.network).toBe("failed");
  });

  it("a TLS failure on the inference request leaves network failed", () => {
    const d = diagnose({ deadlineHit: false, records: [...localOk, rec("net.api", "network", "pass"), rec("entitlement.inference", "entitlement", "fail", "tls_untrusted")] });
    expect(d.facets.network).toBe("failed");
  });

  it("a network check cut by the deadline or left out with --skip leaves network not_checked", () => {
    const cut = diagnose({ deadlineHit: true, records: [...localOk, rec("net.api", "network", "pass"), rec("net.issuer", "network", "skip", "deadline")] });
    expect(cut.facets.network).toBe("not_checked");
    const skipped = diagnose({ deadlineHit: false, records: [...localOk, rec("net.api", "network", "pass"), rec("net.issuer", "network", "skip", "not_selected")] });
    expect(skipped.facets.network).toBe("not_checked");
  });

  it("a store finding made under the lock by login.refresh leaves store failed", () => {
    const d = diagnose({ deadlineHit: false, records: [...localOk, rec("net.api", "network", "pass"), rec("login.refresh", "login", "fail", "store_corrupt")] });
    expect(d.facets.store).toBe("failed");
  });

  it("skips that do not apply here (Windows modes, no API key) keep a layer ok", () => {
    const d = diagnose({ deadlineHit: false, records: [...localOk, rec("store.permissions", "store", "skip", "not_applicable"), rec("net.api", "network", "pass"), rec("entitlement.inference", "entitlement", "pass"), rec("apikey.probe", "entitlement", "skip", "no_api_key")] });
    expect(d.facets).toMatchObject({ store: "ok", network: "ok", entitlement: "ok" });
  });
});
