// The token refresh, under the policy "never do what Hermes would not do next anyway":
// a fresh token is left alone (unless --refresh); a due or expired one is refreshed exactly
// as Hermes would — under Hermes' auth.lock, re-reading the store first, adopting a pair another
// process already rotated, then writing atomically. --read-only and CI never refresh or write.
// Facts: NousResearch/hermes-agent hermes_cli/auth_xai.py @ 05451959f1b51d91eae2c9d9ff9aa1baba03e76d
// and agent/credential_pool.py @ 0056d6341264483d080f5a0475ab8c44de187bfc.
import type { CheckOutcome } from "../src/engine/types.js";
import type { DoctorCheck, DoctorContext } from "./context.js";
import { fingerprint } from "../src/engine/secrets.js";
import type { CredentialData } from "../src/hermes/credentials.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { DiscoveryData } from "./login-discovery.js";
import type { ClockData } from "./net-clock.js";
import { jwtExp } from "../src/xai/jwt.js";
import { humanRemaining, refreshDecision } from "../src/xai/refresh-policy.js";
import { validateEndpoint } from "../src/xai/endpoints.js";
import { parseTokenResponse, refreshGrant, type TokenResponse } from "../src/xai/oauth.js";
import type { HttpFailure, HttpResponse } from "../src/net/http.js";
import { classifyRefreshResponse, type ApiErrorClass } from "../src/xai/signatures.js";
import { AuthLockTimeoutError, AuthLockUnavailableError, XAI_REFRESH_LOCK_TIMEOUT_MS, withAuthLock, type LockHolder } from "../src/hermes/lock.js";
import { parseStoreText, readStoreFile, secretValuesIn } from "../src/hermes/auth-store.js";
import { prepareAtomicWrite, type PreparedWrite } from "../src/hermes/atomic-write.js";
import { criticalSection } from "../src/engine/critical.js";
import { applyRotation, currentPair, isLocated, locateRefreshToken } from "../src/hermes/rotation.js";
import { apiErrorOutcome, transportOutcome } from "./support.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";

export interface RefreshData {
  /** The access token to use from here on (refreshed, adopted, or the stored one). */
  accessToken: string;
  refreshed: boolean;
}

/** Never start a refresh with less than this left before the deadline. */
const MIN_REFRESH_MS = 5_000;

export const loginRefresh: DoctorCheck<RefreshData> = {
  id: "login.refresh",
  title: "Token refresh",
  layer: "login",
  description: "Refreshes the token only when Hermes would (expired or inside its refresh window) or with --refresh; under Hermes' lock, saving the rotated refresh token. Never under --read-only or CI.",
  dependsOn: ["xai.credential", "net.endpoints", "login.discovery", "net.clock"],
  timeoutMs: 40_000,
  async run(ctx) {
    const { options } = ctx.services;
    const cred = ctx.data<CredentialData>("xai.credential")!;
    // "Due" is decided on this machine's clock, as Hermes decides it; xAI's clock is reported.
    const nowSec = ctx.services.now() / 1000;
    const skewMs = ctx.data<ClockData>("net.clock")?.skewMs ?? 0;
    const decision = refreshDecision(jwtExp(cred.accessToken), nowSec);
    const expiredForXai = refreshDecision(jwtExp(cred.accessToken), nowSec + skewMs / 1000).expired;
    const wanted = options.refresh || decision.due || !cred.accessToken;
    const left = decision.remainingSec !== undefined ? humanRemaining(decision.remainingSec) : "no expiry claim";

    if (!wanted) {
      return {
        status: "pass",
        summary: `access token fresh (${left}); not refreshed — Hermes would not either (use --refresh to test it)`,
        details: { refreshed: false, reason: decision.reason, ...(expiredForXai ? { expiredByXaiClock: true } : {}) },
        data: { accessToken: cred.accessToken!, refreshed: false },
      };
    }
    if (!cred.refreshToken) {
      return {
        status: "fail",
        code: "state_invalid",
        summary: "the token needs a refresh but no refresh token is stored (Hermes: xai_auth_missing_refresh_token)",
        fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }],
      };
    }
    if (options.readOnly) return notRefreshed(ctx, cred, decision.expired, left);

    const tokenEndpoint = chooseTokenEndpoint(ctx, cred);
    if (!tokenEndpoint.ok) return { status: "fail", code: tokenEndpoint.code, summary: tokenEndpoint.message, ...(tokenEndpoint.details ? { details: tokenEndpoint.details } : {}) };

    try {
      const lockWait = Math.max(0, Math.min(XAI_REFRESH_LOCK_TIMEOUT_MS, ctx.deadline - ctx.services.now() - MIN_REFRESH_MS));
      return await withAuthLock(cred.storePath, { timeoutMs: lockWait, env: ctx.services.env, signal: ctx.signal }, (lock) =>
        refreshLocked(ctx, cred, tokenEndpoint.url, nowSec, lock.holder));
    } catch (err) {
      if (err instanceof AuthLockTimeoutError || err instanceof AuthLockUnavailableError) {
        const usable = cred.accessToken && !decision.expired;
        return {
          status: usable ? "warn" : "error",
          code: "lock_unavailable",
          summary: `not refreshed: ${err.message}`,
          ...(usable ? { data: { accessToken: cred.accessToken!, refreshed: false } } : {}),
        };
      }
      throw err;
    }
  },
};

