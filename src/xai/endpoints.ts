// Which xAI endpoints the doctor talks to, and whether a URL may receive a token.
// Origin rule mirrors NousResearch/hermes-agent hermes_cli/auth_xai.py (_is_xai_origin_host,
// _xai_url_problem, _xai_validate_oauth_endpoint): https and host x.ai or *.x.ai. Overrides exist for
// the local emulator, so they may also be plain http, but only on loopback.

import { DEFAULT_XAI_OAUTH_BASE_URL, XAI_OAUTH_ISSUER } from "./constants.js";

export const DEFAULT_ISSUER = XAI_OAUTH_ISSUER;
export const DEFAULT_API_BASE = DEFAULT_XAI_OAUTH_BASE_URL;

export const ISSUER_ENV = "HERMES_DOCTOR_ISSUER";
export const API_BASE_ENV = "HERMES_DOCTOR_API_BASE";
export const ISSUER_FLAG = "--issuer";
export const API_BASE_FLAG = "--api-base";

export type OverrideSource = "flag" | "env";

export interface Endpoints {
  issuer: string;
  apiBase: string;
  issuerOverridden: boolean;
  apiBaseOverridden: boolean;
  overrideSource?: { issuer?: OverrideSource; apiBase?: OverrideSource };
}

/** A bad --issuer/--api-base or HERMES_DOCTOR_* value. The message is one line and names the option. */
export class EndpointError extends Error {
  override readonly name = "EndpointError";
  constructor(
    message: string,
    /** The flag or environment variable at fault, e.g. "--issuer" or "HERMES_DOCTOR_API_BASE". */
    readonly option: string,
  ) {
    super(message);
  }
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Quoted for a message, without any userinfo (it could be a password). */
function shown(value: string): string {
  const v = value.replace(/\/\/[^/@\s]*@/, "//***@");
  return JSON.stringify(v.length > 200 ? `${v.slice(0, 199)}…` : v);
}

/** scheme://host[:port]/path without trailing slashes; no query or fragment allowed. */
function normalise(raw: string, option: string): string {
  const value = raw.trim();
  if (!value) throw new EndpointError(`${option} is empty`, option);
  const u = parse(value);
  if (!u) throw new EndpointError(`${option}: ${shown(value)} is not a valid URL`, option);
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new EndpointError(`${option}: ${shown(value)} must be an http:// or https:// URL`, option);
  }
  if (!u.hostname) throw new EndpointError(`${option}: ${shown(value)} has no host`, option);
  if (u.username || u.password) {
    throw new EndpointError(`${option}: ${shown(value)} must not contain a username or password`, option);
  }
  if (u.search || u.hash) {
    throw new EndpointError(`${option}: ${shown(value)} must not have a query string or fragment`, option);
  }
  const path = u.pathname.replace(/\/+$/, "");
  return `${u.protocol}//${u.host}${path}`;
}

function pick(
  flag: string | undefined,
  flagName: string,
  env: Readonly<Record<string, string | undefined>>,
  envName: string,
): { value: string; source: OverrideSource; option: string } | undefined {
  // An explicit flag, even an empty one, is the user's choice; an empty env var counts as unset.
  if (flag !== undefined) return { value: flag, source: "flag", option: flagName };
  const e = env[envName];
  if (e !== undefined && e.trim() !== "") return { value: e, source: "env", option: envName };
  return undefined;
}

/**
 * The flag beats the environment variable, which beats the default. Values are normalised (no trailing
 * slash). Throws EndpointError for a malformed URL, or for an override that would send tokens over
 * plain http to a non-loopback host.
 */
export function resolveEndpoints(
  flags: { issuer?: string; apiBase?: string },
  env: Readonly<Record<string, string | undefined>>,
): Endpoints {
  const issuerPick = pick(flags.issuer, ISSUER_FLAG, env, ISSUER_ENV);
  const apiPick = pick(flags.apiBase, API_BASE_FLAG, env, API_BASE_ENV);

  const resolve = (p: typeof issuerPick, fallback: string): string => {
    if (!p) return fallback;
    const url = normalise(p.value, p.option);
    const check = validateEndpoint(url, { overridden: true, field: p.option });
    if (!check.ok) throw new EndpointError(check.message, p.option);
    return url;
  };

  const out: Endpoints = {
    issuer: resolve(issuerPick, DEFAULT_ISSUER),
    apiBase: resolve(apiPick, DEFAULT_API_BASE),
    issuerOverridden: issuerPick !== undefined,
    apiBaseOverridden: apiPick !== undefined,
  };
  if (issuerPick || apiPick) {
    out.overrideSource = {};
    if (issuerPick) out.overrideSource.issuer = issuerPick.source;
    if (apiPick) out.overrideSource.apiBase = apiPick.source;
  }
  return out;
}

/** True when the host is exactly x.ai or ends in .x.ai, as Hermes' _is_xai_origin_host requires. */
function isXaiHost(host: string): boolean {
  return host === "x.ai" || host.endsWith(".x.ai");
}

/**
 * https on x.ai or *.x.ai. WHATWG parsing, the same parser that undici uses to send the request, so
 * "https://x.ai@evil.com" and "https://evil.com\\@x.ai" resolve to evil.com and are refused.
 */
export function isXaiOrigin(url: string): boolean {
  const u = parse(url);
  return !!u && u.protocol === "https:" && !u.username && !u.password && isXaiHost(u.hostname.toLowerCase());
}

/** localhost, 127.0.0.0/8 (in any form WHATWG normalises, e.g. 127.1), ::1 and ::ffff:127.x.y.z. */
export function isLoopback(url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  const h = u.hostname.toLowerCase();
  if (h === "localhost") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (h === "[::1]") return true;
  // IPv4-mapped 127/8, serialised by WHATWG as [::ffff:7fXX:YYYY].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h);
}

