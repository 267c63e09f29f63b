// One pasted line -> the catalogue's answer for the xAI body in it, if any. A line may hold a Hermes
// log line ("HTTP 403: Error code: 403 - {'code': ..., 'error': ...}"), a raw JSON body, or a bare
// marker like "[WKE=unauthenticated:bad-credentials]". Matching is the live probe's (classifyEvidence).
import { classifyEvidence, embeddedObject, extractFields, firstMatch, haystackOf, htmlTitle, isSuccess, SCAN_MAX, type ApiErrorClass, type Evidence } from "./classify.js";
import type { Signature } from "./catalogue.js";

const STATUS_PATTERNS: RegExp[] = [
  /\bHTTP(?:\/\d(?:\.\d)?)?[ :]+(\d{3})\b/i, // "HTTP 403", "HTTP/1.1 403", "HTTP/2 403"
  /\bError code:?\s*(\d{3})\b/i, // OpenAI SDK: "Error code: 403 - {...}"
  /\bstatus(?:[ _-]?code)?["']?\s*[:=]?\s*(\d{3})\b/i,
  /\[(\d{3})\]/, // "[403]: {...}"
];

export function statusFromText(text: string): number | undefined {
  for (const re of STATUS_PATTERNS) {
    const m = re.exec(text);
    const n = m?.[1] ? Number(m[1]) : NaN;
    if (n >= 100 && n <= 599) return n;
  }
  return undefined;
}

const OAUTH_HINT = /token refresh|oauth2\/token|token_endpoint|\binvalid_grant\b|\binvalid_client\b|grant_type|device.code/i;

export interface PastedMatch {
  sig: Signature;
  ev: Evidence;
}

/**
 * The catalogue signature for the xAI body or status in `text`, or null when nothing in it looks
 * like an xAI answer. `carriedStatus` is a status seen on a line just above (Hermes prints the
 * status and the body on separate lines in some wrappers). Matching is the live probe's.
 */
export function matchPastedBody(pasted: string, carriedStatus?: number): PastedMatch | null {
  if (!pasted.trim()) return null;
  const text = pasted.length > SCAN_MAX ? pasted.slice(0, SCAN_MAX) : pasted;
  const obj = text.includes("{") ? embeddedObject(text) : undefined;
  const status = statusFromText(text) ?? (obj ? carriedStatus : undefined);
  const fields = obj ? extractFields(obj) : {};
  const looksHtml = !obj && /<!DOCTYPE html|<html[\s>]/i.test(text);
  const ev: Evidence = {
    surface: OAUTH_HINT.test(text) ? "oauth" : "api",
    bodyKind: obj ? "json" : looksHtml ? "html" : "paste",
    haystack: haystackOf([fields.code, fields.message, text]),
  };
  if (status !== undefined) ev.status = status;
  if (fields.code) ev.code = fields.code;
  ev.message = looksHtml ? htmlTitle(text) : (fields.message ?? text);
  if (isSuccess(status ?? 0) && !obj) return null;
  const sig = firstMatch(ev);
  if (sig.id === "unrecognised") {
    // Nothing recognisable: no status, and no error object (a dict like {'model': ...} says nothing).
    if (status === undefined && (!obj || (!fields.code && !fields.message))) return null;
  }
  return { sig, ev };
}

/** The same, as the live probe reports it (message tidied and redacted). */
export function classifyPastedBody(pasted: string, carriedStatus?: number): ApiErrorClass | null {
  const m = matchPastedBody(pasted, carriedStatus);
  return m ? classifyEvidence(m.ev) : null;
}
