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

function layerFacet(records: RunRecord[], layer: string): LayerFacet {
  const ran = records.filter((r) => r.layer === layer && r.status !== "skip");
  if (ran.length === 0) return "not_checked";
  if (ran.some((r) => r.status === "fail" || r.status === "error")) return "failed";
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

  return { store: layerFacet(records, "store"), login, entitlement, network: layerFacet(records, NETWORK_LAYER) };
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
    evidence = records.filter((r) => r.code === "deadline" || r.code === "timeout").map((r) => r.id);
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
  return {
    facets,
    verdict: {
      code,
      severity: info.severity,
      title: info.title,
      explanation: explanation ?? info.explanation + because,
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
