// Calls to api.x.ai. The inference probe uses the rail Hermes uses for xai-oauth: the
// Responses API (api_mode codex_responses, hermes_cli/runtime_provider.py), cheapest settings.
import type { HttpClient, HttpOutcome } from "../net/http.js";

const bearer = (token: string) => ({ accept: "application/json", authorization: `Bearer ${token}` });

/** Reachability without a credential: xAI answers 401 no-credentials, which proves the path. */
export function pingApi(http: HttpClient, apiBase: string, signal: AbortSignal): Promise<HttpOutcome> {
  return http.request({ method: "GET", url: `${apiBase}/models`, headers: { accept: "application/json" }, signal });
}

export function listModels(http: HttpClient, apiBase: string, token: string, signal: AbortSignal): Promise<HttpOutcome> {
  return http.request({ method: "GET", url: `${apiBase}/models`, headers: bearer(token), signal });
}

/** One tiny request: a few input tokens, a small output cap, nothing stored at xAI. */
export const PROBE_INPUT = "Reply with the single word: ok";
export const PROBE_MAX_OUTPUT_TOKENS = 16;

export function probeResponses(http: HttpClient, apiBase: string, token: string, model: string, signal: AbortSignal): Promise<HttpOutcome> {
  return http.request({
    method: "POST",
    url: `${apiBase}/responses`,
    headers: bearer(token),
    json: { model, input: PROBE_INPUT, max_output_tokens: PROBE_MAX_OUTPUT_TOKENS, store: false },
    signal,
  });
}

/** GET /v1/api-key: the documented no-inference probe of an API key (docs.x.ai; Grok Build api_key_probe.rs). */
export function probeApiKey(http: HttpClient, apiBase: string, key: string, signal: AbortSignal): Promise<HttpOutcome> {
  return http.request({ method: "GET", url: `${apiBase}/api-key`, headers: bearer(key), signal });
}

export function modelIds(json: unknown): string[] {
  const data = (json as { data?: unknown })?.data;
  if (!Array.isArray(data)) return [];
  return data.map((m) => (m as { id?: unknown })?.id).filter((id): id is string => typeof id === "string");
}
