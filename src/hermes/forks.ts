// Finding copies of one single-use xAI grant in several stores. xAI rotates the refresh token on
// every refresh, so when two stores hold the same one, the first to refresh kills the other's copy
// (invalid_grant). Facts: shared/reference/hermes-auth-store-and-xai-oauth.md §8 (hermes-agent
// #43589, #65394; the heal in agent/credential_pool.py keeps one copy in the root store).
import { isDict } from "./json.js";
import { XAI_PROVIDER_ID } from "../xai/constants.js";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { parseStoreText, readStoreFile } from "./auth-store.js";

/** Enough for any real install; a runaway profiles folder must not slow the doctor down. */
const MAX_PROFILES = 64;

/** Every xai-oauth refresh token in one parsed store: the singleton's and each pool row's. */
export function xaiRefreshTokens(store: unknown): string[] {
  if (!isDict(store)) return [];
  const out: string[] = [];
  const state = isDict(store.providers) ? store.providers[XAI_PROVIDER_ID] : undefined;
  if (isDict(state) && isDict(state.tokens) && typeof state.tokens.refresh_token === "string") out.push(state.tokens.refresh_token);
  const rows = isDict(store.credential_pool) ? store.credential_pool[XAI_PROVIDER_ID] : undefined;
  if (Array.isArray(rows)) for (const r of rows) if (isDict(r) && typeof r.refresh_token === "string") out.push(r.refresh_token);
  return out.filter((t) => t !== "");
}

/** The root store and every profile's store under a Hermes root. */
export async function hermesStorePaths(root: string): Promise<string[]> {
  const paths = [path.join(root, "auth.json")];
  try {
    const names = (await readdir(path.join(root, "profiles"), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    for (const name of names.slice(0, MAX_PROFILES)) paths.push(path.join(root, "profiles", name, "auth.json"));
  } catch {
    // no profiles folder
  }
  return paths;
}

export interface StoreTokens {
  path: string;
  refreshTokens: string[];
}

/** Reads each store that exists and parses; unreadable or broken ones are simply skipped here. */
export async function refreshTokensByStore(paths: readonly string[]): Promise<StoreTokens[]> {
  const out: StoreTokens[] = [];
  for (const p of paths) {
    const read = await readStoreFile(p);
    if (read.kind !== "ok") continue;
    const parsed = parseStoreText(read.text);
    if (parsed.ok) out.push({ path: p, refreshTokens: xaiRefreshTokens(parsed.store) });
  }
  return out;
}
