import { sharedOnce, type DoctorCheck } from "./context.js";
import type { DiscoveryData } from "./login-discovery.js";
import type { RefreshData } from "./login-refresh.js";
import { fetchUserinfo } from "../src/xai/oauth.js";
import { classifyApiResponse } from "../src/xai/signatures.js";
import { fingerprint } from "../src/engine/secrets.js";
import { transportOutcome } from "./support.js";

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
    const http = await ctx.services.http();
    const res = await sharedOnce(ctx, `userinfo ${url} ${fingerprint(accessToken)}`, () => fetchUserinfo(http, url, accessToken, ctx.signal));
    // Evidence for the login facet only; the API checks decide reachability verdicts.
    if (!res.ok) return { ...transportOutcome(res, "userinfo unreachable"), status: "warn", code: "userinfo_unreachable" };
    if (res.status === 200) {
      const sub = (res.json as { sub?: unknown } | undefined)?.sub;
      return {
        status: "pass",
        summary: `xAI knows this login${typeof sub === "string" ? ` (subject ${fingerprint(sub)})` : ""}`,
        details: { httpStatus: 200, ...(typeof sub === "string" ? { subject: fingerprint(sub) } : {}) },
      };
    }
    // Not decisive on its own: whether xAI's userinfo takes API-scoped tokens is not documented,
    // so the API checks (which use the token exactly as Hermes does) decide token_rejected.
    const cls = classifyApiResponse(res.status, res.text, res.headers["content-type"]);
    return {
      status: "warn",
      code: "userinfo_refused",
      summary: `userinfo answered HTTP ${res.status}${cls ? ` — ${cls.meaning}` : ""}; identity not confirmed here`,
      details: { httpStatus: res.status, ...(cls?.xaiCode ? { xaiCode: cls.xaiCode } : {}) },
    };
  },
};
