// token.expiry: time left on the access token and whether Hermes would refresh it now
// (src/xai/refresh-policy.ts mirrors hermes_cli/auth_xai.py @ 05451959).
import type { DoctorCheck } from "./context.js";
import { isoFromEpochSeconds } from "./support.js";
import type { TokenClaimsData } from "./token-claims.js";
import { humanDuration, humanRemaining, refreshDecision } from "../src/xai/refresh-policy.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";

export interface TokenExpiryData {
  exp?: number;
  iat?: number;
  due: boolean;
  expired: boolean;
}

/** iat this far in the future means the local clock (or the issuer's) is off. */
const IAT_FUTURE_TOLERANCE_SEC = 5 * 60;

export const tokenExpiry: DoctorCheck<TokenExpiryData> = {
  id: "token.expiry",
  title: "Access token expiry",
  layer: "token",
  description: "Time left on the access token (from its exp claim) and whether Hermes' refresh rule (1 h skew, 120 s for tokens with 45 min or less) makes it due.",
  dependsOn: ["token.claims"],
  async run(ctx) {
    const claims = ctx.data<TokenClaimsData>("token.claims")!;
    const nowSec = ctx.services.now() / 1000;
    if (!claims.isJwt || claims.exp === undefined) {
      const d = refreshDecision(undefined, nowSec);
      return {
        status: "skip",
        code: "no_exp",
        summary: `No expiry to check: ${d.reason}`,
        data: { due: false, expired: false, ...(claims.iat !== undefined ? { iat: claims.iat } : {}) },
      };
    }
    const { exp, iat } = claims;
    const d = refreshDecision(exp, nowSec);
    const data: TokenExpiryData = { exp, ...(iat !== undefined ? { iat } : {}), due: d.due, expired: d.expired };
    const lifetime = iat !== undefined ? exp - iat : undefined;
    const details: Record<string, unknown> = {
      exp: isoFromEpochSeconds(exp),
      ...(iat !== undefined ? { iat: isoFromEpochSeconds(iat) } : {}),
      remaining: humanRemaining(d.remainingSec!),
      ...(lifetime !== undefined ? { lifetime: humanDuration(lifetime) } : {}),
      refreshSkew: `${d.skewSec} s`,
      refreshDue: d.due,
      rule: d.reason,
      hasRefreshToken: claims.hasRefreshToken,
    };
    const life = lifetime !== undefined ? ` (lifetime ${humanDuration(lifetime)})` : "";

    if (iat !== undefined && iat - nowSec > IAT_FUTURE_TOLERANCE_SEC) {
      return {
        status: "warn",
        code: "token_iat_in_future",
        summary: `The token was issued ${humanDuration(iat - nowSec)} in the future: this machine's clock is probably behind, so expiry judgements here are off`,
        details,
        fixes: [{ text: "Turn on time synchronisation (e.g. `timedatectl set-ntp true`)" }],
        data,
      };
    }
    if (d.expired && !claims.hasRefreshToken) {
      // Hermes: "xAI OAuth is missing refresh_token. Re-authenticate" (xai_auth_missing_refresh_token).
      return {
        status: "fail",
        code: "state_invalid",
        summary: `Access token ${humanRemaining(d.remainingSec!)}${life} and there is no refresh token: this login cannot work again`,
        details,
        fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }],
        data,
      };
    }
    if (d.expired) {
      return {
        status: "warn",
        code: "token_expired",
        summary: `Access token ${humanRemaining(d.remainingSec!)}${life}: Hermes will refresh it on the next request`,
        details,
        data,
      };
    }
    if (d.due) {
      return {
        status: "pass",
        code: "token_refresh_due",
        summary: `Access token valid, ${humanRemaining(d.remainingSec!)}${life}: inside Hermes' ${d.skewSec} s refresh window, so Hermes refreshes it on its next request`,
        details,
        data,
      };
    }
    return {
      status: "pass",
      summary: `Access token valid, ${humanRemaining(d.remainingSec!)}${life}; Hermes refreshes it ${d.skewSec >= 3600 ? `${d.skewSec / 60} minutes` : `${d.skewSec} s`} before exp`,
      details,
      data,
    };
  },
};
