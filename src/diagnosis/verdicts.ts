// The verdict catalogue: stable codes, what they mean, the default fix and the exit code.
// Documented in docs/verdicts.md (and the exit codes in README.md); both are a public contract.
import type { Fix } from "../engine/types.js";
import { API_KEY_FIX } from "../xai/constants.js";
import { EXIT } from "./exit-codes.js";

export { EXIT };

export const VERDICT_CODES = [
  "healthy",
  "local_ok",
  "not_logged_in",
  "store_unreadable",
  "store_corrupt",
  "state_invalid",
  "session_quarantined",
  "session_revoked",
  "token_rejected",
  "entitlement_denied",
  "spending_limit",
  "usage_exhausted",
  "model_unavailable",
  "network_unreachable",
  "tls_untrusted",
  "clock_skew",
  "rate_limited",
  "upstream_unavailable",
  "answer_incomplete",
  "timed_out",
  "unverified",
  "selected_ok",
] as const;

export type VerdictCode = (typeof VERDICT_CODES)[number];
export type Severity = "ok" | "warning" | "error";

export interface VerdictInfo {
  severity: Severity;
  exitCode: number;
  title: string;
  explanation: string;
  fixes: Fix[];
}

const RELOGIN: Fix = { text: "Sign in to xAI again (device-code login)", command: "hermes auth add xai-oauth" };
/** Written for the default home; fit-fixes.ts fits it (and every other fix) to the run. */
export const API_KEY_PATH: Fix = API_KEY_FIX;
const USAGE_PAGE: Fix = { text: "See what your subscription allows and what is used at https://grok.com/?_s=usage" };


