// Which xAI credential Hermes will actually use. Mirrors NousResearch/hermes-agent
// agent/credential_pool.py (@ 0056d634): load_pool (seed the singleton as a `device_code` row,
// prune borrowed sources such as legacy `loopback_pkce`), _available_entries (dead rows never,
// exhausted rows only after their cooldown) and _select_unlocked (strategies); the profile/root
// fallback rules are hermes_cli/auth.py (@ 00067189) _load_provider_state / read_credential_pool.
import { decodeJwt } from "../xai/jwt.js";
import type { PoolEntry, XaiProviderState } from "./schema.js";

/** The credential Hermes will send, as the xai.credential check exports it. Holds secrets. */
export interface CredentialData {
  accessToken?: string;
  refreshToken?: string;
  idToken?: string;
  source: "pool" | "singleton";
  label?: string;
  poolRowId?: string;
  /** The pool row's own source (device_code, manual:device_code, ...). */
  rowSource?: string;
  /** The auth.json holding these tokens (where a refresh must be written back). */
  storePath: string;
  fromRoot: boolean;
  /** Stored providers["xai-oauth"].discovery.token_endpoint. */
  tokenEndpoint?: string;
  /** The chosen pool row's base_url, if any. */
  baseUrl?: string;
  strategy: string;
}

export type PoolStrategy = "fill_first" | "round_robin" | "random" | "least_used";
export const POOL_STRATEGIES: readonly PoolStrategy[] = ["fill_first", "round_robin", "random", "least_used"];

/** The xAI slice of one or two stores, after Hermes' profile -> root fallback. */
export interface XaiStoreView {
  state?: XaiProviderState;
  /** Where `state` came from. */
  statePath?: string;
  stateFromRoot: boolean;
  pool: PoolEntry[];
  poolPath?: string;
  poolFromRoot: boolean;
  /** suppressed_sources["xai-oauth"] contains "device_code" (`hermes auth remove`). */
  deviceCodeSuppressed: boolean;
}

export interface EffectiveRow {
  /** Index in the stored pool, or undefined for a row Hermes would seed from the singleton. */
  storedIndex?: number;
  id: string;
  label: string;
  priority: number;
  source: string;
  accessToken: string;
  refreshToken?: string;
  lastStatus?: string;
  lastStatusAt?: number;
  lastErrorCode?: number;
  lastErrorReason?: string;
  requestCount: number;
  /** The row's stored base_url (Hermes' last fallback for the inference base). */
  baseUrl?: string;
  /** "seeded": Hermes adds this row from the singleton; "synced": Hermes overwrites its tokens with the singleton's. */
  fromSingleton?: "seeded" | "synced";
  /** Why the pool would skip this row now; undefined when available. */
  unavailable?: string;
  /** For an exhausted row: epoch seconds it re-enters rotation. */
  availableAt?: number;
}

export interface PoolResolution {
  rows: EffectiveRow[];
  /** Stored rows Hermes drops on load (borrowed sources, e.g. legacy loopback_pkce), with their index. */
  pruned: { index: number; source: string; label?: string }[];
  /** Duplicate device_code rows Hermes drops on load. */
  duplicates: number[];
  available: EffectiveRow[];
  selected?: EffectiveRow;
  strategy: PoolStrategy;
}

const EXHAUSTED_TTL_401 = 5 * 60;
const EXHAUSTED_TTL_DEFAULT = 60 * 60;
const EXHAUSTED_TTL_SOLE = 60;

const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));

/** True for sources Hermes owns for xai-oauth (agent/credential_persistence.py _PERSISTABLE_PROVIDER_SOURCES). */
export function isOwnedXaiSource(source: string): boolean {
  const s = source.trim().toLowerCase();
  return s === "" || s === "device_code" || s === "manual" || s.startsWith("manual:") || s.startsWith("env:");
}

