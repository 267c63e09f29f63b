import type { DoctorCheck } from "./context.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { IssuerData } from "./net-issuer.js";
import { parseDiscovery } from "../src/xai/oauth.js";
import { validateEndpoint } from "../src/xai/endpoints.js";

export interface DiscoveryData {
  tokenEndpoint: string;
  userinfoEndpoint?: string;
}

/** OIDC discovery: the token endpoint, checked the way Hermes checks it (https on x.ai). */
export const loginDiscovery: DoctorCheck<DiscoveryData> = {
  id: "login.discovery",
  title: "OIDC discovery",
  layer: "login",
  description: "Reads the issuer's discovery document; token and userinfo endpoints must be https on x.ai / *.x.ai, as Hermes requires.",
  dependsOn: ["net.endpoints", "net.issuer"],
  async run(ctx) {
    const endpoints = ctx.data<EndpointsData>("net.endpoints")!;
    const res = ctx.data<IssuerData>("net.issuer")!.discovery;
    if (res.status !== 200) {
      // Hermes: "xAI OIDC discovery returned status N." (auth_xai.py)
      return {
        status: "fail",
        code: res.status >= 500 ? "upstream_unavailable" : "discovery_failed",
        summary: `xAI OIDC discovery returned status ${res.status}`,
        details: { httpStatus: res.status },
      };
    }
    const d = parseDiscovery(res.json);
    if (!d?.tokenEndpoint) {
      return { status: "fail", code: "upstream_unavailable", summary: "the discovery document has no token_endpoint (not xAI's OIDC answer?)" };
    }
    const overridden = endpoints.issuerOverridden;
    for (const [field, url] of [["token_endpoint", d.tokenEndpoint], ["userinfo_endpoint", d.userinfoEndpoint]] as const) {
      if (!url) continue;
      const v = validateEndpoint(url, { overridden, field });
      if (!v.ok) return { status: "fail", code: "discovery_invalid", summary: v.message, details: { [field]: url } };
    }
    return {
      status: d.userinfoEndpoint ? "pass" : "warn",
      summary: `token endpoint ${d.tokenEndpoint}${d.userinfoEndpoint ? "" : " (no userinfo endpoint advertised)"}`,
      details: { tokenEndpoint: d.tokenEndpoint, ...(d.userinfoEndpoint ? { userinfoEndpoint: d.userinfoEndpoint } : {}) },
      data: { tokenEndpoint: d.tokenEndpoint, ...(d.userinfoEndpoint ? { userinfoEndpoint: d.userinfoEndpoint } : {}) },
    };
  },
};
