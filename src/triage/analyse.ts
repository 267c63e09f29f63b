// One input's lines -> findings -> ONE verdict. Each line first meets the cheap PREFILTER; only the
// few that pass are matched against the triage signals and the xAI signature catalogue. Findings are
// kept per signature (the last occurrence and a count), so memory stays bounded on any log.
import { TRIAGE_CODES, triageVerdictInfo, type TriageCode } from "../diagnosis/verdicts.js";
import type { Fix } from "../engine/types.js";
import { redactString } from "../report/redact.js";
import { matchPastedBody } from "../xai/signatures/pasted.js";
import type { TriageInput } from "./model.js";
import { HEALTHY_ANSWER, LINE_SIGNALS, PREFILTER, PROVIDER_LINE, type SignalTier } from "./signals.js";

const EXCERPT_MAX = 300;
/** A status on a line of its own applies to a body on one of the next lines. */
const CARRY_LINES = 3;

export interface Candidate {
  code: TriageCode;
  signature: string;
  line: number;
  /** The raw line (capped by the reader); redacted only when rendered. */
  raw: string;
  at: number;
  tier: SignalTier;
  /** A specific body or message, not a status-only fallback or a generic word. */
  specific: boolean;
  /** This doctor's own verdict read back from a report: it outranks everything else. */
  authority: boolean;
  meaning: string;
  reloginHelps: boolean;
  count: number;
}

const TIER_RANK: Record<SignalTier, number> = { error: 3, warning: 2, info: 1 };

/**
 * THE precedence rule (docs/triage.md), used for every input: a doctor report's own verdict first;
 * then an error over a warning over an info line; then a decisive code over `unknown`; then a
 * specific body or message over a generic status line or word; then the later line (the most
 * recent failure in a log is the one the user is looking at).
 */
export function outranks(a: Candidate, b: Candidate): boolean {
  const key = (c: Candidate) => [c.authority ? 1 : 0, TIER_RANK[c.tier], c.code === "unknown" ? 0 : 1, c.specific ? 1 : 0, c.line];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! > kb[i]!;
  return false;
}

