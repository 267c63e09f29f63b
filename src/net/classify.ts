// Turns whatever undici/Node threw into one stable, human TransportFailure.
// Matches on err.code, never instanceof: undici's docs (docs/api/Errors.md) warn that error
// classes differ between undici copies, and DNS/TCP/TLS errors are plain Node errors.

import { safeProxyOrigin, stripUserinfo } from "./proxy.js";

export type TransportKind =
  | "dns"
  | "refused"
  | "reset"
  | "connect_timeout"
  | "headers_timeout"
  | "body_timeout"
  | "timeout"
  | "aborted"
  | "tls_untrusted"
  | "tls_expired"
  | "tls_hostname"
  | "tls_other"
  | "proxy_refused"
  | "proxy_unreachable"
  | "ca_file"
  | "other";

export interface TransportFailure {
  kind: TransportKind;
  /** err.code, else the error's name (e.g. "TimeoutError"). */
  code: string;
  /** One line, human. Never contains request headers, bodies or proxy credentials. */
  message: string;
  /** Host name of the target URL. */
  host: string;
  /** Proxy origin (no credentials) when the request went through a proxy. */
  viaProxy?: string;
  /** HTTP status the proxy answered CONNECT with (proxy_refused only). */
  proxyStatus?: number;
}

export interface ClassifyContext {
  url: string;
  viaProxy?: string;
}

const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);
const EXPIRED = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const DNS = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA"]);
const UNREACHABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "EADDRNOTAVAIL"]);
const RESET = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);

// undici 7 ProxyAgent (lib/dispatcher/proxy-agent.js): a non-200 CONNECT answer is a
// RequestAbortedError (code UND_ERR_ABORTED) with this message; the non-tunnel wrapper
// reports 407 as an InvalidArgumentError.
const PROXY_STATUS_RE = /Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/;
const PROXY_AUTH_RE = /Proxy Authentication Required \((\d{3})\)/;

interface ErrInfo {
  code: string;
  name: string;
  message: string;
  reason?: string;
}

function info(e: unknown): ErrInfo {
  if (e && typeof e === "object") {
    const o = e as { code?: unknown; name?: unknown; message?: unknown; reason?: unknown };
    return {
      code: typeof o.code === "string" ? o.code : "",
      name: typeof o.name === "string" ? o.name : "Error",
      message: typeof o.message === "string" ? o.message : String(e),
      ...(typeof o.reason === "string" ? { reason: o.reason } : {}),
    };
  }
  return { code: "", name: typeof e, message: String(e) };
}

// The most specific error: undici wraps proxy TLS errors (UND_ERR_PRX_TLS, .cause) and Node's
// happy-eyeballs connect wraps attempts in an AggregateError (.errors).
function innermost(err: unknown): { err: unknown; atProxyTls: boolean } {
  let cur = err;
  let atProxyTls = false;
  for (let i = 0; i < 5 && cur && typeof cur === "object"; i++) {
    const o = cur as { code?: unknown; cause?: unknown; errors?: unknown };
    if (o.code === "UND_ERR_PRX_TLS" && o.cause) {
      atProxyTls = true;
      cur = o.cause;
      continue;
    }
    if (!o.code && Array.isArray(o.errors) && o.errors.length > 0) {
      cur = o.errors[0];
      continue;
    }
    break;
  }
  return { err: cur, atProxyTls };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return stripUserinfo(url);
  }
}

// Node/undici messages are safe to quote (no headers or bodies), but scrub URLs' userinfo
// and keep them to one line.
function oneLine(text: string): string {
  return stripUserinfo(text).replace(/\s+/g, " ").trim().slice(0, 300);
}

const TRUST_FIX = "trust its CA with --ca-file <corp-ca.pem> or by setting NODE_EXTRA_CA_CERTS=<corp-ca.pem> in the environment";