export const VERDICTS: Record<VerdictCode, VerdictInfo> = {
  healthy: {
    severity: "ok", exitCode: EXIT.ok, title: "Healthy: logged in, entitled, and xAI answered",
    explanation: "The login works, the token is accepted and a real inference request succeeded.", fixes: [],
  },
  local_ok: {
    severity: "ok", exitCode: EXIT.ok, title: "Nothing wrong locally (network not checked)",
    explanation: "The auth store, the stored xAI login and the configuration look right. Nothing was sent to xAI, so whether xAI accepts the login is not known.",
    fixes: [{ text: "Run without --offline to test the login and a real request against xAI", command: "hermes-doctor xai" }],
  },
  not_logged_in: {
    severity: "error", exitCode: EXIT.store, title: "Not logged in to xAI",
    explanation: "Hermes has no xAI OAuth login in its auth store.", fixes: [RELOGIN],
  },
  store_unreadable: {
    severity: "error", exitCode: EXIT.store, title: "The auth store cannot be read",
    explanation: "auth.json exists but this user cannot read it, so Hermes cannot either. This is not the same as being logged out: the login may be intact.",
    fixes: [{ text: "Give the file back to the user who runs Hermes and make it private (chown, then chmod 600)" }],
  },
  store_corrupt: {
    severity: "error", exitCode: EXIT.store, title: "The auth store is corrupt",
    explanation: "auth.json is not a store Hermes can use, so Hermes starts with an empty store (for unreadable JSON it first copies the file to auth.json.corrupt); every login in it is lost at the next save.",
    fixes: [{ text: "Restore auth.json from a backup, or move it aside and sign in again", command: "hermes auth add xai-oauth" }],
  },
  state_invalid: {
    severity: "error", exitCode: EXIT.store, title: "The stored xAI login is malformed",
    explanation: "The xai-oauth entry in auth.json is not shaped the way Hermes writes it, so Hermes cannot use it.", fixes: [RELOGIN],
  },
  session_quarantined: {
    severity: "error", exitCode: EXIT.session, title: "Hermes quarantined the xAI login",
    explanation: "A refresh failed for good earlier, so Hermes removed the dead tokens and recorded why. Signing in again fixes it.", fixes: [RELOGIN],
  },
  session_revoked: {
    severity: "error", exitCode: EXIT.session, title: "The xAI login was revoked",
    explanation: "xAI refused the refresh token (revoked, reused or unknown). Refresh tokens are single-use: another Hermes profile or install, or the Grok CLI, may have used it. Signing in again fixes it.",
    fixes: [RELOGIN],
  },
  token_rejected: {
    severity: "error", exitCode: EXIT.session, title: "xAI rejected the access token",
    explanation: "xAI answered that the OAuth access token could not be validated (stale or revoked). Signing in again, or restarting a long-running Hermes so it refreshes, fixes it.",
    fixes: [RELOGIN],
  },
  entitlement_denied: {
    severity: "error", exitCode: EXIT.entitlement, title: "Logged in, but this xAI account is not entitled to API use",
    explanation: "The login is fine; xAI refuses this subscription tier (or the account has no active Grok subscription) on the API. Signing in again will NOT help.",
    fixes: [API_KEY_PATH, USAGE_PAGE],
  },
  spending_limit: {
    severity: "error", exitCode: EXIT.entitlement, title: "Logged in, but the team is out of credits or at its spending limit",
    explanation: "xAI refuses requests because the team's credits are used up or its spending limit is reached. Signing in again will NOT help.",
    fixes: [USAGE_PAGE, { text: "For an API-key team, add credits or raise the spending limit at https://console.x.ai" }],
  },
  usage_exhausted: {
    severity: "error", exitCode: EXIT.entitlement, title: "Logged in, but the included usage is used up",
    explanation: "The subscription's included (free) usage is exhausted; it resets over a rolling window. Signing in again will NOT help.",
    fixes: [USAGE_PAGE],
  },
  model_unavailable: {
    severity: "error", exitCode: EXIT.entitlement, title: "The configured model is not available to this account",
    explanation: "xAI says the model does not exist or this team has no access to it.",
    fixes: [{ text: "Pick a model this account can use (`hermes model`), or test another with --model" }],
  },
  network_unreachable: {
    severity: "error", exitCode: EXIT.network, title: "xAI cannot be reached from here",
    explanation: "The connection to xAI failed before any answer (DNS, refused, reset, proxy or timeout).",
    fixes: [{ text: "Check the network, proxy variables (HTTPS_PROXY / NO_PROXY) and https://status.x.ai" }],
  },
  tls_untrusted: {
    severity: "error", exitCode: EXIT.network, title: "The TLS connection to xAI is not trusted",
    explanation: "The certificate presented for xAI is not trusted, which usually means a TLS-intercepting proxy or antivirus sits in between.",
    fixes: [{ text: "Trust your proxy's CA: pass --ca-file <corp-ca.pem> here, and set NODE_EXTRA_CA_CERTS / SSL_CERT_FILE for Hermes" }],
  },
  clock_skew: {
    severity: "error", exitCode: EXIT.network, title: "This machine's clock is wrong",
    explanation: "The clock differs from xAI's by more than tokens tolerate, so fresh tokens look expired (or expired ones look fresh).",
    fixes: [{ text: "Turn on time synchronisation (e.g. `timedatectl set-ntp true`)" }],
  },
  rate_limited: {
    severity: "error", exitCode: EXIT.upstream, title: "xAI is rate limiting this account",
    explanation: "xAI answered 429: too many requests or tokens per minute. It passes on its own.",
    fixes: [{ text: "Wait a minute and retry; see your limits at https://console.x.ai" }],
  },
  upstream_unavailable: {
    severity: "error", exitCode: EXIT.upstream, title: "xAI is failing right now",
    explanation: "xAI answered with a server error, a page that is not its API, or an error inside an HTTP 200 answer (e.g. the model is at capacity). This is on xAI's side.",
    fixes: [{ text: "Retry later and check https://status.x.ai" }],
  },
  answer_incomplete: {
    severity: "error", exitCode: EXIT.upstream, title: "xAI accepted the request but gave no complete answer",
    explanation: "The inference request got HTTP 200, but the response did not end with status \"completed\" and non-empty output text (it was incomplete, or the output was empty), so a working answer is not proven. The login was accepted.",
    fixes: [{ text: "Retry in a minute; if it persists, check https://status.x.ai or test another model with --model" }],
  },
  timed_out: {
    // diagnose.ts derives the title from the records: which check ran out of time, and whether
    // anything was sent to xAI (an offline run that hits --timeout must not blame xAI).
    severity: "error", exitCode: EXIT.upstream, title: "The run ran out of time",
    explanation: "A check did not finish before its deadline or the run's --timeout.",
    fixes: [{ text: "Retry, or give the run more time with --timeout <ms>; check https://status.x.ai" }],
  },
  selected_ok: {
    severity: "ok", exitCode: EXIT.ok, title: "The selected checks passed",
    explanation: "Only the checks chosen with --only (and their dependencies) ran, and none of them failed. The layers not asked for were not checked, so this is not a verdict on the whole login.",
    fixes: [{ text: "Run without --only for the full diagnosis", command: "hermes-doctor xai" }],
  },
  unverified: {
    severity: "warning", exitCode: EXIT.unverified, title: "No verdict could be reached",
    explanation: "Some checks could not run or did not finish, so the doctor cannot say what is wrong (or that nothing is).",
    fixes: [{ text: "Run again with --verbose and look at the checks marked ✗ or ○" }],
  },
};

export function isVerdictCode(code: string | undefined): code is VerdictCode {
  return code !== undefined && (VERDICT_CODES as readonly string[]).includes(code);
}

// ---------------------------------------------------------------------------------------------
// `hermes-doctor triage` (docs/triage.md): the codes a pasted text can prove. The live verdicts
// above are reused with their texts; the rest are verdicts only a paste reaches (a live run reports
// them as a check finding, or cannot see them at all). `bad_request` is the one code added beyond
// issue 7's list; docs/verdicts.md says why.

