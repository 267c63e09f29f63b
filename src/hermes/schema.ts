// The shapes Hermes writes, as loose zod objects (unknown keys are fine: Hermes adds fields over
// time). Sources (NousResearch/hermes-agent): hermes_cli/auth.py (@ 00067189) store layout;
// hermes_cli/auth_xai.py (@ 05451959) `_save_xai_oauth_tokens`, `_quarantine_xai_oauth_tokens`;
// agent/credential_pool.py (@ 0056d634) `PooledCredential.to_dict`. See shared/reference §1.
import { z } from "zod";

const optStr = z.string().nullable().optional();
/** Epoch seconds (float) or an ISO string: Hermes parses both (`_parse_absolute_timestamp`). */
const timestamp = z.union([z.number(), z.string()]).nullable().optional();

/** Top-level keys Hermes writes today, plus the legacy `systems` layout it migrates. */
export const KNOWN_TOP_LEVEL_KEYS = [
  "version", "providers", "active_provider", "credential_pool", "suppressed_sources", "updated_at", "systems",
] as const;

export const AuthStoreSchema = z.looseObject({
  version: z.number().int().optional(),
  providers: z.record(z.string(), z.unknown()).optional(),
  active_provider: z.string().nullable().optional(),
  credential_pool: z.record(z.string(), z.unknown()).optional(),
  // provider -> [source, ...]; an older dict form is migrated by Hermes.
  suppressed_sources: z.record(z.string(), z.union([z.array(z.string()), z.record(z.string(), z.unknown())])).optional(),
  updated_at: z.string().optional(),
});
export type AuthStore = z.infer<typeof AuthStoreSchema>;

export const XaiTokensSchema = z.looseObject({
  access_token: optStr,
  refresh_token: optStr,
  id_token: optStr,
  expires_in: z.number().nullable().optional(),
  token_type: optStr,
});

export const LastAuthErrorSchema = z.looseObject({
  provider: optStr,
  code: z.union([z.string(), z.number()]).nullable().optional(),
  message: optStr,
  reason: optStr,
  relogin_required: z.boolean().nullable().optional(),
  at: optStr,
});

/** providers["xai-oauth"]: the singleton login. */
export const XaiProviderStateSchema = z.looseObject({
  tokens: XaiTokensSchema.optional(),
  last_refresh: optStr,
  /** "oauth_device_code" now, "oauth_pkce" for legacy loopback logins. */
  auth_mode: optStr,
  discovery: z.looseObject({
    authorization_endpoint: optStr,
    token_endpoint: optStr,
  }).nullable().optional(),
  /** Legacy loopback logins only. */
  redirect_uri: optStr,
  last_auth_error: LastAuthErrorSchema.nullable().optional(),
});
export type XaiProviderState = z.infer<typeof XaiProviderStateSchema>;

/** credential_pool["xai-oauth"][n]. */
export const PoolEntrySchema = z.looseObject({
  id: optStr,
  label: optStr,
  auth_type: optStr,
  priority: z.number().int().nullable().optional(),
  /** device_code | manual:device_code | legacy loopback_pkce / manual:xai_pkce */
  source: optStr,
  access_token: optStr,
  refresh_token: optStr,
  base_url: optStr,
  last_refresh: optStr,
  request_count: z.number().int().nullable().optional(),
  /** null | ok | exhausted | dead */
  last_status: optStr,
  last_status_at: timestamp,
  last_error_code: z.number().int().nullable().optional(),
  last_error_reason: optStr,
  last_error_message: optStr,
  last_error_reset_at: timestamp,
});
export type PoolEntry = z.infer<typeof PoolEntrySchema>;

export const XaiPoolSchema = z.array(PoolEntrySchema);

/** A zod issue as a report may show it: path and message, never the offending value. */
export interface SchemaIssue {
  path: string;
  message: string;
}

export function issuesOf(error: z.ZodError, prefix = ""): SchemaIssue[] {
  return error.issues.map((i) => ({
    path: prefix + i.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, prefix ? "." : ""),
    // zod 4 does not include input values in messages unless reportInput is set.
    message: i.message,
  }));
}

/** Top-level keys Hermes does not know (they survive Hermes' saves, but are worth a word). */
export function unknownTopLevelKeys(store: Record<string, unknown>): string[] {
  const known = new Set<string>(KNOWN_TOP_LEVEL_KEYS);
  return Object.keys(store).filter((k) => !known.has(k));
}