/** PooledCredential.label default for seeded rows: the JWT's email / preferred_username / upn. */
export function labelFromToken(token: string, fallback: string): string {
  const d = decodeJwt(token);
  if ("error" in d) return fallback;
  for (const k of ["email", "preferred_username", "upn"]) {
    const v = d.payload[k];
    if (typeof v === "string" && v.trim()) return v.trim();
  }
  return fallback;
}

function parseTimestamp(v: unknown): number | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  if (typeof v === "number") return v <= 0 ? undefined : v > 1e12 ? v / 1000 : v;
  if (typeof v === "string") {
    const n = Number(v.trim());
    if (v.trim() && Number.isFinite(n)) return n > 1e12 ? n / 1000 : n;
    const t = Date.parse(v);
    return Number.isFinite(t) ? t / 1000 : undefined;
  }
  return undefined;
}

function exhaustedTtl(code: number | undefined, sole: boolean, failureReason: unknown): number {
  if (code === 401) return EXHAUSTED_TTL_401;
  const base = EXHAUSTED_TTL_DEFAULT; // 429 and everything else: 1 h
  const billing = code === 402 || failureReason === "billing";
  return sole && !billing ? Math.min(base, EXHAUSTED_TTL_SOLE) : base;
}

function toRow(e: PoolEntry, index: number): EffectiveRow {
  const lastStatusAt = parseTimestamp(e.last_status_at);
  return {
    storedIndex: index,
    id: str(e.id),
    label: str(e.label ?? e.source ?? "xai-oauth"),
    priority: typeof e.priority === "number" ? e.priority : 0,
    source: e.source === undefined ? "manual" : str(e.source),
    accessToken: str(e.access_token),
    ...(e.refresh_token ? { refreshToken: e.refresh_token } : {}),
    ...(e.last_status ? { lastStatus: e.last_status } : {}),
    ...(lastStatusAt !== undefined ? { lastStatusAt } : {}),
    ...(typeof e.last_error_code === "number" ? { lastErrorCode: e.last_error_code } : {}),
    ...(e.last_error_reason ? { lastErrorReason: e.last_error_reason } : {}),
    requestCount: typeof e.request_count === "number" ? e.request_count : 0,
    ...(typeof e.base_url === "string" && e.base_url.trim() ? { baseUrl: e.base_url.trim() } : {}),
  };
}

/**
 * The pool as Hermes sees it after load_pool, with each row's availability at `nowSec` and the
 * row the strategy picks. `random` picks the first available row here (Hermes' choice is random).
 */