export function classifyTransportError(err: unknown, ctx: ClassifyContext): TransportFailure {
  const host = hostOf(ctx.url);
  const proxy = ctx.viaProxy ? safeProxyOrigin(ctx.viaProxy) : undefined;
  const { err: inner, atProxyTls } = innermost(err);
  const i = info(inner);
  const outer = info(err);
  const code = i.code || outer.code || i.name;
  const base = { code, host, ...(proxy ? { viaProxy: proxy } : {}) };
  const via = proxy ? ` (via proxy ${proxy})` : "";
  const proxyHost = proxy ? hostOf(proxy) : undefined;

  // Our own typed config error (see http.ts) carries its kind.
  if (i.name === "HttpClientConfigError" && (inner as { kind?: unknown }).kind === "ca_file") {
    return { ...base, kind: "ca_file", message: oneLine(i.message) };
  }

  // Abort / deadline: AbortSignal reasons are DOMExceptions, not UND_ERR codes.
  if (i.name === "TimeoutError") {
    return { ...base, kind: "timeout", message: `The request to ${host}${via} did not finish within its time limit` };
  }

  const proxyStatus = PROXY_STATUS_RE.exec(i.message) ?? PROXY_AUTH_RE.exec(i.message);
  if (proxyStatus?.[1]) {
    const status = Number(proxyStatus[1]);
    const who = proxy ?? "the proxy";
    const why =
      status === 407
        ? "it requires authentication: put credentials in the proxy URL (http://user:pass@host:port) or ask your network admin"
        : status === 403
          ? `its policy blocks ${host}: ask your network admin to allow it, or add ${host} to NO_PROXY if it is reachable directly`
          : status === 502 || status === 503 || status === 504
            ? `it could not reach ${host} itself`
            : `ask your network admin, or add ${host} to NO_PROXY if it is reachable directly`;
    return {
      ...base,
      code: code || "UND_ERR_ABORTED",
      kind: "proxy_refused",
      proxyStatus: status,
      message: `Proxy ${who} refused to open a tunnel to ${host} (HTTP ${status}): ${why}`,
    };
  }

  if (i.name === "AbortError" || code === "UND_ERR_ABORTED" || code === "UND_ERR_ABORT" || code === "ABORT_ERR") {
    return { ...base, kind: "aborted", message: `The request to ${host}${via} was cancelled` };
  }

  if (UNTRUSTED.has(code) || EXPIRED.has(code) || code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return tlsFailure(code, i, base, host, proxy, atProxyTls);
  }

  // With a proxy, every TCP connection goes to the proxy; failures to reach the target come
  // back as a CONNECT status instead. So connection-level errors mean the proxy itself.
  if (proxy && (DNS.has(code) || UNREACHABLE.has(code))) {
    const what = DNS.has(code) ? `its host name does not resolve (${code})` : `the connection failed (${code})`;
    return {
      ...base,
      kind: "proxy_unreachable",
      message: `Cannot reach the proxy ${proxy} set in HTTPS_PROXY/HTTP_PROXY: ${what}. Check the proxy variables, or add ${host} to NO_PROXY if no proxy is needed`,
    };
  }
  if (proxy && code === "UND_ERR_CONNECT_TIMEOUT" && proxyHost && i.message.includes(`attempted address: ${proxyHost}:`)) {
    return {
      ...base,
      kind: "proxy_unreachable",
      message: `Connecting to the proxy ${proxy} timed out. Check HTTPS_PROXY/HTTP_PROXY, or add ${host} to NO_PROXY if no proxy is needed`,
    };
  }

  if (DNS.has(code)) {
    const msg =
      code === "EAI_AGAIN"
        ? `Temporary DNS failure looking up ${host} (EAI_AGAIN): the resolver did not answer; check the network or DNS settings`
        : `DNS lookup for ${host} failed (${code}): the name does not resolve from this machine`;
    return { ...base, kind: "dns", message: msg };
  }
  if (code === "ECONNREFUSED") {
    return { ...base, kind: "refused", message: `${host} refused the connection (ECONNREFUSED): nothing is listening there, or a firewall rejected it` };
  }
  if (UNREACHABLE.has(code)) {
    return { ...base, kind: "other", message: `${host} is not reachable from this machine (${code}): check the network connection or VPN` };
  }
  if (RESET.has(code)) {
    return {
      ...base,
      kind: "reset",
      message: `The connection to ${host}${via} was closed before a complete response (${code}): a firewall, proxy or the server dropped it`,
    };
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return { ...base, kind: "connect_timeout", message: `Connecting to ${host}${via} timed out (${code}): packets are being dropped, or the host is down` };
  }
  if (code === "UND_ERR_HEADERS_TIMEOUT") {
    return { ...base, kind: "headers_timeout", message: `${host}${via} accepted the connection but sent no response in time (${code})` };
  }
  if (code === "UND_ERR_BODY_TIMEOUT") {
    return { ...base, kind: "body_timeout", message: `${host}${via} started a response but stopped sending it (${code})` };
  }
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code === "EPROTO" || /CERT|SSL|TLS/.test(code)) {
    const hint = code === "ERR_SSL_WRONG_VERSION_NUMBER" ? "the other side is not speaking TLS on this port" : oneLine(i.message);
    return { ...base, kind: "tls_other", message: `TLS with ${host}${via} failed (${code})${hint && hint !== code ? `: ${hint}` : ""}` };
  }
  const detail = oneLine(i.message);
  return { ...base, kind: "other", message: `Request to ${host}${via} failed (${code})${detail && detail !== code ? `: ${detail}` : ""}` };
}

function tlsFailure(
  code: string,
  i: ErrInfo,
  base: { code: string; host: string; viaProxy?: string },
  host: string,
  proxy: string | undefined,
  atProxyTls: boolean,
): TransportFailure {
  // A certificate problem with an https:// proxy's own certificate.
  if (atProxyTls && proxy) {
    return { ...base, kind: kindOfTls(code), message: `The TLS certificate of the proxy ${proxy} was rejected (${code}): ${oneLine(i.reason ?? i.message)}` };
  }
  const kind = kindOfTls(code);
  if (kind === "tls_untrusted") {
    const message = proxy
      ? `The certificate presented for ${host} through the proxy ${proxy} is not trusted (${code}). The proxy is most likely intercepting TLS: ${TRUST_FIX}`
      : `The certificate presented by ${host} is not trusted (${code}). If a TLS-inspecting proxy, VPN or antivirus sits in between, ${TRUST_FIX}`;
    return { ...base, kind, message };
  }
  if (kind === "tls_expired") {
    const message =
      code === "CERT_NOT_YET_VALID"
        ? `The certificate presented by ${host}${proxy ? ` through the proxy ${proxy}` : ""} is not valid yet (${code}): check this machine's clock`
        : `The certificate presented by ${host}${proxy ? ` through the proxy ${proxy}` : ""} has expired (${code}): check this machine's clock, or the intercepting device's certificate`;
    return { ...base, kind, message };
  }
  return {
    ...base,
    kind,
    message: `The certificate presented ${proxy ? `through the proxy ${proxy} ` : ""}is not valid for ${host} (${code})${i.reason ? `: ${oneLine(i.reason)}` : ""}`,
  };
}

function kindOfTls(code: string): TransportKind {
  if (UNTRUSTED.has(code)) return "tls_untrusted";
  if (EXPIRED.has(code)) return "tls_expired";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "tls_hostname";
  return "tls_other";
}