export const TRIAGE_CODES = [
  "entitlement_denied", "token_rejected", "session_revoked", "session_quarantined", "spending_limit",
  "usage_exhausted", "rate_limited", "model_unavailable", "route_not_found", "upstream_unavailable",
  "network_unreachable", "tls_untrusted", "clock_skew", "timed_out", "not_logged_in", "state_invalid",
  "store_corrupt", "store_unreadable", "api_key_invalid", "provider_preempted", "lock_timeout",
  "login_failed", "client_outdated", "content_refused", "bad_request", "healthy", "unknown",
] as const;

export type TriageCode = (typeof TRIAGE_CODES)[number];
export type TriageOnlyCode = Exclude<TriageCode, VerdictCode>;
export type TriageVerdictInfo = Pick<VerdictInfo, "title" | "explanation" | "fixes">;

const DOCTOR_RUN: Fix = { text: "Run the doctor on the affected machine and paste its Markdown report", command: "hermes-doctor xai --format markdown" };

export const TRIAGE_ONLY_VERDICTS: Record<TriageOnlyCode, TriageVerdictInfo> = {
  route_not_found: {
    title: "The request went to a URL xAI's API does not have",
    explanation: "xAI answered \"No handler found on route\": the base URL is wrong (a missing or doubled /v1), not the login.",
    fixes: [{ text: "Check HERMES_XAI_BASE_URL / XAI_BASE_URL and model.base_url: the API base is https://api.x.ai/v1" }],
  },
  api_key_invalid: {
    title: "xAI does not accept the API key",
    explanation: "The request carried an xAI API key (XAI_API_KEY) that xAI does not recognise; the OAuth login is not involved.",
    fixes: [{ text: "Replace XAI_API_KEY in ~/.hermes/.env with a key from https://console.x.ai, or remove it to use the OAuth login" }],
  },
  provider_preempted: {
    title: "XAI_API_KEY made Hermes skip the OAuth login",
    explanation: "Hermes found XAI_API_KEY and resolved the provider to `xai` (API key) instead of the logged-in `xai-oauth`, so the OAuth login was never used.",
    fixes: [{ text: "Unset XAI_API_KEY (environment and ~/.hermes/.env), or set `model.provider: xai-oauth` in config.yaml" }],
  },
  lock_timeout: {
    title: "Hermes timed out waiting for its auth store lock",
    explanation: "Another Hermes process (a gateway, a second terminal) held auth.lock for longer than Hermes waits (15 s, 25 s on the xAI refresh path). The login itself may be fine.",
    fixes: [{ text: "Let the other Hermes process finish or stop it, then retry; the lock is released when its holder exits" }],
  },
  login_failed: {
    title: "The xAI sign-in did not complete",
    explanation: "The OAuth login flow itself failed (state mismatch, callback or device-code timeout, PKCE, scope or client refused), so no tokens were saved.",
    fixes: [{ text: "Update Hermes, then sign in again with the device-code flow", command: "hermes auth add xai-oauth" }],
  },
  client_outdated: {
    title: "Grok's CLI chat proxy refused the client version",
    explanation: "cli-chat-proxy.grok.com answered 426: the request's x-grok-client-version is missing or older than the proxy accepts. The login is not the problem.",
    fixes: [{ text: "Update the client that talks to the proxy (`grok update` for the Grok CLI; update Hermes or the plugin that sends it)" }],
  },
  content_refused: {
    title: "xAI's safety check refused this request's content",
    explanation: "xAI answered \"Content violates usage guidelines\" with the check that failed. The login and the account are fine; other requests go through.",
    fixes: [{ text: "Change or drop the refused content; if the refusal is wrong, quote the failed check to xAI support" }],
  },
  bad_request: {
    title: "xAI rejected the request itself as malformed",
    explanation: "xAI refused a parameter or the request's shape (for example an argument the model does not support). The login and the account are fine; the request Hermes built is not.",
    fixes: [{ text: "Pick a model that supports the request (`hermes model`) or update Hermes; quote xAI's message in a Hermes issue" }],
  },
  unknown: {
    title: "The text does not prove what is wrong",
    explanation: "Nothing in it is decisive: no xAI answer, Hermes error or network failure that explains a failure.",
    fixes: [DOCTOR_RUN],
  },
};

/** Title, explanation and fixes of a triage code: the live verdict's when there is one. */
export function triageVerdictInfo(code: TriageCode): TriageVerdictInfo {
  if (isVerdictCode(code)) {
    const v = VERDICTS[code];
    return { title: v.title, explanation: v.explanation, fixes: v.fixes };
  }
  return TRIAGE_ONLY_VERDICTS[code];
}
