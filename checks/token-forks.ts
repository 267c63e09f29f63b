import type { DoctorCheck } from "./context.js";
import type { StoreHomeData } from "./store-home.js";
import type { CredentialData } from "../src/hermes/credentials.js";
import { hermesStorePaths, refreshTokensByStore } from "../src/hermes/forks.js";
import { tildePath } from "../src/hermes/home.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";

/**
 * The refresh token Hermes will use must live in one store only. The same single-use token in a
 * second store (another profile's auth.json, a copied root) dies there at the first rotation.
 */
export const tokenForks: DoctorCheck = {
  id: "token.forks",
  title: "Grant not forked across stores",
  layer: "token",
  description: "Looks for the same single-use refresh token in the root store and every profile's auth.json: the first copy to refresh revokes the others.",
  dependsOn: ["store.home", "xai.credential"],
  async run(ctx) {
    const home = ctx.data<StoreHomeData>("store.home")!;
    const cred = ctx.data<CredentialData>("xai.credential")!;
    if (!cred.refreshToken) return { status: "skip", code: "no_refresh_token", summary: "no refresh token to compare" };
    const stores = await refreshTokensByStore(await hermesStorePaths(home.root));
    for (const s of stores) for (const t of s.refreshTokens) ctx.services.secrets.add(t);
    const show = (p: string) => tildePath(p, ctx.services.userHome, ctx.services.platform);
    const copies = stores.filter((s) => s.path !== cred.storePath && s.refreshTokens.includes(cred.refreshToken!)).map((s) => s.path);
    const details = { storesCompared: stores.map((s) => show(s.path)), usedFrom: show(cred.storePath) };
    if (copies.length === 0) {
      return { status: "pass", summary: `the refresh token in use is stored once (${stores.length} store${stores.length === 1 ? "" : "s"} compared)`, details };
    }
    return {
      status: "warn",
      code: "grant_forked",
      summary: `the same single-use refresh token is also in ${copies.map(show).join(", ")}: whichever refreshes first revokes the other copies (invalid_grant)`,
      details: { ...details, copies: copies.map(show) },
      fixes: [
        { text: "Keep one login: let profiles fall back to the root store (remove the copy from the profile's auth.json with `hermes -p <profile> auth logout xai-oauth`), or sign in separately per profile", command: RELOGIN_COMMAND },
      ],
    };
  },
};
