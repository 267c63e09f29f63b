// The shapes Hermes writes (unknown keys are fine: Hermes adds fields over time), as TS types and
// as runtime checks that load no schema library (./shape.ts). Sources (NousResearch/hermes-agent):
// hermes_cli/auth.py (@ 00067189) store layout; hermes_cli/auth_xai.py (@ 05451959)
// `_save_xai_oauth_tokens`, `_quarantine_xai_oauth_tokens`; agent/credential_pool.py (@ 0056d634)
// `PooledCredential.to_dict`.
import {
  array, boolean, check, int, looseObject, nullable, number, record, string, union, unknown,
  type Checked, type SchemaIssue,
} from "./shape.js";

export type { Checked, SchemaIssue };

type OptStr = string | null | undefined;
/** Epoch seconds (float) or an ISO string: Hermes parses both (`_parse_absolute_timestamp`). */
type Timestamp = number | string | null | undefined;

const optStr = nullable(string);
const timestamp = nullable(union(number, string));

/** Top-level keys Hermes writes today, plus the legacy `systems` layout it migrates. */
export const KNOWN_TOP_LEVEL_KEYS = [
  "version", "providers", "active_provider", "credential_pool", "suppressed_sources", "updated_at", "systems",
] as const;

export interface AuthStore {
  version?: number;
  providers?: Record<string, unknown>;
  active_provider?: OptStr;
  credential_pool?: Record<string, unknown>;
  /** provider -> [source, ...]; an older dict form is migrated by Hermes. */
  suppressed_sources?: Record<string, string[] | Record<string, unknown>>;
  updated_at?: string;
  [key: string]: unknown;
}

const authStore = looseObject({
  version: int,
  providers: record(unknown),
  active_provider: optStr,
  credential_pool: record(unknown),
  suppressed_sources: record(union(array(string), record(unknown))),
  updated_at: string,
});

export interface XaiTokens {
  access_token?: OptStr;
  refresh_token?: OptStr;
  id_token?: OptStr;
  expires_in?: number | null;
  token_type?: OptStr;
  [key: string]: unknown;
}

const xaiTokens = looseObject({
  access_token: optStr,
  refresh_token: optStr,
  id_token: optStr,
  expires_in: nullable(number),
  token_type: optStr,
});

export interface LastAuthError {
  provider?: OptStr;
  code?: string | number | null;
  message?: OptStr;
  reason?: OptStr;
  relogin_required?: boolean | null;
  at?: OptStr;
  [key: string]: unknown;
}

const lastAuthError = looseObject({
  provider: optStr,
  code: nullable(union(string, number)),
  message: optStr,
  reason: optStr,
  relogin_required: nullable(boolean),
  at: optStr,
});

/** providers["xai-oauth"]: the singleton login. */
export interface XaiProviderState {
  tokens?: XaiTokens;
  last_refresh?: OptStr;
  /** "oauth_device_code" now, "oauth_pkce" for legacy loopback logins. */
  auth_mode?: OptStr;
  discovery?: { authorization_endpoint?: OptStr; token_endpoint?: OptStr; [key: string]: unknown } | null;
  /** Legacy loopback logins only. */
  redirect_uri?: OptStr;
  last_auth_error?: LastAuthError | null;
  [key: string]: unknown;
}

const xaiProviderState = looseObject({
  tokens: xaiTokens,
  last_refresh: optStr,
  auth_mode: optStr,
  discovery: nullable(looseObject({ authorization_endpoint: optStr, token_endpoint: optStr })),
  redirect_uri: optStr,
  last_auth_error: nullable(lastAuthError),
});

/** credential_pool["xai-oauth"][n]. */
export interface PoolEntry {
  id?: OptStr;
  label?: OptStr;
  auth_type?: OptStr;
  priority?: number | null;
  /** device_code | manual:device_code | legacy loopback_pkce / manual:xai_pkce */
  source?: OptStr;
  access_token?: OptStr;
  refresh_token?: OptStr;
  base_url?: OptStr;
  last_refresh?: OptStr;
  request_count?: number | null;
  /** null | ok | exhausted | dead */
  last_status?: OptStr;
  last_status_at?: Timestamp;
  last_error_code?: number | null;
  last_error_reason?: OptStr;
  last_error_message?: OptStr;
  last_error_reset_at?: Timestamp;
  [key: string]: unknown;
}

const poolEntry = looseObject({
  id: optStr,
  label: optStr,
  auth_type: optStr,
  priority: nullable(int),
  source: optStr,
  access_token: optStr,
  refresh_token: optStr,
  base_url: optStr,
  last_refresh: optStr,
  request_count: nullable(int),
  last_status: optStr,
  last_status_at: timestamp,
  last_error_code: nullable(int),
  last_error_reason: optStr,
  last_error_message: optStr,
  last_error_reset_at: timestamp,
});

/** The whole store's top-level fields; `prefix` starts every issue path. */
export const checkAuthStore = (v: unknown, prefix = ""): Checked<AuthStore> => check(authStore, v, prefix);
export const checkXaiProviderState = (v: unknown, prefix = ""): Checked<XaiProviderState> => check(xaiProviderState, v, prefix);
export const checkXaiPool = (v: unknown, prefix = ""): Checked<PoolEntry[]> => check(array(poolEntry), v, prefix);

/** Top-level keys Hermes does not know (they survive Hermes' saves, but are worth a word). */
export function unknownTopLevelKeys(store: Record<string, unknown>): string[] {
  const known = new Set<string>(KNOWN_TOP_LEVEL_KEYS);
  return Object.keys(store).filter((k) => !known.has(k));
}
