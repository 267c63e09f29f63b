// When Hermes refreshes an xAI access token. Mirrors NousResearch/hermes-agent
// hermes_cli/auth_xai.py (@ 05451959) `_xai_proactive_refresh_skew_seconds` and
// `_xai_access_token_is_expiring`; the pool path (agent/credential_pool.py `_entry_needs_refresh`,
// @ 0056d634) uses the same two functions.
import {
  XAI_ACCESS_TOKEN_REFRESH_SKEW_SECONDS,
  XAI_SHORT_TOKEN_REFRESH_SKEW_SECONDS,
  XAI_SHORT_TOKEN_WINDOW_SECONDS,
} from "./constants.js";

export interface RefreshDecision {
  /** Hermes would refresh before (or on) its next request. */
  due: boolean;
  /** exp is at or before now. */
  expired: boolean;
  /** exp - now, when there is an exp. */
  remainingSec?: number;
  /** The skew Hermes applies to this token. */
  skewSec: number;
  reason: string;
}

/** Skew for a token with `remainingSec` left: 120 s for short-lived tokens, else 3600 s. */
export function refreshSkewSeconds(remainingSec: number | undefined): number {
  if (remainingSec === undefined) return XAI_ACCESS_TOKEN_REFRESH_SKEW_SECONDS;
  // Device-code logins may get ~15-minute JWTs; an hour of skew would refresh on every use.
  return remainingSec > 0 && remainingSec <= XAI_SHORT_TOKEN_WINDOW_SECONDS
    ? Math.min(XAI_SHORT_TOKEN_REFRESH_SKEW_SECONDS, XAI_ACCESS_TOKEN_REFRESH_SKEW_SECONDS)
    : XAI_ACCESS_TOKEN_REFRESH_SKEW_SECONDS;
}

/** Hermes' refresh rule for a token whose JWT `exp` is `expSec` (undefined: no exp or not a JWT). */
export function refreshDecision(expSec: number | undefined, nowSec: number): RefreshDecision {
  if (expSec === undefined) {
    return {
      due: false,
      expired: false,
      skewSec: XAI_ACCESS_TOKEN_REFRESH_SKEW_SECONDS,
      reason: "no exp claim: Hermes never considers this token expiring and never refreshes it proactively",
    };
  }
  const remainingSec = expSec - nowSec;
  const skewSec = refreshSkewSeconds(remainingSec);
  const expired = remainingSec <= 0;
  // Hermes: exp <= now + max(0, skew).
  const due = expSec <= nowSec + Math.max(0, skewSec);
  let reason: string;
  if (expired) reason = "expired: Hermes refreshes it before its next request";
  else if (due) {
    reason = skewSec === XAI_SHORT_TOKEN_REFRESH_SKEW_SECONDS
      ? `less than ${skewSec} s left (short-lived token, ${skewSec} s skew): Hermes refreshes it on its next request`
      : `within Hermes' ${skewSec / 60}-minute refresh window: Hermes refreshes it on its next request`;
  } else {
    reason = skewSec === XAI_SHORT_TOKEN_REFRESH_SKEW_SECONDS
      ? `short-lived token (45 min or less left): Hermes refreshes it ${skewSec} s before exp`
      : `fresh: Hermes refreshes it ${skewSec / 60} minutes before exp`;
  }
  return { due, expired, remainingSec, skewSec, reason };
}

/** "5h 12m", "3m 20s", "2d 4h": coarse, for people. */
export function humanDuration(totalSec: number): string {
  const s = Math.max(0, Math.round(Math.abs(totalSec)));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return sec && m < 10 ? `${m}m ${sec}s` : `${m}m`;
  return `${sec}s`;
}

/** "5h 12m left" or "expired 3h ago". */
export function humanRemaining(remainingSec: number): string {
  return remainingSec > 0 ? `${humanDuration(remainingSec)} left` : `expired ${humanDuration(-remainingSec)} ago`;
}
