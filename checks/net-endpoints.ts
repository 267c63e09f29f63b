import type { DoctorCheck } from "./context.js";
import { resolveEndpoints, type Endpoints } from "../src/xai/endpoints.js";
import type { HttpClientConfigError } from "../src/net/http.js";
import { readProxyEnv, safeProxyOrigin } from "../src/net/proxy.js";

export type EndpointsData = Endpoints;

/** Which xAI hosts this run talks to, through which proxy and with which extra CA. */
export const netEndpoints: DoctorCheck<EndpointsData> = {
  id: "net.endpoints",
  title: "xAI endpoints, proxy and CA",
  layer: "network",
  description: "Resolves the issuer and API base (flags, HERMES_DOCTOR_* overrides), proxy variables and extra CAs.",
  // Without a stored login there is nothing to test over the network: send nothing at all.
  dependsOn: ["xai.credential"],
  async run(ctx) {
    const { options, env } = ctx.services;
    const endpoints = resolveEndpoints({ issuer: options.issuer, apiBase: options.apiBase }, env);
    try {
      await ctx.services.http(); // surfaces an unusable proxy variable or CA file now, once
    } catch (err) {
      // Matched by name: importing the class would load undici for offline runs too.
      if (!isHttpConfigError(err)) throw err;
      return {
        status: "fail",
        code: err.kind === "proxy_url" ? "network_unreachable" : "tls_untrusted",
        summary: err.message,
        fixes: [{ text: err.kind === "proxy_url" ? "Fix or unset the proxy variable (HTTPS_PROXY / HTTP_PROXY)" : "Point --ca-file at a readable PEM file" }],
      };
    }
    let proxy: Record<string, string> = {};
    try {
      const p = readProxyEnv(env);
      proxy = Object.fromEntries(Object.entries({ httpsProxy: p.httpsProxy, httpProxy: p.httpProxy, noProxy: p.noProxy })
        .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")
        .map(([k, v]) => [k, k === "noProxy" ? v : safeProxyOrigin(v)]));
    } catch {
      // already reported above through the client
    }
    const overridden = endpoints.issuerOverridden || endpoints.apiBaseOverridden;
    const via = proxy.httpsProxy ? `; HTTPS proxy ${proxy.httpsProxy}` : "";
    return {
      status: "pass",
      summary: overridden
        ? `overridden endpoints: issuer ${endpoints.issuer}, API ${endpoints.apiBase} (not the real xAI)${via}`
        : `issuer ${endpoints.issuer}, API ${endpoints.apiBase}${via}`,
      details: {
        issuer: endpoints.issuer,
        apiBase: endpoints.apiBase,
        overridden,
        ...(endpoints.overrideSource ? { overrideSource: endpoints.overrideSource } : {}),
        ...proxy,
        ...(options.caFile ? { caFile: options.caFile } : {}),
        ...(env.NODE_EXTRA_CA_CERTS ? { nodeExtraCaCerts: env.NODE_EXTRA_CA_CERTS } : {}),
      },
      data: endpoints,
    };
  },
};

function isHttpConfigError(err: unknown): err is HttpClientConfigError {
  return err instanceof Error && err.name === "HttpClientConfigError";
}
