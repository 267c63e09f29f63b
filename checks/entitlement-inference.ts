import { sharedOnce, type DoctorCheck } from "./context.js";
import { fingerprint } from "../src/engine/secrets.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { RefreshData } from "./login-refresh.js";
import type { ModelData } from "./config-model.js";
import { PROBE_MAX_OUTPUT_TOKENS, probeResponses, rateLimitHeaders, readResponsesAnswer, type ResponsesAnswer } from "../src/xai/api.js";
import { classifyApiResponse, classifyText } from "../src/xai/signatures.js";
import type { CheckOutcome } from "../src/engine/types.js";
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
    const http = await ctx.services.http();
    // One inference probe per distinct credential, endpoint and model per invocation (--all-profiles).
    const res = await sharedOnce(ctx, `inference ${apiBase} ${model} ${fingerprint(accessToken)}`, () => probeResponses(http, apiBase, accessToken, model, ctx.signal));
    if (!res.ok) return transportOutcome(res, `inference with ${model} failed`);
    const rateLimit = rateLimitHeaders(res.headers);
    if (res.status >= 200 && res.status < 300) {
      const answer = readResponsesAnswer(res);
      const base = { model, httpStatus: res.status, transport: answer.transport, ...(rateLimit ? { rateLimit } : {}) };
      switch (answer.kind) {
        case "answered":
          return {
            status: "pass",
            summary: `xAI answered a real request with ${model} (HTTP ${res.status}${answer.transport === "stream" ? ", event stream" : ""})`,
            details: { ...base, maxOutputTokens: PROBE_MAX_OUTPUT_TOKENS, ...(answer.responseId ? { responseId: answer.responseId } : {}), timings: res.timings },
          };
        case "not_responses":
          // A 2xx that is not a Responses object (an HTML block page from a proxy) proves nothing.
          return { status: "fail", code: "upstream_unavailable", summary: `inference with ${model}: HTTP ${res.status} but not a Responses API answer (${res.headers["content-type"] ?? "no content type"})`, details: base };
        case "error_event":
        case "failed":
          return inStreamError(model, res.status, answer, base);
        case "incomplete":
        case "empty":
          return {
            status: "fail",
            code: "answer_incomplete",
            summary: answer.kind === "empty"
              ? `inference with ${model}: HTTP ${res.status} and status completed, but the output text is empty`
              : `inference with ${model}: HTTP ${res.status} but the response is ${answer.status ?? "not completed"}${answer.reason ? ` (${answer.reason})` : ""}`,
            details: { ...base, ...(answer.kind === "incomplete" ? { responseStatus: answer.status, reason: answer.reason } : {}) },
            fixes: [{ text: answer.kind === "incomplete" && answer.reason === "max_output_tokens"
              ? `The probe's ${PROBE_MAX_OUTPUT_TOKENS}-token cap ran out before any text (a reasoning model thinks first): retry, or test a non-reasoning model with --model`
              : "Retry in a minute; if it persists check https://status.x.ai" }],
          };
      }
    }
    const cls = classifyApiResponse(res.status, res.text, res.headers["content-type"]);
    if (!cls) return { status: "fail", code: "upstream_unavailable", summary: `inference with ${model}: unexpected HTTP ${res.status}` };
    const outcome = apiErrorOutcome(res, cls, `inference with ${model}`);
    return { ...outcome, details: { model, ...outcome.details, ...(rateLimit ? { rateLimit } : {}) } };
  },
};

/** Signature verdicts an in-stream error may carry; anything else is xAI failing to answer. */
const IN_STREAM_VERDICTS: ReadonlySet<string> = new Set(["spending_limit", "usage_exhausted", "rate_limited", "model_unavailable", "entitlement_denied", "upstream_unavailable"]);

/**
 * An error inside a 200 (an error event in the stream, or status "failed"): its message is
 * classified by the one signature catalogue ("at capacity" → upstream_unavailable); never healthy.
 */
function inStreamError(model: string, httpStatus: number, answer: Extract<ResponsesAnswer, { kind: "error_event" | "failed" }>, base: Record<string, unknown>): CheckOutcome<never> {
  const where = answer.kind === "error_event" ? "an error event inside the 200 stream" : "the response ended with status failed";
  const cls = answer.message ? classifyText(JSON.stringify({ code: answer.code ?? "", error: answer.message })) : null;
  const code = cls && IN_STREAM_VERDICTS.has(cls.verdict) ? cls.verdict : "upstream_unavailable";
  return {
    status: "fail",
    code,
    summary: `inference with ${model}: HTTP ${httpStatus}, but ${where}${answer.message ? `: ${answer.message}` : ""}`,
    details: { ...base, inStream: answer.kind, ...(answer.code ? { xaiCode: answer.code } : {}), ...(answer.message ? { xaiMessage: answer.message } : {}), ...(cls ? { signature: cls.signatureId } : {}) },
    fixes: [{ text: code === "upstream_unavailable" ? "xAI accepted the request but could not answer (e.g. the model is at capacity): retry later; see https://status.x.ai" : cls!.meaning }],
  };
}