// A report made by this doctor: `--format json` (pretty or compact) and `--format markdown`.
const DOCTOR_JSON_TOOL = /"name"\s*:\s*"hermes-doctor"/;
const DOCTOR_JSON_VERDICT_OPEN = /^\s*"verdict"\s*:\s*\{\s*$/;
const DOCTOR_JSON_CODE = /^\s*"code"\s*:\s*"([a-z_]+)"/;
const DOCTOR_JSON_COMPACT = /"verdict"\s*:\s*\{\s*"code"\s*:\s*"([a-z_]+)"/;
const DOCTOR_MARKDOWN = /^#{1,4} hermes-doctor ([\w-]+): `([a-z_]+)`/;

export class InputAnalyser {
  readonly #found = new Map<string, Candidate>();
  #carry: { status: number; until: number } | undefined;
  #doctorJson = false;
  #expectVerdictCode = false;
  #provider: { provider: string; model: string } | undefined;
  #doctorReport = false;

  onLine = (line: string, lineNo: number): void => {
    if (this.#doctorJson && this.#readDoctorJson(line, lineNo)) return;
    if (line.length < 6 || !PREFILTER.test(line)) return;
    if (!this.#doctorJson && DOCTOR_JSON_TOOL.test(line)) {
      this.#doctorJson = true;
      if (this.#readDoctorJson(line, lineNo)) return;
    }
    const md = DOCTOR_MARKDOWN.exec(line);
    if (md) return this.#doctorVerdict(md[2]!, line, lineNo);

    const provider = PROVIDER_LINE.exec(line);
    if (provider) this.#provider = { provider: provider[1]!, model: provider[2]! };

    for (const s of LINE_SIGNALS) {
      const m = s.re.exec(line);
      if (m) this.#add({ code: s.code, signature: s.id, tier: s.tier, specific: !s.generic, meaning: s.meaning, reloginHelps: s.reloginHelps }, line, lineNo, m.index);
    }

    const carried = this.#carry && lineNo <= this.#carry.until ? this.#carry.status : undefined;
    const body = matchPastedBody(line, carried);
    if (body) {
      const { sig, ev } = body;
      // Centre the excerpt on xAI's message when it is there, else on the body.
      const msgAt = ev.message && ev.message !== line ? line.indexOf(ev.message.slice(0, 24)) : -1;
      const at = msgAt >= 0 ? msgAt : Math.max(0, line.indexOf("{"));
      this.#add({ code: sig.verdict, signature: sig.id, tier: sig.verdict === "unknown" ? "info" : "error", specific: !sig.lowConfidence, meaning: sig.meaning, reloginHelps: sig.reloginHelps }, line, lineNo, at);
      if (sig.lowConfidence && ev.status !== undefined) this.#carry = { status: ev.status, until: lineNo + CARRY_LINES };
    }

    if (HEALTHY_ANSWER.test(line)) {
      this.#add({ code: "healthy", signature: "xai-answer", tier: "info", specific: true, meaning: "A successful xAI answer (a Responses or Chat Completions object).", reloginHelps: false }, line, lineNo, 0);
    }
  };

  #readDoctorJson(line: string, lineNo: number): boolean {
    const compact = DOCTOR_JSON_COMPACT.exec(line);
    if (compact) {
      this.#doctorVerdict(compact[1]!, line, lineNo);
      return true;
    }
    if (this.#expectVerdictCode) {
      this.#expectVerdictCode = false;
      const m = DOCTOR_JSON_CODE.exec(line);
      if (m) this.#doctorVerdict(m[1]!, line, lineNo);
      return true;
    }
    if (DOCTOR_JSON_VERDICT_OPEN.test(line)) {
      this.#expectVerdictCode = true;
      return true;
    }
    return false;
  }

  #doctorVerdict(doctorCode: string, line: string, lineNo: number): void {
    this.#doctorReport = true;
    // A doctor verdict that says nothing about xAI (offline, selected checks, no verdict) is unknown.
    // (local_ok, selected_ok, unverified are not in triage's vocabulary: they become unknown.)
    const code: TriageCode = (TRIAGE_CODES as readonly string[]).includes(doctorCode) ? (doctorCode as TriageCode) : "unknown";
    const meaning =
      code === "unknown"
        ? `The doctor's report says \`${doctorCode}\`: its run did not reach a verdict about xAI (offline, read-only or a check that could not run).`
        : "The verdict of a hermes-doctor report: the doctor's own live run, read back.";
    this.#add({ code, signature: "doctor-report", tier: code === "unknown" ? "info" : "error", specific: true, meaning, reloginHelps: code === "unknown" ? false : triageRelogin(code) }, line, lineNo, 0, true);
  }

  #add(c: Omit<Candidate, "line" | "raw" | "at" | "count" | "authority">, raw: string, line: number, at: number, authority = false): void {
    const key = `${c.signature}\u0000${c.code}`;
    const prev = this.#found.get(key);
    if (prev) {
      // The same signature again (a log repeats its errors): keep the latest line, count it.
      Object.assign(prev, { raw, line, at, count: prev.count + 1 });
      return;
    }
    this.#found.set(key, { ...c, raw, line, at, authority, count: 1 });
  }

  /** The verdict for everything seen so far. */
  finish(name: string, bytes: number): TriageInput {
    const all = [...this.#found.values()].sort((a, b) => a.line - b.line);
    let best: Candidate | undefined;
    for (const c of all) if (!best || outranks(c, best)) best = c;
    const code: TriageCode = best && best.code !== "unknown" ? best.code : "unknown";
    const info = triageVerdictInfo(code);
    const findings = all.map((c) => ({ code: c.code, signature: c.signature, line: c.line, excerpt: excerpt(c.raw, c.at) }));
    const confident = !!best && code !== "unknown" && (best.authority || best.specific);
    const fixes: Fix[] = [...info.fixes];
    if (!confident && code !== "unknown") fixes.push({ text: "Confirm it on the affected machine", command: "hermes-doctor xai" });
    return {
      name,
      bytes,
      verdict: { code, confidence: confident ? "high" : "low", reloginHelps: code === "unknown" ? false : (best?.reloginHelps ?? false) },
      findings,
      explanation: this.#explain(code, best, all),
      fixes,
      cannotTell: this.#cannotTell(code, best),
    };
  }

  #explain(code: TriageCode, best: Candidate | undefined, all: Candidate[]): string {
    const ctx = this.#provider ? ` The text names provider ${this.#provider.provider}, model ${this.#provider.model}.` : "";
    if (code !== "unknown" && best) {
      const seen = best.count > 1 ? ` Seen ${best.count} times, last on line ${best.line}.` : ` Line ${best.line}.`;
      return `${best.meaning}${seen}${ctx}`;
    }
    if (all.length === 0) return `${triageVerdictInfo("unknown").explanation}${ctx}`;
    const shows = [...new Set(all.map((c) => c.meaning))].join(" ");
    return `Nothing in it is decisive. What it shows: ${shows}${ctx}`;
  }

  #cannotTell(code: TriageCode, best: Candidate | undefined): string[] {
    const out: string[] = [];
    if (this.#doctorReport && best?.authority) {
      out.push("Anything that changed after the report was made: run the doctor again for the current state.");
      return out;
    }
    out.push("Whether it still happens now: a paste is a snapshot; `hermes-doctor xai` tests the login live.");
    if (code === "unknown") {
      out.push("Whether the login works, whether the account is entitled, or whether the network is fine.");
      return out;
    }
    if (best && !best.specific) out.push("What xAI's answer said: only a status or a generic message is in the text, so the verdict is a best guess (Hermes treats a bare xai-oauth 403 as entitlement).");
    if (!this.#provider && best && !best.specific) out.push("Which provider answered: a bare status line does not name it.");
    if (code === "entitlement_denied") out.push("Which subscription tier the account has, or whether an XAI_API_KEY would work (the subscription page or a doctor run shows that).");
    if (code === "token_rejected" || code === "session_revoked") out.push("Whether another Hermes profile, install or the Grok CLI used the same single-use refresh token.");
    if (code === "network_unreachable" || code === "tls_untrusted" || code === "timed_out") out.push("Which host failed and whether a proxy is in the way (run the doctor from the same machine and network).");
    return out;
  }
}

function triageRelogin(code: TriageCode): boolean {
  return code === "not_logged_in" || code === "session_revoked" || code === "session_quarantined" || code === "token_rejected" || code === "state_invalid" || code === "store_corrupt";
}

/** The line around the match, redacted BEFORE it is cut so no token is ever half-kept. */
function excerpt(raw: string, at: number): string {
  const red = redactString(raw, []).replace(/\s+/g, " ").trim();
  if (red.length <= EXCERPT_MAX) return red;
  // The match position moves a little with redaction; centring on it is close enough for context.
  const from = Math.max(0, Math.min(at - 100, red.length - EXCERPT_MAX));
  return `${from > 0 ? "…" : ""}${red.slice(from, from + EXCERPT_MAX - 1)}…`;
}
