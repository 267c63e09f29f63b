// The xAI error-signature catalogue: DATA ONLY. What an xAI HTTP answer means, by status and body.
// The live probe (classify.ts: classifyApiResponse / classifyRefreshResponse) and `triage` on pasted
// text (src/triage) match against this one ordered list, so a live verdict and a triage verdict for
// the same body cannot differ. First match wins: order encodes precedence.
//
// Checked against NousResearch/hermes-agent agent/api_error_summary.py (_is_entitlement_failure,
// _is_xai_entitlement_text), agent/error_classifier.py (_classify_by_status), hermes_cli/auth_xai.py
// (refresh_xai_oauth_pure) and tests/run_agent/test_codex_xai_oauth_recovery.py; each entry names
// its public source. Verdict codes are triage's vocabulary (docs/verdicts.md, docs/triage.md).

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
  | "route_not_found"
  | "client_outdated"
  | "content_refused"
  | "login_failed"
  | "bad_request"
  | "unknown";

/** What the response body looked like. "paste" = free text from triage. */
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

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The gRPC-era phrase xAI used as `code` for every permission failure (entitlement, credits, stale token).
const OLD_PERMISSION = "The caller does not have permission to execute the specified operation";

export const SIGNATURES: readonly Signature[] = [
  // An HTML page is a CDN, load balancer or captive portal talking, never xAI's JSON API.
  {
    id: "html-body",
    verdict: "upstream_unavailable",
    bodyKinds: ["html"],
    meaning:
      "An HTML page came back instead of xAI's JSON: a CDN, load balancer, proxy or captive portal answered, not xAI's API.",
    reloginHelps: false,
    source: "hermes agent/api_error_summary.py _summarize_api_error (HTML pages); no xAI 5xx body is on record",
  },

  // --- no credentials / rejected credentials: before entitlement, because the stale-token 403 reuses
  // the permission code phrase (hermes #29344, PR #30872).
  {
    id: "no-credentials",
    verdict: "not_logged_in",
    codes: ["unauthenticated:no-credentials"],
    meaning: "xAI saw no credentials on the request: the Authorization header was missing or empty.",
    reloginHelps: true,
    source: "docs.x.ai/developers/debugging (401 without credentials)",
  },
  {
    id: "no-credentials-text",
    verdict: "not_logged_in",
    statuses: [401],
    text: [/\bunauthenticated:no-credentials\b/i, /\bNo credentials provided\b/i],
    meaning: "xAI saw no credentials on the request: the Authorization header was missing or empty.",
    reloginHelps: true,
    source: "docs.x.ai/developers/debugging (401 without credentials)",
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
    source: "decolua/9router#2677 (cli-chat-proxy.grok.com 401)",
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
    source: "continuedev/continue #10778, #10161, #11412; openai/codex #1352",
  },

  // --- money: before entitlement, because the credits text also comes with the permission code phrase.
  {
    id: "team-credits-exhausted",
    verdict: "spending_limit",
    text: [/used all available credits or reached its monthly spending limit/i],
    meaning:
      "The xAI API team has used its prepaid credits or hit its monthly spending limit (invoiced billing is $0 by default). Buy credits or raise the limit at console.x.ai. Older xAI versions sent this as a 429; it is not a rate limit.",
    reloginHelps: false,
    source: "warpdotdev/warp #14863/#14867/#14868 (403); continuedev/continue #10373, #10740 (429, older)",
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
    source: "pleaseai/shunt PR #58; hermes#26847 comment 2026-07-15",
  },

  // --- content: xAI's safety check refused this request's content, with the same permission code phrase.
  {
    id: "content-violates-guidelines",
    verdict: "content_refused",
    text: [/Content violates usage guidelines/i, /\bSAFETY_CHECK_TYPE_[A-Z_]+/],
    meaning:
      "xAI's safety check refused the content of this request (\"Content violates usage guidelines\", with the failed check named). The login and the account are fine; another request goes through. Logging in again changes nothing.",
    reloginHelps: false,
    source: "UKGovernmentBEIS/inspect_ai PR #2267 (403 SAFETY_CHECK_TYPE_BIO); theopenco/llmgateway PR #1785 (403 => content_filter)",
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
    verdict: "entitlement_denied",
    statuses: [403],
    text: [/Access to the [\w -]+ endpoint is denied/i],
    meaning:
      "The credential may not call this endpoint. For an API key, its ACL lacks this endpoint (edit it at console.x.ai). For a subscription token, the request went to the wrong rail or lacked the proxy's token-auth header.",
    reloginHelps: false,
    source: "Wei-Shaw/sub2api#4084, #4421; lingxiaoyiyu-hub/grok-register-win#4",
  },

  // --- quotas and rate limits
  {
    id: "free-usage-exhausted",
    verdict: "usage_exhausted",
    codes: [/^subscription:free-usage-exhausted$/i],
    meaning:
      "The subscription's included usage for this model is spent. It resets over a rolling 24-hour window. This is a quota, not a short rate limit.",
    reloginHelps: false,
    source: "cli-chat-proxy.grok.com 429 body (fixtures/xai-bodies/proxy-429-free-usage-exhausted.json)",
  },
  {
    id: "free-usage-exhausted-text",
    verdict: "usage_exhausted",
    text: [/used all the included free usage/i, /\bsubscription:free-usage-exhausted\b/i],
    meaning:
      "The subscription's included usage for this model is spent. It resets over a rolling 24-hour window. This is a quota, not a short rate limit.",
    reloginHelps: false,
    source: "cli-chat-proxy.grok.com 429 body (fixtures/xai-bodies/proxy-429-free-usage-exhausted.json)",
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
    source: "docs.x.ai regions page; yihong0618/bilingual_book_maker#464",
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
    verdict: "client_outdated",
    statuses: [426],
    text: [/Grok CLI version[\s\S]{0,80}?is outdated/i],
    meaning:
      "Grok's CLI chat proxy rejected the request's client version header (x-grok-client-version missing or below 0.1.202).",
    reloginHelps: false,
    source: "Wei-Shaw/sub2api#3952; justlovemaki/AIClient2API#677",
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
    source: "hermes agent/credential_pool.py (refresh_token_reused in the dead-reason list)",
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
    verdict: "login_failed",
    codes: ["invalid_client"],
    meaning:
      "xAI's OAuth server does not accept the client id ('Unknown or disabled client'). This is a client-registration problem, not the account. Logging in again with the same client will not help, so update Hermes.",
    reloginHelps: false,
    source: "lzvxck/seri-agent#223; grok-build protocol.rs (terminal error)",
  },
  {
    id: "oauth-bad-request",
    verdict: "login_failed",
    codes: ["invalid_request", "unsupported_grant_type", "unauthorized_client", "invalid_scope"],
    meaning: "The OAuth server rejected the token request as malformed or not allowed for this client.",
    reloginHelps: false,
    source: "RFC 6749 §5.2",
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
    source: "hermes hermes_cli/auth_xai.py (token_endpoint comes from OIDC discovery)",
  },
  {
    id: "429-resource-exhausted",
    verdict: "rate_limited",
    statuses: [429],
    codes: ["Some resource has been exhausted", "resource-exhausted", "resource_exhausted"],
    meaning: "xAI throttled the request (429). Wait and retry.",
    reloginHelps: false,
    source: "continuedev/continue#10373 (old gRPC code phrase on 429)",
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
    source: "docs.x.ai/developers/debugging (xAI errors are flat JSON {code, error})",
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