export function resolvePool(view: XaiStoreView, nowSec: number, strategy: PoolStrategy = "fill_first"): PoolResolution {
  const pruned: PoolResolution["pruned"] = [];
  let rows: EffectiveRow[] = [];
  view.pool.forEach((e, i) => {
    const row = toRow(e, i);
    if (!isOwnedXaiSource(row.source)) pruned.push({ index: i, source: row.source, ...(e.label ? { label: e.label } : {}) });
    else rows.push(row);
  });

  // _upsert_entry keeps the first row of a source and drops the others.
  const duplicates: number[] = [];
  const singletonAccess = str(view.state?.tokens?.access_token).trim();
  if (singletonAccess && !view.deviceCodeSuppressed) {
    const matches = rows.filter((r) => r.source === "device_code");
    for (const dup of matches.slice(1)) duplicates.push(dup.storedIndex ?? -1);
    rows = rows.filter((r) => r.source !== "device_code" || r === matches[0]);
    const refresh = view.state?.tokens?.refresh_token ?? undefined;
    const existing = matches[0];
    if (existing) {
      const changed = existing.accessToken !== singletonAccess;
      if (changed || (refresh && existing.refreshToken !== refresh)) {
        existing.fromSingleton = "synced";
        existing.accessToken = singletonAccess;
        if (refresh) existing.refreshToken = refresh;
        if (changed && existing.lastStatus) {
          // A new token clears the old row status (credential_pool.py _upsert_entry).
          delete existing.lastStatus; delete existing.lastStatusAt; delete existing.lastErrorCode; delete existing.lastErrorReason;
        }
      }
    } else {
      rows.push({
        id: "(new)",
        label: labelFromToken(singletonAccess, "device_code"),
        priority: Math.max(-1, ...rows.map((r) => r.priority)) + 1,
        source: "device_code",
        accessToken: singletonAccess,
        ...(refresh ? { refreshToken: refresh } : {}),
        requestCount: 0,
        fromSingleton: "seeded",
      });
    }
  }

  rows.sort((a, b) => a.priority - b.priority);
  const sole = rows.filter((r) => r.lastStatus !== "dead").length <= 1;
  const failureReasons = new Map(view.pool.map((e, i) => [i, (e as Record<string, unknown>).failure_reason]));
  for (const r of rows) {
    if (r.lastStatus === "dead") {
      r.unavailable = `dead${r.lastErrorReason ? ` (${r.lastErrorReason})` : ""}: never re-enters rotation until you sign in again`;
    } else if (r.lastStatus === "exhausted") {
      const stored = r.storedIndex !== undefined ? view.pool[r.storedIndex] : undefined;
      const resetAt = parseTimestamp(stored?.last_error_reset_at);
      const until = resetAt ?? (r.lastStatusAt !== undefined
        ? r.lastStatusAt + exhaustedTtl(r.lastErrorCode, sole, failureReasons.get(r.storedIndex ?? -1))
        : undefined);
      if (until !== undefined && nowSec < until) {
        r.unavailable = `exhausted${r.lastErrorCode ? ` (HTTP ${r.lastErrorCode})` : ""}: cooling down`;
        r.availableAt = until;
      }
    }
  }
  const available = rows.filter((r) => !r.unavailable);
  let selected: EffectiveRow | undefined;
  if (strategy === "least_used" && available.length > 1) {
    selected = available.reduce((m, r) => (r.requestCount < m.requestCount ? r : m));
  } else {
    selected = available[0];
  }
  return { rows, pruned, duplicates, available, ...(selected ? { selected } : {}), strategy };
}

/** config.yaml credential_pool_strategies["xai-oauth"], defaulting like get_pool_strategy. */
export function poolStrategyFrom(config: Record<string, unknown> | undefined): { strategy: PoolStrategy; configured?: string } {
  const s = config?.credential_pool_strategies;
  if (!s || typeof s !== "object" || Array.isArray(s)) return { strategy: "fill_first" };
  const raw = (s as Record<string, unknown>)["xai-oauth"];
  const v = str(raw).trim().toLowerCase();
  if ((POOL_STRATEGIES as readonly string[]).includes(v)) return { strategy: v as PoolStrategy, configured: v };
  return { strategy: "fill_first", ...(v ? { configured: v } : {}) };
}

// ── Hermes' own test of a usable stored login ───────────────────────────────────────────────────
// NousResearch/hermes-agent hermes_cli/auth_xai.py @ 05451959: `_clean`, `_token_pair`,
// `_xai_oauth_state_from_store`, `_read_xai_oauth_tokens`; the per-provider profile -> root
// fallback of the singleton is hermes_cli/auth.py @ 00067189 `_load_provider_state_with_source`
// (the profile's providers["xai-oauth"] when it is a dict, else the root's). Exactly this
// predicate decides whether Hermes starts with the login or raises; the doctor must never call a
// store usable that it refuses.

