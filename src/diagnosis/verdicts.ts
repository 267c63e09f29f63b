// The verdict catalogue: stable codes, what they mean, the default fix and the exit code.
// Documented in docs/verdicts.md (and the exit codes in README.md); both are a public contract.
import type { Fix } from "../engine/types.js";

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
export const API_KEY_PATH: Fix = {
  text: "Use an xAI API key instead: create one at https://console.x.ai, put XAI_API_KEY=xai-... in ~/.hermes/.env and set `model.provider: xai` in config.yaml (or choose \"xAI\" in `hermes model`)",
};
const USAGE_PAGE: Fix = { text: "See what your subscription allows and what is used at https://grok.com/?_s=usage" };

/** Exit codes, identical in every output format (README.md, docs/verdicts.md). */
export const EXIT = {
  ok: 0,
  unverified: 1,
  usage: 2,
  internal: 3,
  store: 10,
  session: 11,
  entitlement: 12,
  network: 13,
  upstream: 14,
} as const;

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
    explanation: "xAI answered with a server error or a page that is not its API. This is on xAI's side.",
    fixes: [{ text: "Retry later and check https://status.x.ai" }],
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
