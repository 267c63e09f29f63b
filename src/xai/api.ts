// Calls to api.x.ai. The inference probe uses the rail Hermes uses for xai-oauth: the
// Responses API (api_mode codex_responses, hermes_cli/runtime_provider.py), cheapest settings.
import type { HttpClient, HttpOutcome, HttpResponse } from "../net/http.js";

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

// --- Did the probe get an answer? -----------------------------------------------------------
// A 200 is not yet an answer: capacity errors can arrive as an error event inside a 200 event
// stream (Cloudgeni-ai/opengeni PR #1643), and a response can end `incomplete` or with no output.
// A working inference is status "completed" with non-empty output text, in a JSON body or an
// event stream (OpenAI-compatible Responses events: response.output_text.delta,
// response.completed / response.incomplete / response.failed, error).
export type AnswerTransport = "json" | "stream";

export type ResponsesAnswer =
  | { kind: "answered"; transport: AnswerTransport; text: string; responseId?: string }
  | { kind: "error_event"; transport: AnswerTransport; message: string; code?: string }
  | { kind: "failed"; transport: AnswerTransport; message?: string; code?: string }
  | { kind: "incomplete"; transport: AnswerTransport; status?: string; reason?: string }
  | { kind: "empty"; transport: AnswerTransport; responseId?: string }
  | { kind: "not_responses"; transport: AnswerTransport };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Concatenated output_text parts of a Responses object (or its output_text convenience field). */
export function outputText(response: Obj): string {
  if (typeof response.output_text === "string") return response.output_text;
  const out = Array.isArray(response.output) ? response.output : [];
  return out
    .flatMap((item) => (isObj(item) && Array.isArray(item.content) ? item.content : []))
    .map((part) => (isObj(part) && (part.type === "output_text" || part.type === "text") && typeof part.text === "string" ? part.text : ""))
    .join("");
}

function errorOf(v: unknown): { message?: string; code?: string } {
  if (typeof v === "string") return { message: v };
  if (!isObj(v)) return {};
  const inner = isObj(v.error) ? v.error : v;
  const message = text(inner.message) ?? text(v.error) ?? text(v.message);
  const code = text(inner.code) ?? text(v.code);
  return { ...(message ? { message } : {}), ...(code ? { code } : {}) };
}

/** Judges one finished Responses object (the JSON body, or the stream's final response). */
function judgeResponse(response: Obj, transport: AnswerTransport, streamed = ""): ResponsesAnswer {
  const id = text(response.id);
  const status = text(response.status);
  if (status === "failed") return { kind: "failed", transport, ...errorOf(response.error) };
  if (status !== "completed") {
    const reason = isObj(response.incomplete_details) ? text(response.incomplete_details.reason) : undefined;
    return { kind: "incomplete", transport, ...(status ? { status } : {}), ...(reason ? { reason } : {}) };
  }
  const answer = outputText(response) || streamed;
  if (answer.trim() === "") return { kind: "empty", transport, ...(id ? { responseId: id } : {}) };
  return { kind: "answered", transport, text: answer, ...(id ? { responseId: id } : {}) };
}

export function isEventStream(res: HttpResponse): boolean {
  return /\btext\/event-stream\b/i.test(res.headers["content-type"] ?? "") || /^\s*(event|data):/.test(res.text);
}

/** Reads a 2xx answer to the probe: JSON or event stream. */
export function readResponsesAnswer(res: HttpResponse): ResponsesAnswer {
  if (!isEventStream(res)) {
    const body = res.json;
    if (!isObj(body) || (body.id === undefined && body.output === undefined && body.status === undefined)) return { kind: "not_responses", transport: "json" };
    return judgeResponse(body, "json");
  }
  let streamed = "";
  let final: Obj | undefined;
  for (const block of res.text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    const raw = data.join("\n");
    if (raw === "" || raw === "[DONE]") continue;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      continue; // a keep-alive or a line we do not understand; the final event decides
    }
    if (!isObj(obj)) continue;
    const type = text(obj.type) ?? event;
    if (type === "error" || event === "error") {
      const e = errorOf(obj);
      return { kind: "error_event", transport: "stream", message: e.message ?? "an error event without a message", ...(e.code ? { code: e.code } : {}) };
    }
    if (type === "response.output_text.delta" && typeof obj.delta === "string") streamed += obj.delta;
    if ((type === "response.completed" || type === "response.incomplete" || type === "response.failed") && isObj(obj.response)) final = obj.response;
  }
  if (!final) return { kind: "incomplete", transport: "stream", reason: "the stream ended without a final response event" };
  return judgeResponse(final, "stream", streamed);
}

/** x-ratelimit-* (and retry-after) response headers, when xAI sends them. */
export function rateLimitHeaders(headers: Record<string, string>): Record<string, string> | undefined {
  const found = Object.entries(headers).filter(([k]) => k.startsWith("x-ratelimit-") || k === "retry-after");
  return found.length ? Object.fromEntries(found) : undefined;
}
