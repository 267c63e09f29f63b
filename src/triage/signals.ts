// What Hermes, its login flow, the OS and this doctor print, as triage recognises it in a paste: DATA
// ONLY. xAI's own answers (status + body) are NOT here: they are matched against the one signature
// catalogue (src/xai/signatures/catalogue.ts) that the live probe uses too.
//
// Every pattern is a real message; `source` names where it is printed. Hermes sources are
// NousResearch/hermes-agent files.
import type { TriageCode } from "../diagnosis/verdicts.js";

/**
 * How much a signal explains, for the precedence rule (docs/triage.md):
 * error > warning > info. `generic` signals (a bare timeout word, a status-less exception name)
 * lose to any specific one of the same tier.
 */
export type SignalTier = "error" | "warning" | "info";

export interface LineSignal {
  id: string;
  code: TriageCode;
  tier: SignalTier;
  /** Tested against one line (at most MAX_LINE characters). No g/y flags. */
  re: RegExp;
  generic?: boolean;
  meaning: string;
  reloginHelps: boolean;
  source: string;
}

export const LINE_SIGNALS: readonly LineSignal[] = [
  // --- Hermes' auth messages (hermes_cli/auth_xai.py, hermes_cli/auth.py)
  {
    id: "hermes-tier-denied",
    code: "entitlement_denied",
    tier: "error",
    re: /\bxai_oauth_tier_denied\b|not authorized for xAI API\s+access/i,
    meaning: "Hermes got HTTP 403 from xAI's token endpoint, which it treats as a tier or entitlement gate (xai_oauth_tier_denied). Logging in again will not change it.",
    reloginHelps: false,
    source: "hermes hermes_cli/auth_xai.py refresh_xai_oauth_pure (PR #28351)",
  },
  {
    id: "hermes-no-credentials",
    code: "not_logged_in",
    tier: "error",
    re: /No xAI OAuth credentials stored|\bxai_auth_missing\b(?!_)/,
    meaning: "Hermes has no xAI OAuth login stored in this HERMES_HOME (or profile).",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py _read_xai_oauth_tokens (xai_auth_missing)",
  },
  {
    id: "hermes-state-missing-tokens",
    code: "state_invalid",
    tier: "error",
    re: /xAI OAuth (?:state )?is missing (?:tokens|access_token|refresh_token)|\bxai_auth_missing_(?:access|refresh)_token\b|\bxai_auth_invalid_shape\b/,
    meaning: "Hermes' stored xAI login has no usable token pair (the tokens are not a dict, or the access or refresh token is empty).",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py _read_xai_oauth_tokens (xai_auth_invalid_shape, xai_auth_missing_<field>)",
  },
  {
    id: "hermes-quarantined",
    code: "session_quarantined",
    tier: "error",
    re: /"last_auth_error"\s*:\s*\{|\b(?:runtime|credential_pool)_refresh_failure\b|Re-run 'hermes auth add xai-oauth' to sign in again/,
    meaning: "Hermes quarantined the xAI login: a refresh failed for good, so it deleted the dead tokens and recorded why (last_auth_error).",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py _quarantine_xai_oauth_tokens (PR #28337); agent/credential_pool.py; dead-login WARNING (PR #113197)",
  },
  {
    id: "hermes-auth-lock-timeout",
    code: "lock_timeout",
    tier: "error",
    re: /Timed out waiting for auth store lock/,
    meaning: "Hermes gave up waiting for auth.lock: another Hermes process held it (15 s by default, 25 s on the xAI refresh path).",
    reloginHelps: false,
    source: "hermes hermes_cli/auth.py _auth_store_lock (AUTH_LOCK_TIMEOUT_SECONDS)",
  },
  {
    id: "hermes-api-key-preempts",
    code: "provider_preempted",
    tier: "warning",
    re: /Provider resolved to 'xai' via XAI_API_KEY, preempting/,
    meaning: "XAI_API_KEY is set, so Hermes uses the API-key provider `xai` and never the logged-in xai-oauth login.",
    reloginHelps: false,
    source: "hermes hermes_cli/auth.py resolve_provider (provider env keys before active_provider)",
  },
  {
    id: "hermes-corrupt-store",
    code: "store_corrupt",
    tier: "error",
    re: /auth: failed to parse .* starting with empty store/,
    meaning: "Hermes could not parse auth.json, copied it to auth.json.corrupt and started with an empty store: every login in it is gone at the next save.",
    reloginHelps: true,
    source: "hermes hermes_cli/auth.py _load_auth_store (auth.json.corrupt)",
  },
  {
    id: "hermes-store-unreadable",
    code: "store_unreadable",
    tier: "error",
    re: /PermissionError: \[Errno 13\] Permission denied: '[^']*auth\.json'/,
    meaning: "Hermes could not read auth.json (permission denied): the login may be intact, but this user cannot use it.",
    reloginHelps: false,
    source: "hermes hermes_cli/auth.py _load_auth_store (an OSError on read is re-raised)",
  },

  // --- the login flow (hermes_cli/auth_xai.py; legacy loopback flow until PR #57311)
  {
    id: "login-state-mismatch",
    code: "login_failed",
    tier: "error",
    re: /xAI authorization failed: state mismatch/,
    meaning: "The loopback login's callback carried a different `state` than Hermes sent (often a pasted bare code with --manual-paste).",
    reloginHelps: true,
    source: "hermes issue #26923 (legacy loopback flow)",
  },
  {
    id: "login-callback-timeout",
    code: "login_failed",
    tier: "error",
    re: /xAI authorization timed out waiting for the local callback/,
    meaning: "The browser never reached Hermes' loopback callback on 127.0.0.1:56121 (remote session, firewall, or the page was closed).",
    reloginHelps: true,
    source: "hermes issue #27385 (legacy loopback flow)",
  },
  {
    id: "login-pkce",
    code: "login_failed",
    tier: "error",
    re: /code_challenge(?:_method)? (?:is required|must be S256)|PKCE verifier is empty/,
    meaning: "xAI's authorize or token step refused the PKCE parameters of an old Hermes (legacy loopback flow).",
    reloginHelps: true,
    source: "hermes issues #26990 (PR #26999), #27573",
  },
  {
    id: "login-device-timeout",
    code: "login_failed",
    tier: "error",
    re: /Timed out waiting for xAI device authorization/,
    meaning: "The device code expired before the sign-in was approved in the browser.",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py device-code polling (PR #57311)",
  },
  {
    id: "login-device-polling-failed",
    code: "login_failed",
    tier: "error",
    re: /xAI device-code token polling failed/,
    meaning: "xAI's token endpoint refused the device-code sign-in.",
    reloginHelps: true,
    source: "hermes hermes_cli/auth_xai.py device-code polling (PR #57311)",
  },
  {
    id: "login-invalid-client",
    code: "login_failed",
    tier: "error",
    re: /\binvalid_client\b|Unknown or disabled client/,
    meaning: "xAI's OAuth server does not accept the client id (\"Unknown or disabled client\"): a client-registration problem, not the account.",
    reloginHelps: false,
    source: "lzvxck/seri-agent#223 (POST /oauth2/device/code)",
  },
  {
    id: "login-invalid-scope",
    code: "login_failed",
    tier: "error",
    re: /\binvalid_scope\b|\bunknown scope\b/i,
    meaning: "xAI's OAuth server refused the requested scope.",
    reloginHelps: false,
    source: "RFC 6749 §5.2 (invalid_scope); Hermes asks for openid profile email offline_access grok-cli:access api:access",
  },

  // --- transport (the same kinds as src/net/classify.ts for the live probe)
  {
    id: "tls-untrusted",
    code: "tls_untrusted",
    tier: "error",
    re: /CERTIFICATE_VERIFY_FAILED|certificate verify failed|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to get local issuer certificate|self[- ]signed certificate|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/i,
    meaning: "The TLS certificate presented for the server was not trusted: usually a TLS-intercepting proxy or antivirus, sometimes a wrong clock.",
    reloginHelps: false,
    source: "Node error codes (src/net/classify.ts); Python ssl.SSLCertVerificationError text",
  },
  {
    id: "network-unreachable",
    code: "network_unreachable",
    tier: "error",
    re: /\b(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT|ConnectError|ConnectTimeout|APIConnectionError)\b|Connection refused|Name or service not known|Temporary failure in name resolution|nodename nor servname provided|Network is unreachable|Connection reset by peer/,
    meaning: "The connection failed before any HTTP answer: DNS, a refused or reset connection, a connect timeout or a proxy in the way.",
    reloginHelps: false,
    source: "Node error codes (src/net/classify.ts); httpx ConnectError/ConnectTimeout; openai.APIConnectionError",
  },
  {
    id: "request-timed-out",
    code: "timed_out",
    tier: "error",
    generic: true,
    re: /\b(?:APITimeoutError|ReadTimeout|WriteTimeout|PoolTimeout|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)\b|Request timed out|\bstream (?:timed out|stalled|idle timeout)|timed out after \d+(?:\.\d+)? ?(?:s|ms|seconds)\b/i,
    meaning: "A request or an answer stream hung past its deadline: xAI was slow or the connection stalled.",
    reloginHelps: false,
    source: "openai.APITimeoutError ('Request timed out.'); httpx ReadTimeout; undici UND_ERR_*_TIMEOUT",
  },

  // --- what other tools print that proves nothing decisive on its own
  {
    id: "hermes-doctor-not-logged-in",
    code: "not_logged_in",
    tier: "warning",
    re: /⚠\s*xAI OAuth \(not logged in\)|xai-oauth: logged out\b/,
    meaning: "Hermes' own doctor/status says xAI OAuth is not logged in; the reason, when there is one, is on the next line.",
    reloginHelps: true,
    source: "hermes hermes_cli/doctor.py Auth Providers row; hermes auth status",
  },
  {
    id: "hermes-doctor-logged-in",
    code: "unknown",
    tier: "info",
    re: /✓\s*xAI OAuth \(logged in\)|xai-oauth: logged in\b/,
    meaning: "Hermes' doctor row only reads the stored tokens: it never sends a request, so an account refused at inference still shows \"logged in\".",
    reloginHelps: false,
    source: "hermes hermes_cli/doctor.py get_xai_oauth_auth_status (no inference call)",
  },
  {
    id: "credential-pool-empty",
    code: "unknown",
    tier: "info",
    re: /credential pool: no available entries/,
    meaning: "Hermes' credential pool had no usable entry at that moment (all exhausted, cooling down after an error, or empty); it does not say why.",
    reloginHelps: false,
    source: "hermes agent/credential_pool.py",
  },
];

/**
 * A successful xAI answer: only a real answer carries these objects (xAI's errors are {code, error}).
 * Matched only when nothing else in the input explains a failure.
 */
export const HEALTHY_ANSWER = /"object"\s*:\s*"(?:response|chat\.completion)"/;

/** `🔌 Provider: xai-oauth  Model: grok-4.5` under a PermissionDeniedError line (hermes run_agent.py). */
export const PROVIDER_LINE = /Provider:\s*([\w.:-]+)\s+Model:\s*([\w.:/-]+)/;

/**
 * The cheap gate before any of the above or the catalogue runs on a line: every signal and every
 * catalogued xAI text contains one of these words (test/triage.test.ts checks it on every recorded
 * string), so the great majority of log lines, which are not errors, cost one regex test. Plain
 * words, compared case-insensitively.
 */
export const PREFILTER_WORDS: readonly string[] = [
  "http", "error", "status", "code", "denied", "permission", "invalid", "expired", "revoked", "refused",
  "reset", "unreachable", "timed out", "time out", "timeout", "timedout", "certificate", "cert_", "self-signed",
  "self signed", "econn", "ehost", "enet", "eai_", "enotfound", "name or service", "name resolution", "nodename",
  "exhaust", "limit", "capacity", "overload", "credits", "subscription", "usage", "blocked", "api key",
  "could not be validated", "does not exist", "quarantin", "last_auth", "refresh_failure", "lock", "preempt",
  "mismatch", "callback", "challenge", "pkce", "scope", "client", "credential", "logged", "not found",
  "no handler", "outdated", "violates", "safety_check", "wke=", "\"object\"", "hermes-doctor", "provider:",
  "fail", "missing", "corrupt", "[4", "[5", "<html", "doctype",
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The words as one regex, factored by first letter (`c(?:ode|lient|…)|e(?:rror|…)`): V8 then tries
 * one alternative group per position instead of all of them, about twice as fast on a big log.
 */
function factor(words: readonly string[]): RegExp {
  const groups = new Map<string, string[]>();
  for (const w of words) {
    const head = w[0]!.toLowerCase();
    groups.set(head, [...(groups.get(head) ?? []), escapeRe(w.slice(1))]);
  }
  return new RegExp([...groups].map(([head, rest]) => `${escapeRe(head)}(?:${rest.join("|")})`).join("|"), "i");
}

export const PREFILTER = factor(PREFILTER_WORDS);