function notRefreshed(ctx: DoctorContext, cred: CredentialData, expired: boolean, left: string): CheckOutcome<RefreshData> {
  const why = ctx.services.options.readOnlyReason === "ci" ? "CI is set (implies --read-only)" : "--read-only";
  const details = {
    refreshed: false,
    why,
    note: "xAI refresh tokens are single-use: a refresh rotates them. A refresh token kept in a CI secret dies at the first rotation, so CI runs never refresh unless --refresh is given.",
  };
  if (cred.accessToken && !expired) {
    return {
      status: "pass",
      summary: `token due for refresh (${left}); Hermes will refresh it on its next request — not refreshed here (${why})`,
      details,
      data: { accessToken: cred.accessToken, refreshed: false },
    };
  }
  return {
    status: "skip",
    code: "refresh_not_tested",
    summary: `access token ${cred.accessToken ? `expired (${left})` : "missing"}; Hermes will refresh it on its next request — not tested here (${why}), so the login cannot be verified`,
    details,
    fixes: [{ text: "Run once without --read-only (outside CI) to test the refresh and save the rotated token", command: "hermes-doctor xai" }],
  };
}

/**
 * Hermes uses the stored discovery token_endpoint, else fresh discovery (so a discovery outage
 * does not stop a refresh when one is stored); an issuer override always uses its own discovery.
 */
function chooseTokenEndpoint(ctx: DoctorContext, cred: CredentialData): { ok: true; url: string } | { ok: false; code: string; message: string; details?: Record<string, unknown> } {
  const endpoints = ctx.data<EndpointsData>("net.endpoints")!;
  const { tokenEndpoint: discovered, failure } = ctx.data<DiscoveryData>("login.discovery")!;
  if (!endpoints.issuerOverridden && cred.tokenEndpoint) {
    const v = validateEndpoint(cred.tokenEndpoint, { overridden: false, field: "token_endpoint" });
    return v.ok ? { ok: true, url: cred.tokenEndpoint } : { ok: false, code: "discovery_invalid", message: v.message };
  }
  if (discovered) return { ok: true, url: discovered };
  // The discovery answer decides the verdict: a 429 is xAI rate limiting, anything else upstream trouble.
  return {
    ok: false,
    code: failure?.code ?? "upstream_unavailable",
    message: `no token endpoint: none is stored and OIDC discovery failed${failure ? ` with HTTP ${failure.httpStatus}` : ""} (see login.discovery)`,
    ...(failure ? { details: { discoveryStatus: failure.httpStatus, ...(failure.retryAfterSec !== undefined ? { retryAfterSec: failure.retryAfterSec } : {}) } } : {}),
  };
}

/** What came of the refresh request, decided inside the critical section. */
type Answer =
  | { kind: "transport"; res: HttpFailure }
  | { kind: "refused"; res: HttpResponse; cls: ApiErrorClass }
  | { kind: "no_token"; res: HttpResponse }
  | { kind: "saved"; tokens: TokenResponse; places: string[] }
  | { kind: "write_failed"; tokens: TokenResponse; err: unknown };

