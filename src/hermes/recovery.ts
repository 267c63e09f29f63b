// Interrupted saves. A process killed between writing its fsynced temp file and the rename leaves
// `.auth_<random>.tmp` beside auth.json (Hermes names its temp files the same way, utils.py
// atomic_json_write prefix `.<stem>_`). When that save followed a token rotation, the temp file
// holds the only live refresh token: the one in auth.json was spent at xAI. This module finds such
// files and decides, per file, what is provably safe: adopt a newer grant for the same account,
// delete a file that holds nothing newer, or keep it and tell the user. Pure except for reading.
import { promises as fs } from "node:fs";
import path from "node:path";
import { isDict } from "./json.js";
import { isTempFileOf } from "./atomic-write.js";
import { parseStoreText, readStoreFile } from "./auth-store.js";
import { applyRotation } from "./rotation.js";
import { XAI_PROVIDER_ID } from "../xai/constants.js";
import { decodeJwt, numericClaim } from "../xai/jwt.js";
import type { TokenResponse } from "../xai/oauth.js";

type Json = Record<string, unknown>;

/** One grant slot of a store: the singleton ("providers") or a pool row (by id). */
interface Slot {
  key: string;
  refreshToken?: string;
  tokens: TokenResponse | undefined;
  lastRefresh?: string;
}

export type LeftoverKind =
  /** Holds a newer grant for the same account than auth.json: adopt it. */
  | "newer"
  /** Parses, but holds nothing newer than auth.json: provably useless. */
  | "stale"
  /** Empty or not a store (a write cut off before its fsync): nothing durable in it. */
  | "torn"
  /** Holds a different grant we cannot prove newer or the same account's: keep, tell the user. */
  | "unknown";

export interface Leftover {
  path: string;
  kind: LeftoverKind;
  /** "newer" only: the slots (providers.xai-oauth / credential_pool row ids) that are newer. */
  newerSlots?: string[];
  /** Parsed store ("newer"/"stale"/"unknown"), for adoption and secret registration. */
  store?: Json;
  /** iat (else exp) of the newest grant in the file, for picking between several. */
  issuedAt?: number;
}

function slotsOf(store: unknown): Slot[] {
  if (!isDict(store)) return [];
  const out: Slot[] = [];
  const state = isDict(store.providers) ? store.providers[XAI_PROVIDER_ID] : undefined;
  if (isDict(state) && isDict(state.tokens)) {
    const t = state.tokens;
    out.push({ key: `providers.${XAI_PROVIDER_ID}`, refreshToken: str(t.refresh_token), tokens: tokensOf(t), lastRefresh: str(state.last_refresh) });
  }
  const rows = isDict(store.credential_pool) ? store.credential_pool[XAI_PROVIDER_ID] : undefined;
  if (Array.isArray(rows)) {
    for (const row of rows) {
      if (isDict(row) && typeof row.id === "string") {
        out.push({ key: `credential_pool.${XAI_PROVIDER_ID}[${row.id}]`, refreshToken: str(row.refresh_token), tokens: tokensOf(row), lastRefresh: str(row.last_refresh) });
      }
    }
  }
  return out;
}

function tokensOf(o: Json): TokenResponse | undefined {
  const access = str(o.access_token);
  if (!access) return undefined;
  return {
    access_token: access,
    ...(str(o.refresh_token) ? { refresh_token: str(o.refresh_token)! } : {}),
    ...(typeof o.id_token === "string" ? { id_token: o.id_token } : {}),
    ...(typeof o.expires_in === "number" ? { expires_in: o.expires_in } : {}),
    ...(typeof o.token_type === "string" ? { token_type: o.token_type } : {}),
  };
}

/** Who the access token belongs to and when it was issued (unverified JWT claims). */
function identity(tokens: TokenResponse | undefined): { sub: string; issuedAt: number } | undefined {
  const decoded = tokens ? decodeJwt(tokens.access_token) : undefined;
  if (!decoded || "error" in decoded) return undefined;
  const sub = decoded.payload.sub;
  const issuedAt = numericClaim(decoded.payload, "iat") ?? numericClaim(decoded.payload, "exp");
  return typeof sub === "string" && issuedAt !== undefined ? { sub, issuedAt } : undefined;
}

/** Compares one leftover store with the current one, slot by slot. */
export function classifyLeftoverStore(leftover: unknown, current: unknown): Omit<Leftover, "path"> {
  const currentSlots = new Map(slotsOf(current).map((s) => [s.key, s]));
  const newerSlots: string[] = [];
  let unknown = false;
  let issuedAt: number | undefined;
  for (const slot of slotsOf(leftover)) {
    const now = currentSlots.get(slot.key);
    if (!now || !slot.refreshToken || slot.refreshToken === now.refreshToken) continue;
    const mine = identity(slot.tokens);
    const theirs = identity(now.tokens);
    if (mine && theirs && mine.sub === theirs.sub) {
      if (mine.issuedAt > theirs.issuedAt) {
        newerSlots.push(slot.key);
        issuedAt = Math.max(issuedAt ?? 0, mine.issuedAt);
      }
      // Same account, older or equal: superseded by what auth.json holds.
    } else {
      unknown = true; // another account, or tokens we cannot date: not ours to judge
    }
  }
  const store = isDict(leftover) ? leftover : undefined;
  if (newerSlots.length) return { kind: "newer", newerSlots, ...(store ? { store } : {}), ...(issuedAt !== undefined ? { issuedAt } : {}) };
  return { kind: unknown ? "unknown" : "stale", ...(store ? { store } : {}) };
}

/** Every `.auth_*.tmp` beside the real store file, classified against the store as it is now. */
export async function findLeftovers(realStorePath: string, currentStore: unknown): Promise<Leftover[]> {
  const dir = path.dirname(realStorePath);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const name of names.filter((n) => isTempFileOf(realStorePath, n)).sort()) {
    const file = path.join(dir, name);
    const st = await fs.lstat(file).catch(() => undefined);
    if (!st?.isFile()) continue; // only regular files are ever ours
    const read = await readStoreFile(file);
    const parsed = read.kind === "ok" ? parseStoreText(read.text) : undefined;
    if (!parsed?.ok) {
      out.push({ path: file, kind: read.kind === "unreadable" ? "unknown" : "torn" });
      continue;
    }
    out.push({ path: file, ...classifyLeftoverStore(parsed.store, currentStore) });
  }
  return out;
}

/**
 * Mutates `store`: every newer slot of `leftover` replaces the grant wherever the stored one was
 * (exactly what the interrupted save would have written). Returns the places updated.
 */
export function adoptLeftover(store: Json, leftover: Leftover): string[] {
  const from = new Map(slotsOf(leftover.store).map((s) => [s.key, s]));
  const to = new Map(slotsOf(store).map((s) => [s.key, s]));
  const updated: string[] = [];
  for (const key of leftover.newerSlots ?? []) {
    const src = from.get(key);
    const dst = to.get(key);
    if (!src?.tokens || !dst?.refreshToken) continue;
    const at = src.lastRefresh ? Date.parse(src.lastRefresh) : NaN;
    updated.push(...applyRotation(store, dst.refreshToken, src.tokens, Number.isFinite(at) ? at : Date.now()));
  }
  return [...new Set(updated)];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
