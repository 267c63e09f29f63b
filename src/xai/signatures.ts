// The xAI error-signature catalogue: what an xAI HTTP error (or a pasted error line) means.
// One ordered list serves the live probe (classifyApiResponse / classifyRefreshResponse) and
// `triage` on pasted text (classifyText). First match wins, so order encodes precedence.
//
// Facts: shared/reference/xai-api-and-oauth.md §2, §3.2, §5 and hermes-auth-store-and-xai-oauth.md
// §4, §5; checked against NousResearch/hermes-agent agent/api_error_summary.py (_is_entitlement_failure,
// _is_xai_entitlement_text), agent/error_classifier.py (_classify_by_status), hermes_cli/auth_xai.py
// (refresh_xai_oauth_pure) and tests/run_agent/test_codex_xai_oauth_recovery.py.

export type SignatureVerdict =
  | "entitlement_denied"
  | "token_rejected"
  | "spending_limit"
  | "usage_exhausted"
  | "rate_limited"
  | "model_unavailable"
  | "upstream_unavailable"
  | "session_revoked"
  | "not_logged_in"
  | "api_key_invalid"
  | "endpoint_denied"
  | "bad_request"
  | "route_not_found"
  | "unknown";

/** What the response body looked like. "paste" = free text given to classifyText. */
export type BodyKind = "json" | "html" | "text" | "empty" | "paste";

/** Which server answered: the inference API (api.x.ai, cli-chat-proxy) or the OAuth token endpoint. */
export type Surface = "api" | "oauth";

export interface Signature {
  id: string;
  verdict: SignatureVerdict;
  /** Any of these statuses. Ignored for status-less pastes, unless the signature has nothing else to match on. */
  statuses?: number[];
  /** Matched against the body's `code` (xAI) or `error` (OAuth) field; strings compare case-insensitively. */
  codes?: (string | RegExp)[];
  /** Any of these, tested against code + message + raw body (also percent-decoded). */
  text?: RegExp[];
  /** Only for these body shapes. */
  bodyKinds?: BodyKind[];
  /** Only on this surface; unset = both. */
  surface?: Surface;
  /** A fallback on status or code alone: the verdict is a best guess. */
  lowConfidence?: boolean;
  meaning: string;
  reloginHelps: boolean;
  source: string;
}

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

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The gRPC-era phrase xAI used as `code` for every permission failure (entitlement, credits, stale token).
const OLD_PERMISSION = "The caller does not have permission to execute the specified operation";
const REF_API = "shared/reference/xai-api-and-oauth.md";
const REF_HERMES = "shared/reference/hermes-auth-store-and-xai-oauth.md";

