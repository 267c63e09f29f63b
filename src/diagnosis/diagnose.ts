// Rules from check results to one verdict and the separate facets. Pure: no I/O, no printing.
import type { Fix, RunRecord } from "../engine/types.js";
import { API_KEY_PATH, VERDICTS, isVerdictCode, type Severity, type VerdictCode } from "./verdicts.js";
import { ACCOUNT_CHECK, accountFactsOf, accountGap, sharpen } from "./account.js";
import { accountLine, type AccountFacts } from "../xai/subscription.js";

export type LoginFacet = "ok" | "failed" | "unknown";
export type EntitlementFacet = "ok" | "denied" | "unknown";
export type LayerFacet = "ok" | "warn" | "failed" | "not_checked";

export interface Facets {
  store: LayerFacet;
  login: LoginFacet;
  entitlement: EntitlementFacet;
  network: LayerFacet;
}

export interface Verdict {
  code: VerdictCode;
  severity: Severity;
  title: string;
  explanation: string;
  /** Ids of the checks whose results prove the verdict. */
  evidence: string[];
  fixes: Fix[];
  exitCode: number;
}

export interface Diagnosis {
  verdict: Verdict;
  facets: Facets;
  /** What the subscription host said (account.subscription), with its one-line summary. */
  account?: { facts: AccountFacts; line?: string };
}

/** Finding codes that are not verdict codes themselves but decide one. */
const ALIASES: Record<string, VerdictCode> = {
  timeout: "timed_out", // the runner's own code for a check that ran out of time
};

const LOGIN_FAILED: ReadonlySet<string> = new Set(["not_logged_in", "session_quarantined", "session_revoked", "token_rejected", "state_invalid"]);
const ENTITLEMENT_DENIED: ReadonlySet<string> = new Set(["entitlement_denied", "spending_limit", "usage_exhausted", "model_unavailable"]);
/** Checks whose pass proves xAI accepted the login, whatever the entitlement. */
const LOGIN_PROOFS = ["login.userinfo", "api.models", "entitlement.inference"];
/** login.refresh proves the login only when it actually talked to xAI. */
const refreshedOk = (r: RunRecord | undefined) => r?.status === "pass" && r.details?.refreshed === true;
/** Skips that mean "could not be verified", as opposed to "does not apply here". */
const BLOCKING_SKIPS: ReadonlySet<string> = new Set(["refresh_not_tested", "deadline", "not_selected"]);
const INFERENCE = "entitlement.inference";
const NETWORK_LAYER = "network";
/** Layers that never touch the network. */
const LOCAL_LAYERS: ReadonlySet<string> = new Set(["store", "config", "token"]);

function verdictOf(record: RunRecord): VerdictCode | undefined {
  if (record.status !== "fail" && record.status !== "error") return undefined;
  // The subscription host is evidence, never the judge: even a crash or timeout there decides nothing.
  if (record.id === ACCOUNT_CHECK) return undefined;
  if (isVerdictCode(record.code)) return record.code;
  return record.code ? ALIASES[record.code] : undefined;
}

/** Runner codes for a check the deadline (or its own budget) cut: it proves nothing either way. */
const CUT: ReadonlySet<string> = new Set(["deadline", "timeout"]);
/** Skips that leave a layer unproven: cut by the deadline, left out with --skip, or blocked by a dependency. */
const UNPROVEN_SKIPS: ReadonlySet<string> = new Set(["deadline", "not_selected", "dependency"]);
/** Findings that are a fact about the network path, whichever layer's check made them. */
const NETWORK_FINDINGS: ReadonlySet<string> = new Set(["network_unreachable", "tls_untrusted", "clock_skew"]);
/** Findings that are a fact about the auth store, whichever layer's check made them. */
const STORE_FINDINGS: ReadonlySet<string> = new Set(["not_logged_in", "store_unreadable", "store_corrupt", "state_invalid"]);

const failed = (r: RunRecord) => r.status === "fail" || r.status === "error";

/**
 * A layer is "ok" only when every one of its checks ran and passed: a check cut by the deadline,
 * skipped with --skip or blocked by a dependency leaves it not_checked, never ok. A finding about
 * this layer from a check of another layer (a transport failure in login.refresh) counts too.
 */
