// The doctor's only HTTP client: undici's `dispatcher.request` (not fetch, whose `TypeError: fetch
// failed` buries the error code in `cause`) on an explicit dispatcher, with proxy settings taken from an env snapshot.
// request() never throws for transport problems; it returns a classified failure. undici itself
// is loaded on the first createHttpClient (or loadUndici), never at import: see ./undici.ts.

import { readBoundedSync } from "../hermes/safe-read.js";
import { performance } from "node:perf_hooks";
import tls from "node:tls";
import type { Dispatcher } from "undici";
import { undici } from "./undici.js";
import { CaFileError, PEM_RE, readCaFile } from "./ca-file.js";
import { classifyTransportError, type TransportFailure } from "./classify.js";
import { ProxyConfigError, type ProxyEnv, hasProxy, proxyForUrl, readProxyEnv, safeProxyOrigin } from "./proxy.js";
import { phasesForError, retainChannels, timedConnector, toTimings, traced, type RequestTrace, type Timings } from "./timings.js";

export type { Timings } from "./timings.js";
export type { TransportFailure, TransportKind } from "./classify.js";
export { retryAfterSeconds } from "./retry-after.js";
export { undici as loadUndici } from "./undici.js";

export interface HttpClientOptions {
  /** Proxy variables (and NODE_EXTRA_CA_CERTS) are read from here, never from process.env. */
  env: Readonly<Record<string, string | undefined>>;
  /** --ca-file: PEM certificates added to the trusted set. */
  caFile?: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json. Mutually exclusive with form. */
  json?: unknown;
  signal?: AbortSignal;
  /** Overall deadline for this request, body included. */
  timeoutMs?: number;
  /** Body bytes kept; the rest is discarded and `truncated` set. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  ok: true;
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** Parsed when the body is JSON. */
  json?: unknown;
  /** From the Date header, when valid. */
  date?: Date;
  timings: Timings;
  /** Proxy origin (no credentials) the request went through. */
  viaProxy?: string;
  /** The body was larger than maxBodyBytes and was cut. */
  truncated?: boolean;
}

export interface HttpFailure {
  ok: false;
  failure: TransportFailure;
  timings: Timings;
}

export type HttpOutcome = HttpResponse | HttpFailure;

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpOutcome>;
  /** Lets requests in flight finish (bounded), or with `abandon` drops them at once. */
  close(opts?: { abandon?: boolean }): Promise<void>;
}

