import { sharedOnce, type DoctorCheck } from "./context.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { HttpResponse } from "../src/net/http.js";
import { discoveryUrl } from "../src/xai/endpoints.js";
import { fetchDiscovery } from "../src/xai/oauth.js";
import { transportOutcome } from "./support.js";
import { describeTimings } from "./timings.js";

export interface IssuerData {
  discovery: HttpResponse;
}

/** DNS, TCP and TLS to the OAuth issuer, by fetching its OIDC discovery document. */
export const netIssuer: DoctorCheck<IssuerData> = {
  id: "net.issuer",
  title: "Reach the xAI OAuth issuer",
  layer: "network",
  description: "Connects to the issuer (auth.x.ai) and fetches OIDC discovery: DNS, TCP and TLS times, proxy and TLS trouble.",
  dependsOn: ["net.endpoints"],
  async run(ctx) {
    const endpoints = ctx.data<EndpointsData>("net.endpoints")!;
    const http = await ctx.services.http();
    const url = discoveryUrl(endpoints.issuer);
    // One probe per issuer per invocation (--all-profiles shares it).
    const res = await sharedOnce(ctx, `net.issuer ${url}`, () => fetchDiscovery(http, url, ctx.signal));
    if (!res.ok) return transportOutcome(res, `cannot reach ${new URL(url).host}`);
    return {
      status: "pass",
      summary: `${new URL(url).host} answered HTTP ${res.status} (${describeTimings(res.timings)})`,
      details: { url, httpStatus: res.status, timings: res.timings, ...(res.viaProxy ? { viaProxy: res.viaProxy } : {}) },
      data: { discovery: res },
    };
  },
};