export const SIGNATURES: readonly Signature[] = [
  // An HTML page is a CDN, load balancer or captive portal talking, never xAI's JSON API.
  {
    id: "html-body",
    verdict: "upstream_unavailable",
    bodyKinds: ["html"],
    meaning:
      "An HTML page came back instead of xAI's JSON: a CDN, load balancer, proxy or captive portal answered, not xAI's API.",
    reloginHelps: false,
    source: "hermes agent/api_error_summary.py _summarize_api_error (HTML pages); reference §6 (no xAI 5xx body known)",
  },

  // --- no credentials / rejected credentials: before entitlement, because the stale-token 403 reuses
  // the permission code phrase (hermes #29344, PR #30872).
  {
    id: "no-credentials",
    verdict: "not_logged_in",
    codes: ["unauthenticated:no-credentials"],
    meaning: "xAI saw no credentials on the request: the Authorization header was missing or empty.",
    reloginHelps: true,
    source: `${REF_API} §2 (401 row; docs.x.ai debugging)`,
  },
  {
    id: "no-credentials-text",
    verdict: "not_logged_in",
    statuses: [401],
    text: [/\bunauthenticated:no-credentials\b/i, /\bNo credentials provided\b/i],
    meaning: "xAI saw no credentials on the request: the Authorization header was missing or empty.",
    reloginHelps: true,
    source: `${REF_API} §2 (401 row)`,
  },
  {
    id: "bad-credentials-code",
    verdict: "token_rejected",
    codes: ["unauthenticated:bad-credentials"],
    meaning:
      "xAI could not validate the access token: it is expired, revoked or not an xAI token. xAI answers 403 here, never 401. A token refresh normally fixes it.",
    reloginHelps: true,
    source:
      "hermes tests (REAL_EXPIRED_BODY, 'observed in production gateway logs'); Ember1012/grok2api; hermes issues #29344, #82052, #108122",
  },
  {
    id: "token-not-validated",
    verdict: "token_rejected",
    text: [
      /\[WKE=unauthenticated:(?!no-credentials)/i,
      /\bunauthenticated:bad-credentials\b/i,
      /access token could not be validated/i,
    ],
    meaning:
      "xAI could not validate the access token: it is expired, revoked or not an xAI token. The permission-style code on this body does not mean an entitlement problem. A token refresh normally fixes it.",
    reloginHelps: true,
    source:
      "hermes agent/api_error_summary.py _is_entitlement_failure ('[wke=unauthenticated:' / 'oauth2 access token could not be validated' => not entitlement); hermes #28250, #29344",
  },
  {
    id: "proxy-invalid-or-expired",
    verdict: "token_rejected",
    text: [/Invalid or expired credentials/i],
    meaning:
      "Grok's CLI chat proxy refused the token: expired or rotated, or the X-XAI-Token-Auth header was missing.",
    reloginHelps: true,
    source: `${REF_API} §3.2 (decolua/9router#2677)`,
  },
  {
    id: "oauth-invalid-token",
    verdict: "token_rejected",
    codes: ["invalid_token"],
    meaning: "The OAuth server rejected the bearer token (expired or revoked).",
    reloginHelps: true,
    source: "RFC 6750 §3.1 error code; userinfo endpoint",
  },
  {
    id: "api-key-incorrect",
    verdict: "api_key_invalid",
    text: [/Incorrect API key provided/i],
    meaning:
      "xAI does not recognise the API key (it answers 400, not 401). The key is wrong or revoked, or is not an xAI key at all. Fix XAI_API_KEY; logging in again does not touch it.",
    reloginHelps: false,
    source: "continuedev/continue #10778, #10161, #11412; openai/codex #1352; reference §2, §5",
  },

  // --- money: before entitlement, because the credits text also comes with the permission code phrase.
  {
    id: "team-credits-exhausted",
    verdict: "spending_limit",
    text: [/used all available credits or reached its monthly spending limit/i],
    meaning:
      "The xAI API team has used its prepaid credits or hit its monthly spending limit (invoiced billing is $0 by default). Buy credits or raise the limit at console.x.ai. Older xAI versions sent this as a 429; it is not a rate limit.",
    reloginHelps: false,
    source: "warpdotdev/warp #14863/#14867/#14868 (403); continuedev/continue #10373, #10740 (429, older); reference §2, §5",
  },
  {
    id: "personal-team-spending-limit",
    verdict: "spending_limit",
    codes: [/^personal-team-blocked:spending-limit$/i],
    meaning:
      "xAI billed the request to the account's personal API team, which has no credits. With an OAuth (subscription) token on api.x.ai, this means the subscription does not pay for metered API calls.",
    reloginHelps: false,
    source: "pleaseai/shunt PR #58; router-for-me/CLIProxyAPI#5335; hermes agent/error_classifier.py (403 'spending limit' => billing)",
  },
  {
    id: "personal-team-spending-limit-text",
    verdict: "spending_limit",
    text: [/run out of credits or need a Grok subscription/i, /\bpersonal-team-blocked:spending-limit\b/i],
    meaning:
      "xAI billed the request to the account's personal API team, which has no credits. With an OAuth (subscription) token on api.x.ai, this means the subscription does not pay for metered API calls.",
    reloginHelps: false,
    source: "pleaseai/shunt PR #58; hermes#26847 comment 2026-07-15 (reference §3.2)",
  },

  // --- entitlement: the account (tier) is not allowed to use the API.
  {
    id: "grok-subscription-required",
    verdict: "entitlement_denied",
    statuses: [401, 402, 403],
    text: [
      /do not have an active Grok subscription/i,
      // "grok.com" / "Grok subscription", not any "grok": a model id like grok-4.6 must not match.
      /out of available resources[\s\S]{0,400}?(grok\.com|grok subscription)/i,
      /does not have permission[\s\S]{0,400}?(grok\.com|grok subscription)/i,
    ],
    meaning:
      "Login worked, but xAI will not serve this account on the API. The causes: no Grok subscription, a tier without API access or without this model, or an exhausted subscription quota. Logging in again will not change it. Check https://grok.com/?_s=usage, or use an XAI_API_KEY with provider: xai.",
    reloginHelps: false,
    source:
      "NousResearch/hermes-agent#26847; hermes agent/api_error_summary.py _is_xai_entitlement_text; PR #28351 (no re-login)",
  },
  {
    id: "endpoint-access-denied",
    verdict: "endpoint_denied",
    statuses: [403],
    text: [/Access to the [\w -]+ endpoint is denied/i],
    meaning:
      "The credential may not call this endpoint. For an API key, its ACL lacks this endpoint (edit it at console.x.ai). For a subscription token, the request went to the wrong rail or lacked the proxy's token-auth header.",
    reloginHelps: false,
    source: "Wei-Shaw/sub2api#4084, #4421; lingxiaoyiyu-hub/grok-register-win#4; reference §2, §3.2",
  },

  // --- quotas and rate limits
  {
    id: "free-usage-exhausted",
    verdict: "usage_exhausted",
    codes: [/^subscription:free-usage-exhausted$/i],
    meaning:
      "The subscription's included usage for this model is spent. It resets over a rolling 24-hour window. This is a quota, not a short rate limit.",
    reloginHelps: false,
    source: `${REF_API} §3.2 (cli-chat-proxy 429)`,
  },
  {
    id: "free-usage-exhausted-text",
    verdict: "usage_exhausted",
    text: [/used all the included free usage/i, /\bsubscription:free-usage-exhausted\b/i],
    meaning:
      "The subscription's included usage for this model is spent. It resets over a rolling 24-hour window. This is a quota, not a short rate limit.",
    reloginHelps: false,
    source: `${REF_API} §3.2`,
  },
  {
    id: "rate-limit-team",
    verdict: "rate_limited",
    statuses: [429],
    text: [/Too many (?:requests|tokens)/i, /rate limit/i],
    meaning: "The team's per-model request or token rate limit was exceeded. Wait and retry. Limits rise with the spend tier.",
    reloginHelps: false,
    source: "cline/cline#4826; chenyme/grok2api#926; docs.x.ai consumption-and-rate-limits",
  },

  // --- model and route
  {
    id: "model-not-found",
    verdict: "model_unavailable",
    statuses: [400, 403, 404],
    text: [/does not exist or your team[\s\S]{0,200}?does not have access/i, /\bThe model \S+ does not exist\b/i],
    meaning:
      "The model name is unknown (maybe retired on 2026-05-15) or this team or token has no access to it. List the models with GET /v1/models.",
    reloginHelps: false,
    source: "docs.x.ai regions page; yihong0618/bilingual_book_maker#464; reference §2, §5",
  },
  {
    id: "route-not-found",
    verdict: "route_not_found",
    statuses: [404],
    text: [/No handler found on route/i],
    meaning: "The URL path does not exist on xAI's API. The base URL is probably wrong (missing or doubled /v1).",
    reloginHelps: false,
    source: "iniwap/AIWriteX#26",
  },
  {
    id: "proxy-client-outdated",
    verdict: "bad_request",
    statuses: [426],
    text: [/Grok CLI version[\s\S]{0,80}?is outdated/i],
    meaning:
      "Grok's CLI chat proxy rejected the request's client version header (x-grok-client-version missing or below 0.1.202).",
    reloginHelps: false,
    source: "Wei-Shaw/sub2api#3952; justlovemaki/AIClient2API#677 (reference §3.2)",
  },
  {
    id: "upstream-capacity",
    verdict: "upstream_unavailable",
    text: [/\bat capacity\b/i, /\boverloaded\b/i],
    meaning: "xAI reports the model is at capacity or overloaded. This is temporary; retry later.",
    reloginHelps: false,
    source: "Cloudgeni-ai/opengeni PR #1643 (in-stream capacity error); hermes agent/error_classifier.py _OVERLOADED_PATTERNS",
  },

  // --- OAuth token endpoint (refresh), RFC 6749 §5.2 error codes.
  {
    id: "oauth-refresh-token-reused",
    verdict: "session_revoked",
    codes: ["refresh_token_reused"],
    meaning:
      "The refresh token was already used. xAI rotates it on every refresh, so another process or copy spent it first.",
    reloginHelps: true,
    source: `hermes agent/credential_pool.py dead-reason list (${REF_HERMES} §4, §8)`,
  },
  {
    id: "oauth-refresh-token-revoked",
    verdict: "session_revoked",
    codes: ["invalid_grant"],
    text: [/revoked/i],
    meaning:
      "xAI revoked the login's refresh token. Causes: the single-use token was rotated by another copy (a second Hermes profile or home, or another machine), the Grok CLI logged in with the same client id, or the account logged out. Log in again.",
    reloginHelps: true,
    source: "Wei-Shaw/sub2api#4189; hermes #43589, #82052",
  },
  {
    id: "oauth-refresh-token-not-found",
    verdict: "session_revoked",
    codes: ["invalid_grant"],
    text: [/not found or invalid/i],
    meaning:
      "xAI does not know this refresh token. Usually another process already used it (refresh tokens are single-use), or the store holds an old copy. Log in again.",
    reloginHelps: true,
    source: "Wei-Shaw/sub2api#4227 (first refresh right after login)",
  },
  {
    id: "oauth-invalid-grant",
    verdict: "session_revoked",
    codes: ["invalid_grant"],
    meaning: "The OAuth grant is no longer valid (expired, revoked or already used). Log in again.",
    reloginHelps: true,
    source: "RFC 6749 §5.2; grok-build protocol.rs (terminal error); hermes auth_xai.py (400/401 => relogin)",
  },
  {
    id: "oauth-invalid-client",
    verdict: "bad_request",
    codes: ["invalid_client"],
    meaning:
      "xAI's OAuth server does not accept the client id ('Unknown or disabled client'). This is a client-registration problem, not the account. Logging in again with the same client will not help, so update Hermes.",
    reloginHelps: false,
    source: "lzvxck/seri-agent#223; grok-build protocol.rs (terminal error)",
  },
  {
    id: "oauth-bad-request",
    verdict: "bad_request",
    codes: ["invalid_request", "unsupported_grant_type", "unauthorized_client", "invalid_scope"],
    meaning: "The OAuth server rejected the token request as malformed or not allowed for this client.",
    reloginHelps: false,
    source: "RFC 6749 §5.2",
  },

  // --- Hermes' own messages, as users paste them into `triage`.
  {
    id: "hermes-tier-denied",
    verdict: "entitlement_denied",
    text: [/\bxai_oauth_tier_denied\b/i, /not authorized for xAI API\s+access/i],
    meaning:
      "Hermes got HTTP 403 from xAI's token endpoint, which it treats as a tier or entitlement gate. Logging in again will not change it. Use XAI_API_KEY with provider: xai, or a tier with API access.",
    reloginHelps: false,
    source: "hermes hermes_cli/auth_xai.py refresh_xai_oauth_pure (PR #28351)",
  },
  {
    id: "hermes-no-credentials",
    verdict: "not_logged_in",
    text: [/No xAI OAuth credentials stored/i, /\bxai_auth_missing\b/],
    meaning: "Hermes has no xAI OAuth login stored in this HERMES_HOME.",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py _read_xai_oauth_tokens",
  },
  {
    id: "hermes-state-missing-tokens",
    verdict: "not_logged_in",
    text: [/xAI OAuth (?:state )?is missing (?:tokens|access_token|refresh_token)/i, /\bxai_auth_missing_(?:access|refresh)_token\b/],
    meaning:
      "Hermes' stored xAI login has no usable tokens. Hermes removes them after a terminal refresh failure (see last_auth_error).",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py _read_xai_oauth_tokens, _quarantine_xai_oauth_tokens",
  },

  // --- fallbacks on status or code alone. Token endpoint first (surface-specific).
  {
    id: "refresh-403",
    verdict: "entitlement_denied",
    surface: "oauth",
    statuses: [403],
    lowConfidence: true,
    meaning:
      "xAI's token endpoint answered 403. Hermes treats this as a tier or entitlement gate (xai_oauth_tier_denied) and stops refreshing. Logging in again will not change it.",
    reloginHelps: false,
    source: "hermes hermes_cli/auth_xai.py refresh_xai_oauth_pure; PR #28351; issue #26847",
  },
  {
    id: "refresh-4xx",
    verdict: "session_revoked",
    surface: "oauth",
    statuses: [400, 401],
    lowConfidence: true,
    meaning: "The token endpoint refused the refresh. Hermes treats 400/401 here as 'log in again'.",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py refresh_xai_oauth_pure (relogin for 400/401)",
  },
  {
    id: "refresh-404",
    verdict: "route_not_found",
    surface: "oauth",
    statuses: [404],
    lowConfidence: true,
    meaning: "The token endpoint URL does not exist. The stored or discovered token_endpoint is wrong.",
    reloginHelps: false,
    source: `${REF_HERMES} §4 (token_endpoint from discovery)`,
  },
  {
    id: "429-resource-exhausted",
    verdict: "rate_limited",
    statuses: [429],
    codes: ["Some resource has been exhausted", "resource-exhausted", "resource_exhausted"],
    meaning: "xAI throttled the request (429). Wait and retry.",
    reloginHelps: false,
    source: `${REF_API} §1.5, §2`,
  },
  {
    id: "429-unrecognised",
    verdict: "rate_limited",
    statuses: [429],
    lowConfidence: true,
    meaning: "xAI answered 429 with an unfamiliar body: treated as throttling. Wait and retry.",
    reloginHelps: false,
    source: "docs.x.ai consumption-and-rate-limits ('Exceeding a limit returns 429')",
  },
  {
    id: "5xx",
    verdict: "upstream_unavailable",
    statuses: range(500, 599),
    meaning: "xAI (or something in front of it) failed on its side. This is not a problem with the login; retry later and check https://status.x.ai.",
    reloginHelps: false,
    source: "docs.x.ai debugging; hermes auth_xai.py (5xx not terminal on refresh)",
  },
  {
    id: "non-json-body",
    verdict: "upstream_unavailable",
    bodyKinds: ["text"],
    meaning:
      "The error body is not xAI's JSON. A proxy, firewall or CDN in the path probably answered instead of xAI.",
    reloginHelps: false,
    source: `${REF_API} §2 (xAI errors are flat JSON {code, error})`,
  },
  {
    id: "400-invalid-argument",
    verdict: "bad_request",
    statuses: [400],
    codes: ["Client specified an invalid argument", "invalid-argument", "invalid_argument"],
    meaning: "xAI rejected a request parameter (model/parameter mismatch, unsupported argument, malformed content).",
    reloginHelps: false,
    source: "yym68686/uni-api#105; JetBrains/junie#39; lobehub#7336; charmbracelet/crush#964",
  },
  {
    id: "400-unrecognised",
    verdict: "bad_request",
    statuses: [400, 405, 409, 413, 415, 422],
    lowConfidence: true,
    meaning: "xAI rejected the request as malformed (wrong method, content type, or field).",
    reloginHelps: false,
    source: "docs.x.ai debugging (400/405/415/422)",
  },
  {
    id: "401-unrecognised",
    verdict: "token_rejected",
    statuses: [401],
    lowConfidence: true,
    meaning: "The credential was refused (401).",
    reloginHelps: true,
    source: "hermes agent/error_classifier.py (401 => auth, force refresh)",
  },
  {
    id: "402-unrecognised",
    verdict: "spending_limit",
    statuses: [402],
    lowConfidence: true,
    meaning: "Payment required: the account or team has no credits for this request.",
    reloginHelps: false,
    source: "pleaseai/shunt PR #58 (402/403 spending-limit); hermes error_classifier.py (402 => billing)",
  },
  {
    id: "403-permission-denied",
    verdict: "entitlement_denied",
    statuses: [403],
    codes: [OLD_PERMISSION, "permission-denied", "permission_denied"],
    lowConfidence: true,
    meaning:
      "xAI denied permission with an unfamiliar message. It is neither a stale token nor credits, so it is treated as an account or tier (entitlement) denial, as Hermes does. Quote the message to xAI support.",
    reloginHelps: false,
    source: "hermes PR #28351 (any xai-oauth 403 stops the refresh loop); docs.x.ai debugging ('API key or team is blocked')",
  },
  {
    // Decision: an unrecognised 403 is entitlement (low confidence), like Hermes since PR #28351. The only
    // other documented 403s (stale token, credits, endpoint ACL) are matched above by their text, and
    // "key or team blocked" is also an account-level denial that re-login won't fix.
    id: "403-unrecognised",
    verdict: "entitlement_denied",
    statuses: [403],
    lowConfidence: true,
    meaning:
      "xAI answered 403 with an unfamiliar body. It is treated as an account or tier (entitlement) denial, as Hermes does, but that is a guess. Logging in again is unlikely to help.",
    reloginHelps: false,
    source: "hermes PR #28351; hermes agent/error_classifier.py (403 not billing => auth, no rotation)",
  },
  {
    id: "404-unrecognised",
    verdict: "unknown",
    statuses: [404],
    lowConfidence: true,
    meaning: "xAI answered 404 without saying whether the model or the route is missing.",
    reloginHelps: false,
    source: "hermes agent/error_classifier.py (generic 404 => unknown)",
  },
  {
    id: "unrecognised",
    verdict: "unknown",
    lowConfidence: true,
    meaning: "An error this catalogue does not recognise.",
    reloginHelps: false,
    source: "catch-all",
  },
];

// ---------------------------------------------------------------------------------------------
// Evidence extraction

interface Evidence {
  surface: Surface;
  status?: number;
  bodyKind: BodyKind;
  code?: string;
  message?: string;
  haystack: string;
}

const MESSAGE_MAX = 300;
/** Bodies are scanned up to this size: xAI's errors are tiny, a huge body is not one of them. */
const SCAN_MAX = 64 * 1024;

/** Removes bearer tokens, JWTs and API keys. xAI's own masked form (`xa***gA`) is left alone. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g, "[redacted-jwt]")
    .replace(/\b(Bearer\s+)(?!\[redacted)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[redacted]")
    .replace(/\bxai-[A-Za-z0-9]{20,}/g, "xai-[redacted]")
    .replace(/\bsk-[A-Za-z0-9_-]{16,}/g, "sk-[redacted]")
    .replace(
      /\b(access_token|refresh_token|id_token|api_key|apiKey|client_secret|code_verifier|device_code)(["']?\s*[:=]\s*["']?)(?!\[redacted)[^\s"'&,}]{8,}/g,
      "$1$2[redacted]",
    );
}

function tidyMessage(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const clean = redactSecrets(percentDecode(text)).replace(/\s+/g, " ").trim();
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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** Reads xAI's flat {code, error}, OAuth's {error, error_description} and OpenAI's nested {error:{...}}. */
function extractFields(obj: Record<string, unknown>): { code?: string; message?: string } {
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

function htmlTitle(html: string): string {
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(html);
  return m?.[1]?.trim() ? `HTML page: ${m[1].trim()}` : "HTML page";
}

function haystackOf(parts: (string | undefined)[]): string {
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

function firstMatch(ev: Evidence): Signature {
  for (const sig of SIGNATURES) if (matches(sig, ev)) return sig;
  // Unreachable: the catalogue ends with a catch-all.
  return SIGNATURES[SIGNATURES.length - 1]!;
}

function toClass(sig: Signature, ev: Evidence): ApiErrorClass {
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

const isSuccess = (status: number) => status >= 200 && status < 300;

/** Classifies an inference-API response (api.x.ai or the CLI chat proxy). null for 2xx. */
export function classifyApiResponse(status: number, bodyText: string, contentType?: string): ApiErrorClass | null {
  if (isSuccess(status)) return null;
  const ev = evidenceFromResponse("api", status, bodyText ?? "", contentType);
  return toClass(firstMatch(ev), ev);
}

/** Classifies an OAuth token-endpoint (refresh) response. null for 2xx. */
export function classifyRefreshResponse(status: number, bodyText: string): ApiErrorClass | null {
  if (isSuccess(status)) return null;
  const ev = evidenceFromResponse("oauth", status, bodyText ?? "");
  return toClass(firstMatch(ev), ev);
}

// ---------------------------------------------------------------------------------------------
// Free text (triage)

const STATUS_PATTERNS: RegExp[] = [
  /\bHTTP(?:\/\d(?:\.\d)?)?[ :]+(\d{3})\b/i, // "HTTP 403", "HTTP/1.1 403", "HTTP/2 403"
  /\bError code:?\s*(\d{3})\b/i, // OpenAI SDK: "Error code: 403 - {...}"
  /\bstatus(?:[ _-]?code)?["']?\s*[:=]?\s*(\d{3})\b/i,
  /\[(\d{3})\]/, // "[403]: {...}"
];

function statusFromText(text: string): number | undefined {
  for (const re of STATUS_PATTERNS) {
    const m = re.exec(text);
    const n = m?.[1] ? Number(m[1]) : NaN;
    if (n >= 100 && n <= 599) return n;
  }
  return undefined;
}

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

function embeddedObject(text: string): Record<string, unknown> | undefined {
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

const OAUTH_HINT = /token refresh|oauth2\/token|token_endpoint|\binvalid_grant\b|\binvalid_client\b|grant_type/i;

/**
 * Classifies pasted text: a Hermes log line ("HTTP 403: Error code: 403 - {'code': ..., 'error': ...}"),
 * a raw JSON body, or a bare marker like "[WKE=unauthenticated:bad-credentials]".
 * null when nothing in it looks like an xAI / Hermes error.
 */
export function classifyText(pasted: string): ApiErrorClass | null {
  if (typeof pasted !== "string" || !pasted.trim()) return null;
  const text = pasted.slice(0, SCAN_MAX);
  const status = statusFromText(text);
  const obj = embeddedObject(text);
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
  // Nothing recognisable: no status, no error object, only the catch-all.
  if (sig.id === "unrecognised" && status === undefined && !obj) return null;
  return toClass(sig, ev);
}
