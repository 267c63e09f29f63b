// Shared glue for the network checks: turning a transport failure or an xAI error answer
// into a check outcome with the right finding code and fix. No check formats its own text twice.
import type { CheckOutcome, Fix } from "../src/engine/types.js";
import type { HttpFailure, HttpResponse } from "../src/net/http.js";
import { retryAfterSeconds } from "../src/net/retry-after.js";
import { transportVerdict } from "../src/xai/http-verdicts.js";
import type { ApiErrorClass, SignatureVerdict } from "../src/xai/signatures.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";

const RELOGIN: Fix = { text: "Sign in to xAI again", command: RELOGIN_COMMAND };

/** A request that never got an HTTP answer. */
export function transportOutcome(failed: HttpFailure, what: string): CheckOutcome<never> {
  const f = failed.failure;
  const code = transportVerdict(f);
  const fixes: Fix[] = [];
  if (code === "tls_untrusted") {
    fixes.push({ text: "If a proxy or antivirus inspects TLS, trust its CA: --ca-file <ca.pem> here, NODE_EXTRA_CA_CERTS / SSL_CERT_FILE for Hermes" });
  } else if (code === "network_unreachable") {
    fixes.push({ text: f.viaProxy ? `Check the proxy ${f.viaProxy} (HTTPS_PROXY / NO_PROXY)` : "Check DNS, the connection and any proxy (HTTPS_PROXY / NO_PROXY)" });
  } else {
    fixes.push({ text: "Retry; if it persists check https://status.x.ai, or allow more time with --timeout <ms>" });
  }
  return {
    status: "fail",
    code,
    summary: `${what}: ${f.message}`,
    details: { transport: f.kind, errorCode: f.code, host: f.host, ...(f.viaProxy ? { viaProxy: f.viaProxy } : {}), timings: failed.timings },
    fixes,
  };
}

/** Signature verdicts that are not verdicts of the OAuth path map here; the rest stay unverified. */
const OAUTH_PATH: Partial<Record<SignatureVerdict, string>> = {
  not_logged_in: "token_rejected", // 401 no-credentials while we sent a bearer: xAI did not take it
};

/** An xAI answer that is an error: the finding code comes from the one signature catalogue. */
export function apiErrorOutcome(res: HttpResponse, cls: ApiErrorClass, what: string): CheckOutcome<never> {
  const code = OAUTH_PATH[cls.verdict] ?? cls.verdict;
  const fixes: Fix[] = cls.reloginHelps ? [RELOGIN] : [];
  const retryAfter = retryAfterSeconds(res);
  return {
    status: "fail",
    code,
    summary: `${what}: HTTP ${res.status}${cls.xaiCode ? ` ${cls.xaiCode}` : ""} — ${cls.meaning}${retryAfterText(retryAfter)}`,
    details: {
      httpStatus: res.status,
      ...(retryAfter !== undefined ? { retryAfterSec: retryAfter } : {}),
      ...(cls.xaiCode ? { xaiCode: cls.xaiCode } : {}),
      ...(cls.message ? { xaiMessage: cls.message } : {}),
      signature: cls.signatureId,
      ...(cls.lowConfidence ? { lowConfidence: true } : {}),
      reloginHelps: cls.reloginHelps,
      timings: res.timings,
    },
    ...(fixes.length ? { fixes } : {}),
  };
}

/** " (xAI asks to retry after 2 min)" when the answer carried Retry-After; else "". */
export function retryAfterText(sec: number | undefined): string {
  return sec === undefined ? "" : ` (xAI asks to retry after ${formatSeconds(sec)}: Retry-After)`;
}

/** Short human duration for clock skew and such. */
export function formatSeconds(sec: number): string {
  const s = Math.abs(Math.round(sec));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Epoch seconds as ISO-8601, or the number as text when no Date can hold it (a corrupt 1e300). */
export function isoFromEpochSeconds(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : String(sec);
}
