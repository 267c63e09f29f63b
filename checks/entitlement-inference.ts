import type { DoctorCheck } from "./context.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { RefreshData } from "./login-refresh.js";
import type { ModelData } from "./config-model.js";
import { PROBE_MAX_OUTPUT_TOKENS, probeResponses } from "../src/xai/api.js";
import { classifyApiResponse } from "../src/xai/signatures.js";
import { apiErrorOutcome, transportOutcome } from "./support.js";

/**
 * One real, minimal request on the rail Hermes uses (POST /v1/responses, codex_responses
 * api_mode) with the model Hermes will use: the only proof of entitlement. Never retried.
 */
export const entitlementInference: DoctorCheck = {
  id: "entitlement.inference",
  title: "Real inference request",
  layer: "entitlement",
  description: "Sends one tiny Responses API request (max_output_tokens 16, store false) with the model Hermes will use, and classifies the answer by status and body.",
  dependsOn: ["net.endpoints", "net.api", "login.refresh", "config.model"],
  timeoutMs: 30_000,
  async run(ctx) {
    const { apiBase } = ctx.data<EndpointsData>("net.endpoints")!;
    const { accessToken } = ctx.data<RefreshData>("login.refresh")!;
    const model = ctx.services.options.model ?? ctx.data<ModelData>("config.model")!.model;
    const res = await probeResponses(await ctx.services.http(), apiBase, accessToken, model, ctx.signal);
    if (!res.ok) return transportOutcome(res, `inference with ${model} failed`);
    if (res.status >= 200 && res.status < 300) {
      const body = res.json as { id?: unknown; output?: unknown } | undefined;
      // A 2xx that is not a Responses object (an HTML block page from a proxy) proves nothing.
      if (!body || typeof body !== "object" || (body.id === undefined && body.output === undefined)) {
        return { status: "fail", code: "upstream_unavailable", summary: `inference with ${model}: HTTP ${res.status} but not a Responses API answer (${res.headers["content-type"] ?? "no content type"})`, details: { model, httpStatus: res.status } };
      }
      const id = body.id;
      return {
        status: "pass",
        summary: `xAI answered a real request with ${model} (HTTP ${res.status})`,
        details: { model, httpStatus: res.status, maxOutputTokens: PROBE_MAX_OUTPUT_TOKENS, ...(typeof id === "string" ? { responseId: id } : {}), timings: res.timings },
      };
    }
    const cls = classifyApiResponse(res.status, res.text, res.headers["content-type"]);
    if (!cls) return { status: "fail", code: "upstream_unavailable", summary: `inference with ${model}: unexpected HTTP ${res.status}` };
    const outcome = apiErrorOutcome(res, cls, `inference with ${model}`);
    return { ...outcome, details: { model, ...outcome.details } };
  },
};
