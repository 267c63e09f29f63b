import type { DoctorCheck } from "./context.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { IssuerData } from "./net-issuer.js";
import { parseDiscovery } from "../src/xai/oauth.js";
import { validateEndpoint } from "../src/xai/endpoints.js";
import { retryAfterSeconds } from "../src/net/retry-after.js";
import { retryAfterText } from "./support.js";

export interface DiscoveryData {
  /** Absent when discovery failed: login.refresh then uses the stored endpoint, as Hermes does. */
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  /** Why discovery failed, for login.refresh when it has no stored endpoint to fall back on. */
  failure?: { code: "rate_limited" | "upstream_unavailable"; httpStatus: number; retryAfterSec?: number };
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
    const d = res.status === 200 ? parseDiscovery(res.json) : undefined;
    if (!d?.tokenEndpoint) {
      // Not fatal here: Hermes refreshes with the token endpoint stored at login and only needs
      // discovery without one (login.refresh decides). Hermes' words: "xAI OIDC discovery returned status N."
      const retryAfterSec = res.status === 429 ? retryAfterSeconds(res) : undefined;
      const failure = { code: res.status === 429 ? "rate_limited" as const : "upstream_unavailable" as const, httpStatus: res.status, ...(retryAfterSec !== undefined ? { retryAfterSec } : {}) };
      return {
        status: "warn",
        code: "discovery_failed",
        summary: res.status === 200 ? "the discovery document has no token_endpoint (not xAI's OIDC answer?)" : `xAI OIDC discovery returned status ${res.status}${retryAfterText(retryAfterSec)}`,
        details: { httpStatus: res.status, ...(retryAfterSec !== undefined ? { retryAfterSec } : {}) },
        data: { failure },
      };
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
