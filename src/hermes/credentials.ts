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