/** Bad client configuration: an unusable --ca-file or proxy variable. The message is for humans. */
export class HttpClientConfigError extends Error {
  override readonly name = "HttpClientConfigError";
  constructor(
    readonly kind: "ca_file" | "proxy_url",
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_CONNECT_MS = 5_000;
const DEFAULT_HEADERS_MS = 10_000;
const DEFAULT_BODY_MS = 10_000;
const DEFAULT_MAX_BODY = 1024 * 1024;

// Passing `ca` replaces Node's default trust, which includes NODE_EXTRA_CA_CERTS, so rebuild it.
function buildCa(opts: HttpClientOptions): string[] | undefined {
  if (opts.caFile === undefined) return undefined;
  const extra: string[] = [];
  const extraFile = opts.env.NODE_EXTRA_CA_CERTS;
  if (extraFile) {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; do the same (silently).
    const read = readBoundedSync(extraFile, "ca_bundle");
    if (read.kind === "ok") extra.push(...(read.bytes.toString("utf8").match(PEM_RE) ?? []));
  }
  try {
    return [...tls.rootCertificates, ...extra, ...readCaFile(opts.caFile)];
  } catch (err) {
    if (err instanceof CaFileError) throw new HttpClientConfigError("ca_file", err.message);
    throw err;
  }
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function maybeJson(text: string, contentType: string | undefined): unknown {
  const looksJson = /\bjson\b/i.test(contentType ?? "") || /^\s*[[{]/.test(text);
  if (!looksJson) return undefined;
  try {
    return JSON.parse(text.replace(/^\uFEFF/, "")) as unknown;
  } catch {
    return undefined;
  }
}

async function readCapped(body: Dispatcher.ResponseData["body"], cap: number): Promise<{ buf: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (size + b.length > cap) {
      chunks.push(b.subarray(0, cap - size));
      // Leaving the loop destroys the stream, which frees the socket.
      return { buf: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(b);
    size += b.length;
  }
  return { buf: Buffer.concat(chunks), truncated: false };
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  let proxyEnv: ProxyEnv;
  try {
    proxyEnv = readProxyEnv(opts.env);
  } catch (err) {
    if (err instanceof ProxyConfigError) throw new HttpClientConfigError("proxy_url", err.message);
    throw err;
  }
  const ca = buildCa(opts);
  const { Agent, EnvHttpProxyAgent, buildConnector } = undici();
  const connectTimeout = opts.connectTimeoutMs ?? DEFAULT_CONNECT_MS;
  const tlsOpts = { timeout: connectTimeout, ...(ca ? { ca } : {}) };
  const connect = timedConnector(buildConnector(tlsOpts));
  const common = {
    connect,
    headersTimeout: opts.headersTimeoutMs ?? DEFAULT_HEADERS_MS,
    bodyTimeout: opts.bodyTimeoutMs ?? DEFAULT_BODY_MS,
  };
  let dispatcher: Dispatcher;
  try {
    dispatcher = hasProxy(proxyEnv)
      ? new (EnvHttpProxyAgent())({
          ...common,
          // Explicit "" so undici never falls back to process.env.
          httpProxy: proxyEnv.httpProxy ?? "",
          httpsProxy: proxyEnv.httpsProxy ?? "",
          noProxy: proxyEnv.noProxy,
          // ProxyAgent ignores `connect`: TLS to the target (through the tunnel) and to an
          // https:// proxy are configured here.
          requestTls: tlsOpts,
          proxyTls: tlsOpts,
        })
      : new Agent(common);
  } catch (err) {
    throw new HttpClientConfigError("proxy_url", `The proxy settings are not usable: ${String((err as Error).message ?? err)}`);
  }
  const release = retainChannels();
  let closed = false;

  async function request(req: HttpRequest): Promise<HttpOutcome> {
    const start = performance.now();
    const fail = (failure: TransportFailure): HttpFailure => ({ ok: false, failure, timings: toTimings(start, performance.now(), undefined, undefined) });

    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return fail({ kind: "other", code: "ERR_INVALID_URL", message: `Not a valid URL: ${req.url.slice(0, 200)}`, host: "" });
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return fail({ kind: "other", code: "ERR_UNSUPPORTED_PROTOCOL", message: `Unsupported URL scheme ${url.protocol} (only http and https)`, host: url.hostname });
    }
    const proxyRaw = proxyForUrl(proxyEnv, url);
    const viaProxy = proxyRaw ? safeProxyOrigin(proxyRaw) : undefined;
    const ctx = { url: req.url, ...(viaProxy ? { viaProxy } : {}) };
    if (closed) {
      return fail({ kind: "other", code: "ERR_CLIENT_CLOSED", message: "HTTP client already closed", host: url.hostname });
    }

    const headers: Record<string, string> = { ...req.headers };
    let body: string | undefined;
    if (req.form !== undefined && req.json !== undefined) throw new TypeError("HttpRequest: form and json are mutually exclusive");
    if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      if (!hasHeader(headers, "content-type")) headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      if (!hasHeader(headers, "content-type")) headers["content-type"] = "application/json";
    }

    // One controller for the caller's signal and our own deadline, so the reason tells them apart.
    const ac = new AbortController();
    const onCallerAbort = (): void => ac.abort(req.signal?.reason ?? new DOMException("The operation was aborted", "AbortError"));
    if (req.signal?.aborted) onCallerAbort();
    else req.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const timer =
      req.timeoutMs !== undefined
        ? setTimeout(() => ac.abort(new DOMException(`Request timed out after ${req.timeoutMs} ms`, "TimeoutError")), req.timeoutMs)
        : undefined;

    const trace: RequestTrace = {};
    let headersAt: number | undefined;
    let res: Dispatcher.ResponseData | undefined;
    // undici may sit in a TLS handshake well past the abort; the caller's deadline must not wait.
    const abandoned = new Promise<never>((_, reject) => ac.signal.addEventListener("abort", () => reject(ac.signal.reason), { once: true }));
    try {
      if (ac.signal.aborted) throw ac.signal.reason;
      res = await Promise.race([
        traced(trace, () =>
          dispatcher.request({
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: req.method,
            headers,
            ...(body !== undefined ? { body } : {}),
            signal: ac.signal,
          }),
        ),
        abandoned,
      ]);
      headersAt = performance.now();
      const { buf, truncated } = await readCapped(res.body, req.maxBodyBytes ?? DEFAULT_MAX_BODY);
      const end = performance.now();
      // undici frees the connection just after the body ends; yielding once lets the next
      // sequential request reuse it instead of opening a new one.
      await new Promise((r) => setImmediate(r));
      const respHeaders = flattenHeaders(res.headers);
      const text = buf.toString("utf8");
      const out: HttpResponse = {
        ok: true,
        status: res.statusCode,
        headers: respHeaders,
        text,
        timings: toTimings(start, end, trace.phases, headersAt),
      };
      if (!truncated) {
        const json = maybeJson(text, respHeaders["content-type"]);
        if (json !== undefined) out.json = json;
      } else {
        out.truncated = true;
      }
      const date = respHeaders.date ? new Date(respHeaders.date) : undefined;
      if (date && !Number.isNaN(date.getTime())) out.date = date;
      if (viaProxy) out.viaProxy = viaProxy;
      return out;
    } catch (err) {
      // Never leave a half-read body holding the socket.
      if (res && !res.body.destroyed) res.body.destroy();
      const cause = ac.signal.aborted ? ac.signal.reason : err;
      return {
        ok: false,
        failure: classifyTransportError(cause, ctx),
        timings: toTimings(start, performance.now(), trace.phases ?? phasesForError(err), headersAt),
      };
    } finally {
      if (timer) clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  async function close(opts: { abandon?: boolean } = {}): Promise<void> {
    if (closed) return;
    closed = true;
    release();
    if (opts.abandon) return dispatcher.destroy().catch(() => undefined);
    // close() waits for in-flight requests; do not let a stuck one hang the doctor's exit.
    let t: NodeJS.Timeout | undefined;
    const grace = new Promise<"late">((r) => (t = setTimeout(() => r("late"), 1_000)));
    const done = await Promise.race([dispatcher.close().then(() => "ok" as const, () => "ok" as const), grace]);
    clearTimeout(t);
    if (done === "late") await dispatcher.destroy().catch(() => undefined);
  }

  return { request, close };
}
