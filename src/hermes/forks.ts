// Finding copies of one single-use xAI grant, and second grants of one account, across every
// store that holds this client's grants: the Hermes root, each profile, and the Grok CLI.
//
// xAI rotates the refresh token on every refresh, so when two stores hold the same one the first
// to refresh kills the other's copy (invalid_grant). Hermes keeps one grant in the root and lets
// profiles fall back to it (NousResearch/hermes-agent PR #46614, #43589; the heal in
// agent/credential_pool.py load_pool keeps one copy in root; separate roots still fork, #65394).
// The Grok CLI uses the same public client id, and a Grok login can revoke the grant Hermes holds
// (hermes-agent #82052, comment of 2026-09-02).
//
// The Grok CLI's store is `$GROK_HOME/auth.json`, default `~/.grok/auth.json`: a JSON object keyed
// by `<issuer>::<client id>` (e.g. "https://auth.x.ai::b1a00492-…"), each entry with `key` (the
// access token), `refresh_token`, `expires_at` (RFC 3339), `user_id`, `email`, `oidc_client_id`….
// Sources: xai-org/grok-build user guide 02-authentication.md (quoted in nesszer/Win-CodexBar
// PR #536); steipete/CodexBar Tests/CodexBarTests/GrokAuthTests.swift @ 251b142b (entry shape,
// GROK_HOME). Anything odd in that file is ignored: it is not ours, and its absence is normal.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { isDict } from "./json.js";
import { parseStoreText, readStoreFile } from "./auth-store.js";
import { decodeJwt, jwtExp } from "../xai/jwt.js";
import { XAI_OAUTH_CLIENT_ID, XAI_OAUTH_ISSUER, XAI_PROVIDER_ID } from "../xai/constants.js";

/** Enough for any real install; a runaway profiles folder must not slow the doctor down. */
const MAX_PROFILES = 64;
/** Enough for any real Grok CLI store; a bigger file is not read. */
const MAX_GROK_STORE_BYTES = 1024 * 1024;

/** One grant as a store holds it. Holds secrets: callers register them before anything is shown. */
export interface StoredGrant {
  refreshToken?: string;
  accessToken?: string;
  /** The account: the access token's `sub`, or the Grok CLI's `user_id`. */
  accountId?: string;
  /** Access-token expiry, epoch seconds (JWT exp, or the Grok CLI's expires_at). */
  expSec?: number;
}

export interface GrantStore {
  path: string;
  kind: "hermes" | "grok";
  /** For a Hermes store: "default" for the root, else the profile name. */
  profile?: string;
  grants: StoredGrant[];
}

/** The JWT's `sub` (the xAI account), unverified; undefined when absent or not a JWT. */
export function jwtSub(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const d = decodeJwt(token);
  return "payload" in d && typeof d.payload.sub === "string" && d.payload.sub ? d.payload.sub : undefined;
}

function grant(refreshToken: unknown, accessToken: unknown, extra: Partial<StoredGrant> = {}): StoredGrant | undefined {
  const rt = typeof refreshToken === "string" && refreshToken ? refreshToken : undefined;
  const at = typeof accessToken === "string" && accessToken ? accessToken : undefined;
  if (!rt && !at) return undefined;
  const accountId = extra.accountId ?? jwtSub(at);
  const expSec = extra.expSec ?? jwtExp(at);
  return { ...(rt ? { refreshToken: rt } : {}), ...(at ? { accessToken: at } : {}), ...(accountId ? { accountId } : {}), ...(expSec !== undefined ? { expSec } : {}) };
}

/** Every xai-oauth grant in one parsed Hermes store: the singleton's and each pool row's. */
export function hermesGrants(store: unknown): StoredGrant[] {
  if (!isDict(store)) return [];
  const out: StoredGrant[] = [];
  const state = isDict(store.providers) ? store.providers[XAI_PROVIDER_ID] : undefined;
  if (isDict(state) && isDict(state.tokens)) {
    const g = grant(state.tokens.refresh_token, state.tokens.access_token);
    if (g) out.push(g);
  }
  const rows = isDict(store.credential_pool) ? store.credential_pool[XAI_PROVIDER_ID] : undefined;
  if (Array.isArray(rows)) {
    for (const r of rows) {
      const g = isDict(r) ? grant(r.refresh_token, r.access_token) : undefined;
      if (g) out.push(g);
    }
  }
  return out;
}

/** The xAI OIDC grants in a parsed Grok CLI store (entries of this issuer or this client id). */
export function grokGrants(store: unknown): StoredGrant[] {
  if (!isDict(store)) return [];
  const out: StoredGrant[] = [];
  for (const [scope, entry] of Object.entries(store)) {
    if (!isDict(entry)) continue;
    if (!scope.startsWith(`${XAI_OAUTH_ISSUER}::`) && entry.oidc_client_id !== XAI_OAUTH_CLIENT_ID) continue;
    const expires = typeof entry.expires_at === "string" ? Date.parse(entry.expires_at) : NaN;
    const g = grant(entry.refresh_token, entry.key, {
      ...(typeof entry.user_id === "string" && entry.user_id ? { accountId: entry.user_id } : {}),
      ...(Number.isFinite(expires) ? { expSec: Math.floor(expires / 1000) } : {}),
    });
    if (g) out.push(g);
  }
  return out;
}

/** The root store and every profile's store under a Hermes root, with the profile each belongs to. */
export async function hermesStorePaths(root: string): Promise<{ path: string; profile: string }[]> {
  const paths = [{ path: path.join(root, "auth.json"), profile: "default" }];
  try {
    const names = (await readdir(path.join(root, "profiles"), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    for (const name of names.slice(0, MAX_PROFILES)) paths.push({ path: path.join(root, "profiles", name, "auth.json"), profile: name });
  } catch {
    // no profiles folder
  }
  return paths;
}

/** `$GROK_HOME/auth.json`, else `~/.grok/auth.json`. */
export function grokStorePath(env: Readonly<Record<string, string | undefined>>, userHome: string): string {
  const home = env.GROK_HOME?.trim();
  return path.join(home || path.join(userHome, ".grok"), "auth.json");
}

/** Reads each Hermes store that exists and parses, then the Grok CLI's; unusable ones are skipped. */
export async function grantStores(hermes: readonly { path: string; profile: string }[], grokPath: string): Promise<GrantStore[]> {
  const out: GrantStore[] = [];
  for (const s of hermes) {
    const read = await readStoreFile(s.path);
    if (read.kind !== "ok") continue;
    const parsed = parseStoreText(read.text);
    if (parsed.ok) out.push({ path: s.path, kind: "hermes", profile: s.profile, grants: hermesGrants(parsed.store) });
  }
  const grok = await readStoreFile(grokPath);
  if (grok.kind === "ok" && grok.bytes <= MAX_GROK_STORE_BYTES) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(grok.text);
    } catch {
      parsed = undefined;
    }
    const grants = grokGrants(parsed);
    if (grants.length) out.push({ path: grokPath, kind: "grok", grants });
  }
  return out;
}
