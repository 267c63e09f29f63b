import type { DoctorCheck } from "./context.js";
import type { StoreHomeData } from "./store-home.js";
import type { CredentialData } from "../src/hermes/credentials.js";
import type { Fix } from "../src/engine/types.js";
import { grantStores, grokStorePath, hermesStorePaths, jwtSub, type GrantStore } from "../src/hermes/forks.js";
import { fingerprint } from "../src/engine/secrets.js";
import { tildePath } from "../src/hermes/home.js";
import { jwtExp } from "../src/xai/jwt.js";
import { refreshSkewSeconds } from "../src/xai/refresh-policy.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";

const LOGOUT = "hermes auth logout xai-oauth";

/**
 * The grant Hermes will use must live in one store only, and the Grok CLI (same public client id)
 * should not hold it or a second grant of the same account. Facts: src/hermes/forks.ts.
 */
export const tokenForks: DoctorCheck = {
  id: "token.forks",
  title: "Grant not forked across stores",
  layer: "token",
  description: "Compares the grant in use with every other store of this client: the Hermes root, each profile's auth.json and the Grok CLI's ~/.grok/auth.json. The same single-use refresh token in two stores dies in one at the next rotation; a second grant of the same account can be revoked by a new login.",
  dependsOn: ["store.home", "xai.credential"],
  async run(ctx) {
    const { env, userHome, platform, secrets } = ctx.services;
    const home = ctx.data<StoreHomeData>("store.home")!;
    const cred = ctx.data<CredentialData>("xai.credential")!;
    if (!cred.refreshToken) return { status: "skip", code: "no_refresh_token", summary: "no refresh token to compare" };
    const stores = await grantStores(await hermesStorePaths(home.root), grokStorePath(env, userHome));
    for (const s of stores) for (const g of s.grants) secrets.add(g.refreshToken), secrets.add(g.accessToken);
    const show = (p: string) => tildePath(p, userHome, platform);
    const name = (s: GrantStore) => (s.kind === "grok" ? `the Grok CLI (${show(s.path)})` : `${s.profile === "default" ? "the root" : `profile '${s.profile}'`} (${show(s.path)})`);
    const here = stores.find((s) => s.path === cred.storePath);
    const hereName = here ? name(here) : show(cred.storePath);
    const account = jwtSub(cred.accessToken);
    const others = stores.filter((s) => s.path !== cred.storePath);

    const forks = others.filter((s) => s.grants.some((g) => g.refreshToken === cred.refreshToken));
    const sameAccount = account
      ? others.filter((s) => !forks.includes(s) && s.grants.some((g) => g.accountId === account && g.refreshToken && g.refreshToken !== cred.refreshToken))
      : [];
    const details = {
      grant: fingerprint(cred.refreshToken),
      usedFrom: show(cred.storePath),
      storesCompared: stores.map((s) => show(s.path)),
      ...(forks.length ? { copies: forks.map((s) => show(s.path)) } : {}),
      ...(sameAccount.length ? { sameAccount: sameAccount.map((s) => show(s.path)), account: fingerprint(account!) } : {}),
    };
    if (!forks.length && !sameAccount.length) {
      return { status: "pass", summary: `the grant in use is stored once and no other store holds this account (${stores.length} store${stores.length === 1 ? "" : "s"} compared)`, details };
    }

    const nowSec = ctx.services.now() / 1000;
    const sentences: string[] = [];
    const fixes: Fix[] = [];
    for (const s of forks) {
      sentences.push(`the same single-use refresh token is also in ${name(s)}: ${loser(s, cred, nowSec, hereName, name(s))}`);
      fixes.push(...forkFixes(s, here, hereName));
    }
    for (const s of sameAccount) {
      sentences.push(s.kind === "grok"
        ? `${name(s)} holds a separate grant of the same xAI account with the same public client id: a \`grok login\` can revoke Hermes' grant (hermes-agent #82052), and ${hereName} is the store that loses it`
        : `${name(s)} holds a separate grant of the same xAI account with the same public client id: a new login in either can revoke the other's grant (as a Grok CLI login does, hermes-agent #82052); the older login loses`);
    }
    if (sameAccount.length) {
      fixes.push({ text: "If this store's login is then reported revoked, sign in again here; one login in the root that profiles fall back to avoids it", command: RELOGIN_COMMAND });
    }
    return {
      status: "warn",
      code: forks.length ? "grant_forked" : "account_multi_grant",
      summary: sentences.join("; "),
      details,
      fixes: dedupe(fixes),
    };
  },
};

/** When Hermes refreshes a token: its exp minus Hermes' refresh window. */
function hermesRefreshAt(expSec: number | undefined, nowSec: number): number | undefined {
  return expSec === undefined ? undefined : expSec - refreshSkewSeconds(expSec - nowSec);
}

/** Which store loses the grant at the next rotation: every copy but the one that refreshes first. */
function loser(other: GrantStore, cred: CredentialData, nowSec: number, hereName: string, otherName: string): string {
  const hereExp = jwtExp(cred.accessToken);
  const hereAt = hermesRefreshAt(hereExp, nowSec);
  const otherGrant = other.grants.find((g) => g.refreshToken === cred.refreshToken)!;
  // The Grok CLI refreshes in the background, by its expires_at at the latest.
  const otherAt = other.kind === "grok" ? otherGrant.expSec : hermesRefreshAt(otherGrant.expSec, nowSec);
  if (hereAt === undefined || otherAt === undefined || hereAt === otherAt) {
    return `whichever refreshes first keeps the grant and the other copy dies at that rotation (invalid_grant)`;
  }
  return hereAt < otherAt
    ? `${hereName} refreshes first, so ${otherName} loses the grant at the next rotation (invalid_grant)`
    : `${otherName} refreshes first, so ${hereName} — the store Hermes uses here — loses the grant at the next rotation (invalid_grant)`;
}

/**
 * Keep one copy: a profile's copy goes (the profile then falls back to the root store, as Hermes
 * intends); a copy shared with the Grok CLI is replaced by a grant of Hermes' own.
 */
function forkFixes(other: GrantStore, here: GrantStore | undefined, hereName: string): Fix[] {
  if (other.kind === "grok") {
    return [
      { text: `Give Hermes a grant of its own instead of the Grok CLI's tokens: sign out of xAI in ${hereName}`, command: LOGOUT },
      { text: "then sign in again (a new device-code login)", command: RELOGIN_COMMAND },
    ];
  }
  // Remove the profile-side copy; between two profiles, this one's.
  const target = other.profile !== "default" && here?.profile === "default" ? other.profile! : here?.profile;
  if (!target || target === "default") return [{ text: "Keep one login: remove the copy from the other store and let it fall back to the root", command: LOGOUT }];
  return [{ text: `Keep one login: remove the copy from profile '${target}', which then falls back to the root store`, command: `hermes -p ${target} auth logout xai-oauth` }];
}

function dedupe(fixes: Fix[]): Fix[] {
  const seen = new Set<string>();
  return fixes.filter((f) => {
    const k = `${f.text}\u0000${f.command ?? ""}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