/** Fields that come from OIDC discovery get Hermes' "xAI OIDC discovery ..." wording. */
function prefixFor(field: string): string {
  return field === "issuer" || field.endsWith("_endpoint") || field.endsWith("_uri") ? "xAI OIDC discovery" : "xAI";
}

/**
 * May `url` receive a token? Without an override, it must be https on x.ai or *.x.ai. The messages
 * follow Hermes' xai_discovery_invalid wording (auth_xai.py _xai_validate_oauth_endpoint). With an
 * override (the emulator, a test server), https may point anywhere, and plain http only at loopback.
 */
export function validateEndpoint(
  url: string,
  ctx: { overridden: boolean; field: string },
): { ok: true } | { ok: false; message: string } {
  const { field } = ctx;
  const u = parse(url);
  if (!u) return { ok: false, message: `${field} is not a valid URL: ${shown(url)}.` };
  const host = u.hostname.toLowerCase();
  if (u.username || u.password) {
    return { ok: false, message: `${field} must not contain a username or password: ${shown(url)}.` };
  }

  if (!ctx.overridden) {
    const prefix = prefixFor(field);
    if (u.protocol !== "https:") return { ok: false, message: `${prefix} returned a non-HTTPS ${field}: '${url}'.` };
    if (!host) return { ok: false, message: `${prefix} ${field} is missing a hostname: '${url}'.` };
    if (!isXaiHost(host)) {
      return {
        ok: false,
        message: `${prefix} ${field} host '${host}' is not on the xAI origin (expected x.ai or a *.x.ai subdomain).`,
      };
    }
    return { ok: true };
  }

  if (u.protocol === "https:") return host ? { ok: true } : { ok: false, message: `${field} has no host: ${shown(url)}.` };
  if (u.protocol === "http:") {
    if (isLoopback(url)) return { ok: true };
    return {
      ok: false,
      message: `${field} uses plain http on non-loopback host '${host}'; tokens would cross the network unencrypted (use https, or http only on localhost/127.0.0.1/::1).`,
    };
  }
  return { ok: false, message: `${field} must be an http:// or https:// URL: ${shown(url)}.` };
}

/** OIDC Discovery 1.0 §4: issuer + "/.well-known/openid-configuration". */
export function discoveryUrl(issuer: string): string {
  return `${issuer.trim().replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

export interface InferenceBase {
  url: string;
  /** Where Hermes takes it from: an env variable (.env preferred), the pool row, or the default. */
  source: string;
  /** A configured value Hermes ignores (not https on x.ai), with what it was. */
  rejected?: { source: string; value: string; message: string };
}

/**
 * The inference base Hermes uses for xai-oauth: HERMES_XAI_BASE_URL, else XAI_BASE_URL (each
 * with .env beating the environment), else the pool row's base_url; accepted only when https on
 * x.ai / *.x.ai, otherwise Hermes warns and falls back to the default. Source: hermes-agent
 * agent/auxiliary_client.py _resolve_xai_oauth_for_aux and the xai-oauth credential source
 * (_xai_validate_inference_base_url(..., fallback=DEFAULT_XAI_OAUTH_BASE_URL)).
 */
export function hermesInferenceBase(candidates: readonly { source: string; value: string | undefined }[]): InferenceBase {
  const first = candidates.map((c) => ({ ...c, value: (c.value ?? "").trim().replace(/\/+$/, "") })).find((c) => c.value !== "");
  if (!first) return { url: DEFAULT_API_BASE, source: "default" };
  const v = validateEndpoint(first.value, { overridden: false, field: "inference base URL" });
  if (v.ok) return { url: first.value, source: first.source };
  return { url: DEFAULT_API_BASE, source: "default", rejected: { source: first.source, value: first.value, message: v.message } };
}

// --- The subscription host (Grok CLI's cli-chat-proxy) ------------------------------------------
// Where the Grok CLI reads plan, access and credit usage with the same OAuth identity Hermes holds:
// https://cli-chat-proxy.grok.com/v1 (xai-org/grok-build, mirror raphaelluethy/grok-build
// crates/codegen/xai-grok-shell/src/extensions/billing.rs @ 9804ae63; NousResearch/hermes-agent
// PR #114949). Read-only account facts only; never an inference request.

export const DEFAULT_GROK_BASE = "https://cli-chat-proxy.grok.com/v1";
export const GROK_BASE_ENV = "HERMES_DOCTOR_GROK_BASE";
export const GROK_BASE_FLAG = "--grok-base";

export interface GrokBase {
  url: string;
  overridden: boolean;
  source?: OverrideSource;
}

/** https on grok.com / *.grok.com / x.ai / *.x.ai: the only hosts that may get the token by default. */
export function isGrokAccountOrigin(url: string): boolean {
  const u = parse(url);
  if (!u || u.protocol !== "https:" || u.username || u.password) return false;
  const h = u.hostname.toLowerCase();
  return isXaiHost(h) || h === "grok.com" || h.endsWith(".grok.com");
}

/**
 * --grok-base beats HERMES_DOCTOR_GROK_BASE beats the default; validated like --issuer/--api-base
 * (plain http only on loopback). Throws EndpointError with a one-line message.
 */
export function resolveGrokBase(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): GrokBase {
  const p = pick(flag, GROK_BASE_FLAG, env, GROK_BASE_ENV);
  if (!p) return { url: DEFAULT_GROK_BASE, overridden: false };
  const url = normalise(p.value, p.option);
  const check = validateEndpoint(url, { overridden: true, field: p.option });
  if (!check.ok) throw new EndpointError(check.message, p.option);
  return { url, overridden: true, source: p.source };
}
