import { sharedOnce, type DoctorCheck } from "./context.js";
import type { EndpointsData } from "./net-endpoints.js";
import { pingApi } from "../src/xai/api.js";
import { transportOutcome } from "./support.js";
import { describeTimings } from "./timings.js";

export interface ApiReachData {
  /** The server's clock from its Date header, and our clock when the answer came. */
  serverDate?: Date;
  localAt: number;
}

/** DNS, TCP and TLS to the API host, without sending any credential. */
export const netApi: DoctorCheck<ApiReachData> = {
  id: "net.api",
  title: "Reach the xAI API",
  layer: "network",
  description: "Connects to the API host (api.x.ai) without a credential: any HTTP answer proves the path; DNS, TCP and TLS times.",
  dependsOn: ["net.endpoints"],
  async run(ctx) {
    const endpoints = ctx.data<EndpointsData>("net.endpoints")!;
    const http = await ctx.services.http();
    // One probe per API base per invocation (--all-profiles shares it).
    const res = await sharedOnce(ctx, `net.api ${endpoints.apiBase}`, () => pingApi(http, endpoints.apiBase, ctx.signal));
    const localAt = ctx.services.now();
    const host = new URL(endpoints.apiBase).host;
    if (!res.ok) return transportOutcome(res, `cannot reach ${host}`);
    return {
      status: "pass",
      summary: `${host} answered HTTP ${res.status} (${describeTimings(res.timings)})`,
      details: { url: `${endpoints.apiBase}/models`, httpStatus: res.status, timings: res.timings, ...(res.viaProxy ? { viaProxy: res.viaProxy } : {}) },
      data: { serverDate: res.date, localAt },
    };
  },
};
