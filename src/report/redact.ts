// Redaction belongs to the data model: the report is redacted once, before any renderer sees it.
import { fingerprint } from "../engine/secrets.js";

// Shapes of secrets we may not have registered: JWTs and xAI API keys.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const XAI_KEY = /\bxai-[A-Za-z0-9_-]{16,}/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// A JWT cut short in a pasted log line (header and part of the payload): still secret.
const JWT_FRAGMENT = /\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g;
// Other providers' keys that get pasted next to xAI's (OpenAI-style sk-...).
const SK_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;
// A secret by its field name, in JSON, a Python dict repr, a query string or key=value logs.
const TOKEN_FIELD =
  /\b(access_token|refresh_token|id_token|api_key|apiKey|client_secret|code_verifier|device_code)(["']?\s*[:=]\s*["']?)(?!\[redacted)[^\s"'&,}]{8,}/g;

// URLs: userinfo, query and fragment may carry a password or a token (`?token=…`, `#access_token=…`).
// Scheme, host and path stay readable. Trailing punctuation is prose, not part of the URL.
const URL_RE = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>`]*@)?([^\s/?#"'<>`]*)([^\s?#"'<>`]*)(\?[^\s#"'<>`]*)?(#[^\s"'<>`]*)?/gi;
const TRAILING = /[).,;:\]!]+$/;
// Parameters of the public xAI pages our own fixes link to (https://grok.com/?_s=usage) and of the
// read-only routes we report (?format=credits, ?include=subscription): a query made only of these
// carries nothing secret and stays, so the links still work.
const SAFE_QUERY = /^\?(?:(?:_s|format|include)=[\w.-]*&?)+$/;

/** A URL with its userinfo, query and fragment replaced by `[redacted]`. */
function redactUrl(m: string, scheme: string, user: string | undefined, host: string, path: string, query?: string, frag?: string): string {
  const keptQuery = query && SAFE_QUERY.test(query.replace(TRAILING, "")) ? query : "";
  if (!user && !frag && (!query || keptQuery)) return m;
  // `?`/`#` are never trailing punctuation, so the tail is always inside the query or fragment.
  const tail = TRAILING.exec(frag ?? query ?? "")?.[0] ?? "";
  return `${scheme}${user ? "[redacted]@" : ""}${host}${path}${keptQuery || (query ? "?[redacted]" : "")}${frag ? "#[redacted]" : ""}${tail}`;
}

// Control characters (ESC above all) in a server's answer must not drive the user's terminal.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Replaces every known secret and anything secret-shaped in a string by a fingerprint, hides the
 * userinfo, query and fragment of every URL, and drops terminal control characters (tabs and
 * newlines stay).
 */
export function redactString(text: string, secrets: readonly string[]): string {
  let out = text.replace(CONTROL, "");
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(`[redacted ${fingerprint(secret)}]`);
  }
  return out
    .replace(JWT, (m) => `[redacted ${fingerprint(m)}]`)
    .replace(XAI_KEY, (m) => `[redacted ${fingerprint(m)}]`)
    .replace(BEARER, (_m, word: string) => `${word} [redacted]`)
    .replace(URL_RE, redactUrl)
    .replace(JWT_FRAGMENT, (m) => `[redacted ${fingerprint(m)}]`)
    .replace(SK_KEY, (m) => `[redacted ${fingerprint(m)}]`)
    .replace(TOKEN_FIELD, (m, field: string, sep: string) => `${field}${sep}[redacted ${fingerprint(m)}]`);
}

/** Deep copy of a JSON-like value with every string (keys included) redacted. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactString(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactString(k, secrets), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
