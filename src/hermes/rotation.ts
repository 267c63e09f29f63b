// Applying a refresh to auth.json the way Hermes does (hermes_cli/auth_xai.py
// _save_xai_oauth_tokens; agent/credential_pool.py write-through): the singleton's tokens and
// last_refresh, and every credential_pool["xai-oauth"] row that held the old refresh token.
// Nothing else in the store changes — on purpose, as the refresh policy promises: unlike a full
// Hermes save we leave top-level updated_at and the stored discovery alone. Pure functions.
import { isDict } from "./json.js";
import { XAI_PROVIDER_ID } from "../xai/constants.js";
import type { TokenResponse } from "../xai/oauth.js";


type Json = Record<string, unknown>;

/** Python's datetime.isoformat() with a Z, as Hermes writes last_refresh: 2026-06-26T15:13:58.688002Z. */
export function hermesTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export interface GrantPair {
  accessToken?: string;
  refreshToken?: string;
}

/** Where a refresh token lives in the store: the singleton and/or pool rows (by id). */
export interface GrantLocation {
  singleton: boolean;
  poolRowIds: string[];
}

export function locateRefreshToken(store: unknown, refreshToken: string): GrantLocation {
  const loc: GrantLocation = { singleton: false, poolRowIds: [] };
  if (!isDict(store)) return loc;
  const state = isDict(store.providers) ? store.providers[XAI_PROVIDER_ID] : undefined;
  if (isDict(state) && isDict(state.tokens) && state.tokens.refresh_token === refreshToken) loc.singleton = true;
  const rows = isDict(store.credential_pool) ? store.credential_pool[XAI_PROVIDER_ID] : undefined;
  if (Array.isArray(rows)) {
    rows.forEach((row, i) => {
      if (isDict(row) && row.refresh_token === refreshToken) loc.poolRowIds.push(typeof row.id === "string" ? row.id : `#${i}`);
    });
  }
  return loc;
}

export const isLocated = (loc: GrantLocation) => loc.singleton || loc.poolRowIds.length > 0;

/**
 * The pair now stored in the slot our credential came from (a pool row id, or the singleton):
 * after another process rotated the grant, this is what Hermes would use next.
 */
export function currentPair(store: unknown, slot: { poolRowId?: string }): GrantPair | undefined {
  if (!isDict(store)) return undefined;
  if (slot.poolRowId) {
    const rows = isDict(store.credential_pool) ? store.credential_pool[XAI_PROVIDER_ID] : undefined;
    const row = Array.isArray(rows) ? rows.find((r) => isDict(r) && r.id === slot.poolRowId) : undefined;
    if (!isDict(row)) return undefined;
    return { accessToken: str(row.access_token), refreshToken: str(row.refresh_token) };
  }
  const state = isDict(store.providers) ? store.providers[XAI_PROVIDER_ID] : undefined;
  if (!isDict(state) || !isDict(state.tokens)) return undefined;
  return { accessToken: str(state.tokens.access_token), refreshToken: str(state.tokens.refresh_token) };
}

/** Mutates `store`: writes the rotated pair wherever the old refresh token was. Returns the places updated. */
export function applyRotation(store: Json, oldRefreshToken: string, tokens: TokenResponse, nowMs: number): string[] {
  const newRefresh = tokens.refresh_token ?? oldRefreshToken; // Hermes keeps the old one when none comes back
  const stamp = hermesTimestamp(nowMs);
  const updated: string[] = [];
  const state = isDict(store.providers) ? store.providers[XAI_PROVIDER_ID] : undefined;
  if (isDict(state) && isDict(state.tokens) && state.tokens.refresh_token === oldRefreshToken) {
    const t = state.tokens;
    t.access_token = tokens.access_token;
    t.refresh_token = newRefresh;
    if (tokens.id_token !== undefined) t.id_token = tokens.id_token;
    if (tokens.expires_in !== undefined) t.expires_in = tokens.expires_in;
    if (tokens.token_type !== undefined) t.token_type = tokens.token_type;
    state.last_refresh = stamp;
    updated.push(`providers.${XAI_PROVIDER_ID}`);
  }
  const rows = isDict(store.credential_pool) ? store.credential_pool[XAI_PROVIDER_ID] : undefined;
  if (Array.isArray(rows)) {
    rows.forEach((row, i) => {
      if (!isDict(row) || row.refresh_token !== oldRefreshToken) return;
      row.access_token = tokens.access_token;
      row.refresh_token = newRefresh;
      row.last_refresh = stamp;
      updated.push(`credential_pool.${XAI_PROVIDER_ID}[${typeof row.id === "string" ? row.id : i}]`);
    });
  }
  return updated;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
