// Talking to xAI's OAuth server: OIDC discovery, the refresh grant and userinfo.
// Facts: NousResearch/hermes-agent hermes_cli/auth_xai.py
// (refresh is a form POST of grant_type, client_id, refresh_token; no scope is sent).
import type { HttpClient, HttpOutcome } from "../net/http.js";
import { XAI_OAUTH_CLIENT_ID } from "./constants.js";

export interface Discovery {
  issuer?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  jwksUri?: string;
  deviceAuthorizationEndpoint?: string;
}

export function parseDiscovery(json: unknown): Discovery | undefined {
  if (!json || typeof json !== "object" || Array.isArray(json)) return undefined;
  const d = json as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : undefined);
  return {
    issuer: str("issuer"),
    tokenEndpoint: str("token_endpoint"),
    userinfoEndpoint: str("userinfo_endpoint"),
    jwksUri: str("jwks_uri"),
    deviceAuthorizationEndpoint: str("device_authorization_endpoint"),
  };
}

export function fetchDiscovery(http: HttpClient, url: string, signal: AbortSignal): Promise<HttpOutcome> {
  return http.request({ method: "GET", url, headers: { accept: "application/json" }, signal });
}

export function refreshGrant(http: HttpClient, tokenEndpoint: string, refreshToken: string, signal: AbortSignal): Promise<HttpOutcome> {
  return http.request({
    method: "POST",
    url: tokenEndpoint,
    headers: { accept: "application/json" },
    form: { grant_type: "refresh_token", client_id: XAI_OAUTH_CLIENT_ID, refresh_token: refreshToken },
    signal,
  });
}

export function fetchUserinfo(http: HttpClient, url: string, accessToken: string, signal: AbortSignal): Promise<HttpOutcome> {
  return http.request({ method: "GET", url, headers: { accept: "application/json", authorization: `Bearer ${accessToken}` }, signal });
}

/** The fields of a successful token response Hermes stores (auth_xai.py _xai_tokens_from_payload). */
export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  token_type?: string;
}

export function parseTokenResponse(json: unknown): TokenResponse | undefined {
  if (!json || typeof json !== "object") return undefined;
  const t = json as Record<string, unknown>;
  if (typeof t.access_token !== "string" || t.access_token === "") return undefined;
  return {
    access_token: t.access_token,
    ...(typeof t.refresh_token === "string" && t.refresh_token ? { refresh_token: t.refresh_token } : {}),
    ...(typeof t.id_token === "string" ? { id_token: t.id_token } : {}),
    ...(typeof t.expires_in === "number" ? { expires_in: t.expires_in } : {}),
    ...(typeof t.token_type === "string" ? { token_type: t.token_type } : {}),
  };
}
