// Body parsing and evidence: turns an xAI answer (status + body) into the fields the catalogue
// matches on, and picks the first matching signature. Used by the live probe (classifyApiResponse /
// classifyRefreshResponse) and by `triage` (classifyEvidence on what it found in a pasted line), so
// both read a body the same way.
import { redactString } from "../../report/redact.js";
import { SIGNATURES, type BodyKind, type Signature, type SignatureVerdict, type Surface } from "./catalogue.js";

export interface ApiErrorClass {
  verdict: SignatureVerdict;
  signatureId: string;
  status?: number;
  xaiCode?: string;
  /** xAI's error text, truncated to ~300 chars, with anything token-like removed. */
  message?: string;
  meaning: string;
  reloginHelps: boolean;
  /** Set when only a status/code fallback matched. */
  lowConfidence?: boolean;
}

/** What the catalogue matches on. */
export interface Evidence {
  surface: Surface;
  status?: number;
  bodyKind: BodyKind;
  code?: string;
  message?: string;
  haystack: string;
}

const MESSAGE_MAX = 300;
/** Bodies are scanned up to this size: xAI's errors are tiny, a huge body is not one of them. */
export const SCAN_MAX = 64 * 1024;

function tidyMessage(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const clean = redactString(percentDecode(text), []).replace(/\s+/g, " ").trim();
  if (!clean) return undefined;
  return clean.length > MESSAGE_MAX ? `${clean.slice(0, MESSAGE_MAX - 1)}…` : clean;
}

/** xAI has been seen to percent-encode `error` ("Bad%20credentials.%20[WKE=...]"). */
function percentDecode(text: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** Reads xAI's flat {code, error}, OAuth's {error, error_description} and OpenAI's nested {error:{...}}. */
export function extractFields(obj: Record<string, unknown>): { code?: string; message?: string } {
  const err = obj["error"];
  if (isRecord(err)) {
    return { code: str(err["code"]) ?? str(err["type"]) ?? str(obj["code"]), message: str(err["message"]) ?? str(obj["message"]) };
  }
  const errStr = str(err);
  const description = str(obj["error_description"]);
  const code = str(obj["code"]);
  // OAuth style: `error` is a snake_case code and the text sits in error_description.
  if (errStr && !code && (description !== undefined || /^[a-z][a-z0-9_]*$/.test(errStr))) {
    return { code: errStr, message: description };
  }
  return { code, message: errStr ?? description ?? str(obj["message"]) ?? str(obj["detail"]) };
}

function bodyKindOf(bodyText: string, contentType?: string): { kind: BodyKind; json?: Record<string, unknown> } {
  const trimmed = bodyText.trim();
  if (!trimmed) return { kind: "empty" };
  if ((contentType ?? "").toLowerCase().includes("text/html") || trimmed.startsWith("<")) return { kind: "html" };
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (isRecord(parsed)) return { kind: "json", json: parsed };
  } catch {
    // not JSON
  }
  return { kind: "text" };
}

export function htmlTitle(html: string): string {
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(html);
  return m?.[1]?.trim() ? `HTML page: ${m[1].trim()}` : "HTML page";
}

export function haystackOf(parts: (string | undefined)[]): string {
  const joined = parts.filter((p): p is string => !!p).join("\n");
  const decoded = percentDecode(joined);
  return decoded === joined ? joined : `${joined}\n${decoded}`;
}

function matches(sig: Signature, ev: Evidence): boolean {
  if (sig.surface && sig.surface !== ev.surface) return false;
  const hasContentCriteria = !!(sig.codes || sig.text || sig.bodyKinds);
  if (sig.statuses) {
    if (ev.status === undefined) {
      if (!hasContentCriteria) return false;
    } else if (!sig.statuses.includes(ev.status)) return false;
  }
  if (sig.bodyKinds && !sig.bodyKinds.includes(ev.bodyKind)) return false;
  if (sig.codes) {
    const code = ev.code?.toLowerCase();
    if (!code) return false;
    if (!sig.codes.some((c) => (typeof c === "string" ? c.toLowerCase() === code : c.test(ev.code ?? "")))) return false;
  }
  if (sig.text && !sig.text.some((re) => re.test(ev.haystack))) return false;
  return true;
}

/** The first signature that matches (the catch-all `unrecognised` when nothing else fits). */
export function firstMatch(ev: Evidence): Signature {
  for (const sig of SIGNATURES) if (matches(sig, ev)) return sig;
  // Unreachable: the catalogue ends with a catch-all.
  return SIGNATURES[SIGNATURES.length - 1]!;
}