async function refreshLocked(ctx: DoctorContext, cred: CredentialData, tokenEndpoint: string, nowSec: number, lockHolder: LockHolder): Promise<CheckOutcome<RefreshData>> {
  const { secrets } = ctx.services;
  // Re-read under the lock: another process may have rotated the grant since we looked.
  const read = await readStoreFile(cred.storePath);
  const parsed = read.kind === "ok" ? parseStoreText(read.text) : undefined;
  if (!parsed?.ok) {
    return { status: "fail", code: "store_corrupt", summary: `${cred.storePath} changed while waiting for the lock and can no longer be read as a store; nothing was refreshed or written` };
  }
  const store = parsed.store;
  for (const v of secretValuesIn(store)) secrets.add(v);
  let refreshToken = cred.refreshToken!;
  if (!isLocated(locateRefreshToken(store, refreshToken))) {
    const now = currentPair(store, { poolRowId: cred.poolRowId });
    secrets.add(now?.accessToken);
    secrets.add(now?.refreshToken);
    if (now?.accessToken && !ctx.services.options.refresh && !refreshDecision(jwtExp(now.accessToken), nowSec).due) {
      return {
        status: "pass",
        summary: "another process already rotated the token; adopted the stored pair instead of refreshing again",
        details: { refreshed: false, adopted: true },
        data: { accessToken: now.accessToken, refreshed: false },
      };
    }
    if (!now?.refreshToken) {
      return { status: "fail", code: "session_quarantined", summary: "the stored login disappeared while waiting for the lock (logged out or quarantined by Hermes)", fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }] };
    }
    refreshToken = now.refreshToken;
  }

  // A refresh cut off by the deadline may already have rotated the token at xAI: only start one
  // with time to finish (Hermes' own minimum refresh timeout is 5 s, auth_xai.py).
  const left = ctx.deadline - ctx.services.now();
  if (left < MIN_REFRESH_MS) {
    return {
      status: "skip",
      code: "refresh_not_tested",
      summary: `not refreshed: only ${Math.max(0, Math.round(left))} ms left before the deadline, too little to refresh a single-use token safely`,
      fixes: [{ text: "Allow more time", command: "hermes-doctor xai --timeout 30000" }],
    };
  }
  // --all-profiles: a grant already refreshed for another store in this invocation is spent here
  // (single-use rotation); sending it again would only earn invalid_grant, so it is not sent.
  const shared = ctx.services.shared;
  const firstBy = shared?.run.claim(`refresh ${fingerprint(refreshToken)}`, shared.runLabel);
  if (firstBy !== undefined) {
    return {
      status: "fail",
      code: "session_revoked",
      summary: `not refreshed: this store holds a copy of the grant refreshed for ${firstBy} earlier in this run; xAI refresh tokens are single-use, so this copy is now spent (a forked grant, see token.forks)`,
      details: { refreshed: false, spentBy: firstBy },
      fixes: [{ text: "Sign in again here, or remove this copy so the profile falls back to the root store", command: RELOGIN_COMMAND }],
    };
  }
  // Everything that does not need the answer happens before the request: the HTTP client, where
  // the store really is and which mode it keeps. From the request on, the single-use token may be
  // spent, so that stretch is a critical section (a signal or the runner's hard stop waits for it)
  // and the answer's first stop is the fsynced temp file: nothing else runs before it is saved.
  const http = await ctx.services.http();
  let prepared: PreparedWrite;
  try {
    prepared = await prepareAtomicWrite(cred.storePath);
  } catch (err) {
    return { status: "error", code: "store_write_failed", summary: `not refreshed: auth.json could not be prepared for writing (${err instanceof Error ? err.message : String(err)})` };
  }
  const saved = await criticalSection(async (): Promise<Answer> => {
    const res = await refreshGrant(http, tokenEndpoint, refreshToken, ctx.signal);
    if (!res.ok) return { kind: "transport", res };
    const cls = classifyRefreshResponse(res.status, res.text);
    if (cls) return { kind: "refused", res, cls };
    const tokens = parseTokenResponse(res.json);
    if (!tokens) return { kind: "no_token", res };
    const places = applyRotation(store, refreshToken, tokens, ctx.services.now());
    try {
      await prepared.write(JSON.stringify(store, null, 2));
      return { kind: "saved", tokens, places };
    } catch (err) {
      return { kind: "write_failed", tokens, err };
    }
  });
  if (saved.kind === "transport") {
    const out = transportOutcome(saved.res, "token refresh failed");
    const sent = ["headers_timeout", "body_timeout", "timeout", "aborted", "reset"].includes(saved.res.failure.kind);
    return sent
      ? { ...out, summary: `${out.summary}; the request may have reached xAI, in which case the stored refresh token is now spent (sign in again if Hermes then fails)` }
      : out;
  }
  if (saved.kind === "refused") return apiErrorOutcome(saved.res, saved.cls, "token refresh refused");
  if (saved.kind === "no_token") return { status: "fail", code: "upstream_unavailable", summary: `token refresh answered HTTP ${saved.res.status} without an access token`, details: { httpStatus: saved.res.status } };
  const { tokens } = saved;
  secrets.add(tokens.access_token);
  secrets.add(tokens.refresh_token);
  secrets.add(tokens.id_token);
  if (saved.kind === "write_failed") {
    // The old refresh token is already dead: say so plainly, this login is now lost.
    return {
      status: "error",
      code: "store_write_failed",
      summary: `refreshed, but saving the rotated token failed (${saved.err instanceof Error ? saved.err.message : String(saved.err)}); the old refresh token is spent`,
      fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }],
    };
  }
  const { places } = saved;
  return {
    status: "pass",
    summary: `refreshed; the rotated refresh token was saved (${places.join(", ")})`,
    details: { refreshed: true, updated: places, rotated: tokens.refresh_token !== undefined && tokens.refresh_token !== refreshToken, lock: lockHolder },
    data: { accessToken: tokens.access_token, refreshed: true },
  };
}
