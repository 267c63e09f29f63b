import { sharedOnce, type DoctorCheck } from "./context.js";
import { fingerprint } from "../src/engine/secrets.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { RefreshData } from "./login-refresh.js";
import { listModels, modelIds } from "../src/xai/api.js";
import { classifyApiResponse } from "../src/xai/signatures.js";
import { apiErrorOutcome, transportOutcome } from "./support.js";

/** GET /v1/models with the token: the API accepts the login (no inference, no cost). */
export const apiModels: DoctorCheck = {
  id: "api.models",
  title: "API accepts the token",
  layer: "login",
  description: "Lists models with the OAuth token: proves api.x.ai accepts it. A model missing from the list is not a failure (xAI omits some callable models).",
  dependsOn: ["net.endpoints", "net.api", "login.refresh"],
  async run(ctx) {
    const { apiBase } = ctx.data<EndpointsData>("net.endpoints")!;
    const { accessToken } = ctx.data<RefreshData>("login.refresh")!;
    const http = await ctx.services.http();
    const res = await sharedOnce(ctx, `models ${apiBase} ${fingerprint(accessToken)}`, () => listModels(http, apiBase, accessToken, ctx.signal));
    if (!res.ok) return transportOutcome(res, "listing models failed");
    if (res.status === 200) {
      if (!Array.isArray((res.json as { data?: unknown } | undefined)?.data)) {
        return { status: "fail", code: "upstream_unavailable", summary: `listing models: HTTP 200 but not a model list (${res.headers["content-type"] ?? "no content type"})`, details: { httpStatus: 200 } };
      }
      const ids = modelIds(res.json);
      return {
        status: "pass",
        summary: `the API accepts the token (${ids.length} model${ids.length === 1 ? "" : "s"} listed)`,
        details: { httpStatus: 200, models: ids.slice(0, 30) },
      };
    }
    const cls = classifyApiResponse(res.status, res.text, res.headers["content-type"]);
    return cls ? apiErrorOutcome(res, cls, "listing models") : { status: "fail", code: "upstream_unavailable", summary: `listing models: unexpected HTTP ${res.status}` };
  },
};