function layerFacet(records: RunRecord[], layer: string, findings: ReadonlySet<string>): LayerFacet {
  const mine = records.filter((r) => r.layer === layer);
  const ran = mine.filter((r) => r.status !== "skip" && !CUT.has(r.code ?? ""));
  if (ran.some(failed) || records.some((r) => failed(r) && findings.has(r.code ?? ""))) return "failed";
  if (ran.length === 0 || mine.some((r) => CUT.has(r.code ?? "") || (r.status === "skip" && UNPROVEN_SKIPS.has(r.code ?? "")))) return "not_checked";
  return ran.some((r) => r.status === "warn") ? "warn" : "ok";
}

export function computeFacets(records: RunRecord[]): Facets {
  const byId = new Map(records.map((r) => [r.id, r]));
  const failedCodes = records.filter((r) => r.status === "fail" || r.status === "error").map((r) => r.code ?? "");
  const inference = byId.get(INFERENCE);

  let login: LoginFacet = "unknown";
  if (failedCodes.some((c) => LOGIN_FAILED.has(c))) login = "failed";
  // An entitlement refusal is an answer to an authenticated caller: the login itself worked.
  else if (LOGIN_PROOFS.some((id) => byId.get(id)?.status === "pass") || refreshedOk(byId.get("login.refresh")) || failedCodes.some((c) => ENTITLEMENT_DENIED.has(c))) login = "ok";

  let entitlement: EntitlementFacet = "unknown";
  if (inference?.status === "pass") entitlement = "ok";
  else if (failedCodes.some((c) => ENTITLEMENT_DENIED.has(c))) entitlement = "denied";

  return { store: layerFacet(records, "store", STORE_FINDINGS), login, entitlement, network: layerFacet(records, NETWORK_LAYER, NETWORK_FINDINGS) };
}

export interface DiagnoseInput {
  records: RunRecord[];
  /** The overall deadline cut the run short. */
  deadlineHit: boolean;
  /** The run was limited to these check ids (--only): a clean partial run is selected_ok, not unverified. */
  only?: readonly string[];
}

/**
 * The verdict is the first failing check (checks come in layer order: store, config, token,
 * network, login, entitlement) whose finding is a verdict code. Without one: healthy when the
 * inference probe passed, local_ok when no network check ran, otherwise unverified.
 */
export function diagnose({ records, deadlineHit, only }: DiagnoseInput): Diagnosis {
  const facets = computeFacets(records);
  const decisive = records.find((r) => verdictOf(r) !== undefined);

  let code: VerdictCode;
  let evidence: string[] = [];
  let fixes: Fix[] | undefined;
  let because = "";
  if (decisive) {
    code = verdictOf(decisive)!;
    evidence = records.filter((r) => verdictOf(r) === code).map((r) => r.id);
    fixes = decisive.fixes?.length ? decisive.fixes : undefined;
  } else if (records.find((r) => r.id === INFERENCE)?.status === "pass") {
    code = "healthy";
    evidence = [INFERENCE];
  } else if (deadlineHit) {
    code = "timed_out";
    evidence = records.filter((r) => CUT.has(r.code ?? "")).map((r) => r.id);
  } else if (!records.some((r) => !LOCAL_LAYERS.has(r.layer) && r.status !== "skip")
    && !records.some((r) => r.status === "error" || r.status === "fail")) {
    code = "local_ok";
  } else if (only?.length && !records.some((r) => r.status === "fail" || r.status === "error" || (r.status === "skip" && BLOCKING_SKIPS.has(r.code ?? "")))) {
    // A smoke check of one layer ends in that layer's own result, not in "unverified".
    code = "selected_ok";
    evidence = records.filter((r) => only.includes(r.id)).map((r) => r.id);
    because = ` Layers checked: ${[...new Set(records.filter((r) => r.status !== "skip").map((r) => r.layer))].join(", ")}.`;
  } else {
    code = "unverified";
    // The first check that stopped the run, not the dependants it dragged along.
    const blockers = records.filter((r) => r.status === "fail" || r.status === "error" || (r.status === "skip" && BLOCKING_SKIPS.has(r.code ?? "")));
    evidence = blockers.map((r) => r.id);
    const first = blockers[0];
    if (first) {
      because = ` First: ${first.id} — ${first.summary}.`;
      fixes = first.fixes?.length ? first.fixes : undefined;
    }
  }

  // The account facts explain an entitlement answer and sharpen its fix (src/diagnosis/account.ts).
  const facts = accountFactsOf(records);
  let explanation: string | undefined;
  if (facts) {
    const sharper = sharpen(code, records, facts);
    if (sharper) {
      ({ code, explanation, fixes } = sharper);
      evidence = [...evidence, ACCOUNT_CHECK];
    } else if (["entitlement_denied", "usage_exhausted"].includes(code)) {
      const gap = accountGap(facts);
      if (gap) explanation = `${VERDICTS[code].explanation} ${gap}`;
    }
  }

  const info = VERDICTS[code];
  const line = facts ? accountLine(facts) : undefined;
  const text = code === "timed_out" ? timedOutText(records, decisive ?? records.find((r) => evidence.includes(r.id))) : { title: info.title, explanation: explanation ?? info.explanation + because };
  return {
    facets,
    verdict: {
      code,
      severity: info.severity,
      title: text.title,
      explanation: text.explanation,
      evidence,
      fixes: withRailHint(code, records, fixes ?? info.fixes),
      exitCode: info.exitCode,
    },
    ...(facts ? { account: { facts, ...(line ? { line } : {}) } } : {}),
  };
}

