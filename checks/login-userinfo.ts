import type { DoctorCheck } from "./context.js";
import type { DiscoveryData } from "./login-discovery.js";
import type { RefreshData } from "./login-refresh.js";
import { fetchUserinfo } from "../src/xai/oauth.js";
import { classifyApiResponse } from "../src/xai/signatures.js";
import { fingerprint } from "../src/engine/secrets.js";
import { apiErrorOutcome, transportOutcome } from "./support.js";

/** Who the token belongs to: proves the login independently of any API entitlement. */
export const loginUserinfo: DoctorCheck = {
  id: "login.userinfo",
  title: "Identity (userinfo)",
  layer: "login",
  description: "Asks the issuer's userinfo endpoint who the access token belongs to: the login, apart from entitlement.",
  dependsOn: ["login.discovery", "login.refresh"],
  async run(ctx) {
    const url = ctx.data<DiscoveryData>("login.discovery")!.userinfoEndpoint;
    if (!url) return { status: "skip", code: "not_available", summary: "the issuer advertises no userinfo endpoint" };
    const { accessToken } = ctx.data<RefreshData>("login.refresh")!;
    const res = await fetchUserinfo(await ctx.services.http(), url, accessToken, ctx.signal);
    if (!res.ok) return transportOutcome(res, "userinfo unreachable");
    if (res.status === 200) {
      const sub = (res.json as { sub?: unknown } | undefined)?.sub;
      return {
        status: "pass",
        summary: `xAI knows this login${typeof sub === "string" ? ` (subject ${fingerprint(sub)})` : ""}`,
        details: { httpStatus: 200, ...(typeof sub === "string" ? { subject: fingerprint(sub) } : {}) },
      };
    }
    const cls = classifyApiResponse(res.status, res.text, res.headers["content-type"]);
    // Userinfo is an OIDC endpoint: a 401 there means the token was not accepted.
    if (res.status === 401 || cls?.verdict === "token_rejected") {
      return { ...apiErrorOutcome(res, { ...(cls ?? { signatureId: "userinfo-401", meaning: "the access token was not accepted", reloginHelps: true }), verdict: "token_rejected" }, "userinfo refused the token"), code: "token_rejected" };
    }
    // Anything else does not disprove the login; the API checks decide.
    return { status: "warn", code: "userinfo_unexpected", summary: `userinfo answered HTTP ${res.status}; identity not confirmed`, details: { httpStatus: res.status } };
  },
};