/** Python's str.strip() whitespace (str.isspace): not JS trim(), which also strips U+FEFF and misses U+001C-U+001F and U+0085. */
const PY_SPACE = "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && PY_SPACE.includes(s[a]!)) a++;
  while (b > a && PY_SPACE.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** `_clean(value)` = str(value or "").strip() is non-empty: Python truthiness, then str() of what is left. */
export function pyCleanNonEmpty(v: unknown): boolean {
  if (typeof v === "string") return pyStrip(v) !== "";
  if (typeof v === "number") return v !== 0; // str(1.5) is never blank
  if (typeof v === "boolean") return v; // str(True) == "True"
  if (Array.isArray(v)) return v.length > 0; // str([0]) == "[0]"
  if (v !== null && typeof v === "object") return Object.keys(v).length > 0;
  return false; // None
}

const isPyDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `_token_pair(tokens)`: both stripped strings non-empty (a non-dict gives two empty strings). */
export function tokenPairComplete(tokens: unknown): { access: boolean; refresh: boolean } {
  if (!isPyDict(tokens)) return { access: false, refresh: false };
  return { access: pyCleanNonEmpty(tokens.access_token), refresh: pyCleanNonEmpty(tokens.refresh_token) };
}

const bothTokens = (tokens: unknown) => {
  const p = tokenPairComplete(tokens);
  return p.access && p.refresh;
};

function providerState(store: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const providers = store?.providers;
  const state = isPyDict(providers) ? providers["xai-oauth"] : undefined;
  return isPyDict(state) ? state : undefined;
}

export type XaiStateOrigin =
  | { via: "singleton" }
  /** The first pool row with both tokens, merged into the singleton's other fields. */
  | { via: "pool"; index: number };

/**
 * `_xai_oauth_state_from_store(store)`: the singleton (after `fallbackRoot` for a profile) when it
 * holds both tokens; else the first credential_pool row of THIS store with both; else the
 * singleton as it is (possibly unusable), or nothing.
 */
export function xaiOauthStateFromStore(
  store: Record<string, unknown> | undefined,
  fallbackRoot?: Record<string, unknown>,
): { state?: Record<string, unknown>; usable: boolean; origin?: XaiStateOrigin } {
  const state = providerState(store) ?? providerState(fallbackRoot);
  if (state && bothTokens(state.tokens)) return { state, usable: true, origin: { via: "singleton" } };
  const pool = store?.credential_pool;
  const entries = isPyDict(pool) ? pool["xai-oauth"] : undefined;
  if (Array.isArray(entries)) {
    const index = entries.findIndex((e) => bothTokens(e));
    if (index >= 0) return { ...(state ? { state } : {}), usable: true, origin: { via: "pool", index } };
  }
  return { ...(state ? { state } : {}), usable: false };
}

export const HERMES_RELOGIN = "Re-authenticate with `hermes model`.";

export type HermesTokenRead =
  | { ok: true; from: "profile" | "root"; origin: XaiStateOrigin }
  | {
    ok: false;
    code: "xai_auth_missing" | "xai_auth_invalid_shape" | "xai_auth_missing_access_token" | "xai_auth_missing_refresh_token";
    /** Hermes' own words (AuthError message). */
    message: string;
  };

/**
 * `_read_xai_oauth_tokens`: the active store (a profile's, with the singleton's root fallback),
 * then the global root store when the first has no usable pair; otherwise the error Hermes raises
 * (every one with relogin required). `profile` is the active store ({} when its auth.json is
 * missing); `root` is the global root store in profile mode, undefined otherwise.
 */
export function readXaiOauthTokens(profile: Record<string, unknown>, root?: Record<string, unknown>): HermesTokenRead {
  let pick = xaiOauthStateFromStore(profile, root);
  let from: "profile" | "root" = "profile";
  if (!pick.usable && root) {
    const global = xaiOauthStateFromStore(root);
    if (global.usable) { pick = global; from = "root"; }
  }
  if (pick.usable) return { ok: true, from, origin: pick.origin! };
  const state = pick.state;
  // `if not state`: an empty dict is falsy in Python too.
  if (!state || Object.keys(state).length === 0) {
    return { ok: false, code: "xai_auth_missing", message: "No xAI OAuth credentials stored. Select xAI Grok OAuth (SuperGrok / Premium+) in `hermes model`." };
  }
  if (!isPyDict(state.tokens)) return { ok: false, code: "xai_auth_invalid_shape", message: `xAI OAuth state is missing tokens. ${HERMES_RELOGIN}` };
  const p = tokenPairComplete(state.tokens);
  const field = !p.access ? "access_token" : "refresh_token";
  return { ok: false, code: `xai_auth_missing_${field}`, message: `xAI OAuth state is missing ${field}. ${HERMES_RELOGIN}` };
}