/** When OAuth is refused but the user's XAI_API_KEY works, say exactly how to switch. */
function withRailHint(code: VerdictCode, records: RunRecord[], fixes: Fix[]): Fix[] {
  if (!["entitlement_denied", "spending_limit", "usage_exhausted"].includes(code)) return fixes;
  const apiKey = records.find((r) => r.id === "apikey.probe");
  if (apiKey?.status === "pass") {
    return [{ text: "Your XAI_API_KEY works: switch Hermes to the API-key provider by setting `model.provider: xai` in config.yaml (or choose \"xAI\" in `hermes model`)" }, ...fixes.filter((f) => f !== API_KEY_PATH)];
  }
  return fixes;
}

/** Transport failures after which the request had (or may have) reached the server. */
const SENT_KINDS: ReadonlySet<string> = new Set(["headers_timeout", "body_timeout"]);
const MAYBE_SENT_KINDS: ReadonlySet<string> = new Set(["timeout", "aborted", "reset"]);

/**
 * Did this check put a request in front of xAI? An HTTP status proves it, and so does a timeout
 * waiting for headers or body; a cut after the connection was claimed by the request (timings
 * only count a connection once the request's headers went out on it) means it was sent too.
 * A network check the runner had to abandon may or may not have sent one.
 */
function reachedXai(r: RunRecord): "yes" | "maybe" | "no" {
  if (LOCAL_LAYERS.has(r.layer) || r.status === "skip") return "no";
  const d = r.details ?? {};
  if (typeof d.httpStatus === "number" || d.refreshed === true) return "yes";
  const kind = typeof d.transport === "string" ? d.transport : undefined;
  if (kind && SENT_KINDS.has(kind)) return "yes";
  const timings = d.timings as { tcpMs?: unknown } | undefined;
  if (kind && MAYBE_SENT_KINDS.has(kind)) return typeof timings?.tcpMs === "number" ? "yes" : "no";
  return r.code === "timeout" ? "maybe" : "no";
}

/**
 * timed_out says what really ran out of time: which check, and whether anything had been sent to
 * xAI. One catalogue entry, one fix; only the words are derived from the records.
 */
function timedOutText(records: RunRecord[], culprit: RunRecord | undefined): { title: string; explanation: string } {
  const sent = records.filter((r) => reachedXai(r) === "yes").map((r) => r.id);
  const maybe = records.filter((r) => reachedXai(r) === "maybe").map((r) => r.id);
  const toXai = [
    sent.length ? `Requests had been sent to xAI (${sent.join(", ")}).` : maybe.length ? "" : "Nothing was sent to xAI.",
    maybe.length ? `Cut off before they reported, these may have sent a request to xAI: ${maybe.join(", ")}.` : "",
  ].filter(Boolean).join(" ");
  if (!culprit) return { title: VERDICTS.timed_out.title, explanation: `${VERDICTS.timed_out.explanation} ${toXai}` };
  const where = `${culprit.id} (${culprit.title})`;
  const reached = reachedXai(culprit);
  if (reached === "yes") {
    return { title: `xAI did not answer in time (${culprit.id})`, explanation: `${where} sent its request and got no answer before the deadline: ${culprit.summary}. ${toXai}` };
  }
  const local = LOCAL_LAYERS.has(culprit.layer);
  const what = culprit.code === "deadline" ? `${where} was not even started` : `${where} did not finish`;
  const title = reached === "maybe"
    ? `Ran out of time in ${culprit.id}, which may have been waiting for xAI`
    : sent.length || maybe.length ? `Ran out of time in ${culprit.id}` : `Ran out of time in ${culprit.id}, before anything was sent to xAI`;
  return { title, explanation: `The run's deadline (--timeout) was reached: ${what}${local ? ", a local check" : ""}. ${toXai}` };
}
