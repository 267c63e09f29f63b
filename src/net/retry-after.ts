// Retry-After, apart from the HTTP client: the checks read it from any answer, and importing it
// must not load undici (an offline run imports the checks, never the client).

/**
 * Retry-After in whole seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP-date, the latter taken
 * relative to the answer's Date header, else our clock). Undefined when absent or unparsable.
 */
export function retryAfterSeconds(res: { headers: Record<string, string>; date?: Date }, nowMs: number = Date.now()): number | undefined {
  const raw = res.headers["retry-after"]?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.round((at - (res.date?.getTime() ?? nowMs)) / 1000));
}