/** The catalogue's answer for this evidence (the catch-all `unrecognised` when nothing else fits). */
export function classifyEvidence(ev: Evidence): ApiErrorClass {
  const sig = firstMatch(ev);
  const out: ApiErrorClass = {
    verdict: sig.verdict,
    signatureId: sig.id,
    meaning: sig.meaning,
    reloginHelps: sig.reloginHelps,
  };
  if (ev.status !== undefined) out.status = ev.status;
  if (ev.code) out.xaiCode = tidyMessage(ev.code);
  const message = tidyMessage(ev.message);
  if (message) out.message = message;
  if (sig.lowConfidence) out.lowConfidence = true;
  return out;
}

function evidenceFromResponse(surface: Surface, status: number, fullBody: string, contentType?: string): Evidence {
  const bodyText = fullBody.slice(0, SCAN_MAX);
  const { kind, json } = bodyKindOf(bodyText, contentType);
  const fields = json ? extractFields(json) : {};
  let message = fields.message;
  if (kind === "html") message = htmlTitle(bodyText);
  else if (kind === "text") message = bodyText;
  // The raw body joins the haystack only when it is not HTML (page chrome must not trigger signatures).
  const haystack = haystackOf([fields.code, fields.message, kind === "html" ? undefined : bodyText]);
  const ev: Evidence = { surface, status, bodyKind: kind, haystack };
  if (fields.code) ev.code = fields.code;
  if (message) ev.message = message;
  return ev;
}

export const isSuccess = (status: number) => status >= 200 && status < 300;

/** Classifies an inference-API response (api.x.ai or the CLI chat proxy). null for 2xx. */
export function classifyApiResponse(status: number, bodyText: string, contentType?: string): ApiErrorClass | null {
  if (isSuccess(status)) return null;
  return classifyEvidence(evidenceFromResponse("api", status, bodyText ?? "", contentType));
}

/** Classifies an OAuth token-endpoint (refresh) response. null for 2xx. */
export function classifyRefreshResponse(status: number, bodyText: string): ApiErrorClass | null {
  if (isSuccess(status)) return null;
  return classifyEvidence(evidenceFromResponse("oauth", status, bodyText ?? ""));
}

// ---------------------------------------------------------------------------------------------
// Bodies embedded in text: Hermes prints the SDK's str(error), a Python dict repr.


/**
 * A tiny literal parser for the dict embedded in a pasted line: accepts JSON and Python repr
 * (single-quoted strings, True/False/None), because Hermes prints the SDK's `str(error)`.
 */
class LiteralParser {
  i: number;
  constructor(
    readonly s: string,
    start: number,
  ) {
    this.i = start;
  }
  fail(): never {
    throw new SyntaxError("bad literal");
  }
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  value(depth = 0): unknown {
    if (depth > 32) this.fail();
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.dict(depth);
    if (c === "[" || c === "(") return this.list(depth, c === "[" ? "]" : ")");
    if (c === "'" || c === '"') return this.string();
    const word = /^(?:True|False|None|true|false|null)\b/.exec(this.s.slice(this.i, this.i + 6));
    if (word) {
      this.i += word[0].length;
      return word[0] === "True" || word[0] === "true" ? true : word[0] === "False" || word[0] === "false" ? false : null;
    }
    const num = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 40));
    if (num) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    return this.fail();
  }
  dict(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++; // {
    for (;;) {
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      const key = this.value(depth + 1);
      this.ws();
      if (this.s[this.i] !== ":") this.fail();
      this.i++;
      out[String(key)] = this.value(depth + 1);
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") this.fail();
    }
  }
  list(depth: number, close: string): unknown[] {
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== close) this.fail();
    }
  }
  string(): string {
    const quote = this.s[this.i];
    this.i++;
    let out = "";
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c === "\n") this.fail();
      if (c !== "\\") {
        out += c;
        this.i++;
        continue;
      }
      const e = this.s[this.i + 1];
      this.i += 2;
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "0": "\0", "\\": "\\", "'": "'", '"': '"', "/": "/" };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === "x" || e === "u" || e === "U") {
        const len = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail();
        out += String.fromCodePoint(parseInt(hex, 16));
        this.i += len;
      } else out += `\\${e ?? ""}`;
    }
    return this.fail();
  }
}

export function embeddedObject(text: string): Record<string, unknown> | undefined {
  let from = 0;
  for (let tries = 0; tries < 20; tries++) {
    const start = text.indexOf("{", from);
    if (start < 0) return undefined;
    try {
      const v = new LiteralParser(text, start).value();
      if (isRecord(v)) return v;
    } catch {
      // try the next brace
    }
    from = start + 1;
  }
  return undefined;
}
