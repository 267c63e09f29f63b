// Proxy settings read from an env snapshot, mirroring undici 7's EnvHttpProxyAgent
// (lib/dispatcher/env-http-proxy-agent.js) so we can tell which proxy a URL will use.

export interface ProxyEnv {
  /** Normalised proxy URLs (userinfo kept: undici needs it for Proxy-Authorization). */
  httpProxy?: string;
  httpsProxy?: string;
  /** Raw NO_PROXY value ("" when unset). */
  noProxy: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Thrown for a proxy variable that is not a usable URL. */
export class ProxyConfigError extends Error {
  override readonly name = "ProxyConfigError";
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

// Lower case first, `??` not `||`: an empty lower-case value wins, exactly like undici.
function pick(env: Env, lower: string, upper: string): { name: string; value: string | undefined } {
  if (env[lower] !== undefined) return { name: lower, value: env[lower] };
  return { name: upper, value: env[upper] };
}

// Scheme-less values ("proxy:3128") get http://, as httpx (what Hermes uses) and curl do;
// undici would otherwise parse "proxy:" as the scheme and fail.
function normalise(name: string, raw: string): string {
  const value = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ProxyConfigError(name, `${name} is not a valid proxy URL: ${stripUserinfo(value)}`);
  }
  if (!["http:", "https:", "socks:", "socks5:"].includes(url.protocol) || !url.hostname) {
    throw new ProxyConfigError(name, `${name} must be an http://, https:// or socks5:// proxy URL, got ${safeProxyOrigin(withScheme)}`);
  }
  return withScheme;
}

/** Reads http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY, no_proxy/NO_PROXY from the snapshot. */
export function readProxyEnv(env: Env): ProxyEnv {
  const http = pick(env, "http_proxy", "HTTP_PROXY");
  const https = pick(env, "https_proxy", "HTTPS_PROXY");
  const no = pick(env, "no_proxy", "NO_PROXY");
  const out: ProxyEnv = { noProxy: no.value ?? "" };
  if (http.value) out.httpProxy = normalise(http.name, http.value);
  if (https.value) out.httpsProxy = normalise(https.name, https.value);
  return out;
}

export function hasProxy(p: ProxyEnv): boolean {
  return p.httpProxy !== undefined || p.httpsProxy !== undefined;
}

/** The proxy URL undici will use for `target`, or undefined for a direct connection. */
export function proxyForUrl(p: ProxyEnv, target: URL): string | undefined {
  // HTTPS falls back to the HTTP proxy, as in undici.
  const proxy = target.protocol === "https:" ? (p.httpsProxy ?? p.httpProxy) : p.httpProxy;
  if (!proxy) return undefined;
  const defaultPort = target.protocol === "https:" ? 443 : target.protocol === "http:" ? 80 : 0;
  const hostname = target.host.replace(/:\d*$/, "").toLowerCase();
  const port = Number.parseInt(target.port, 10) || defaultPort;
  return shouldProxy(p.noProxy, hostname, port) ? proxy : undefined;
}

// Same rules as undici's #shouldProxy: exact host or domain suffix, optional :port, or "*".
function shouldProxy(noProxy: string, hostname: string, port: number): boolean {
  const entries = noProxy
    .split(/[,\s]/)
    .filter((e) => e)
    .map((entry) => {
      const m = /^(.+):(\d+)$/.exec(entry);
      return {
        hostname: (m?.[1] ?? entry).replace(/^\*?\./, "").toLowerCase(),
        port: m?.[2] ? Number.parseInt(m[2], 10) : 0,
      };
    });
  if (entries.length === 0) return true;
  if (noProxy === "*") return false;
  for (const e of entries) {
    if (e.port && e.port !== port) continue;
    if (hostname === e.hostname) return false;
    if (hostname.endsWith(`.${e.hostname}`)) return false;
  }
  return true;
}

/** "http://user:pw@proxy:3128/" -> "http://proxy:3128". Never returns credentials. */
export function safeProxyOrigin(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return stripUserinfo(raw);
  }
}

/** Removes any "user:pass@" after a scheme, anywhere in a string. */
export function stripUserinfo(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1");
}
