import type { DoctorCheck, DoctorContext } from "./context.js";
import path from "node:path";
import { DEFAULT_API_BASE, hermesInferenceBase, resolveEndpoints, type Endpoints } from "../src/xai/endpoints.js";
import { lookupPreferDotenv, readDotenv } from "../src/hermes/dotenv.js";
import type { CredentialData } from "../src/hermes/credentials.js";
import type { StoreHomeData } from "./store-home.js";
import type { HttpClientConfigError } from "../src/net/http.js";
import { readProxyEnv, safeProxyOrigin } from "../src/net/proxy.js";

export type EndpointsData = Endpoints & {
  /** Where the API base comes from: a flag/env override, Hermes' own settings, or the default. */
  apiBaseSource: string;
};

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
    const resolved = resolveEndpoints({ issuer: options.issuer, apiBase: options.apiBase }, env);
    // Without an override, probe the inference base Hermes itself will use.
    const base = resolved.apiBaseOverridden ? undefined : await hermesBase(ctx);
    const endpoints: EndpointsData = {
      ...resolved,
      apiBase: base?.url ?? resolved.apiBase,
      apiBaseSource: resolved.apiBaseOverridden ? `override (${resolved.overrideSource?.apiBase ?? "flag"})` : base!.source,
    };
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
    if (base?.rejected) {
      return {
        status: "warn",
        code: "inference_base_ignored",
        summary: `${base.rejected.source} is set but Hermes ignores it (${base.rejected.message}); Hermes and this probe use ${endpoints.apiBase}`,
        details: { issuer: endpoints.issuer, apiBase: endpoints.apiBase, apiBaseSource: endpoints.apiBaseSource, ignored: base.rejected.value, ...proxy },
        fixes: [{ text: `Remove ${base.rejected.source}, or point it at an https *.x.ai URL` }],
        data: endpoints,
      };
    }
    return {
      status: "pass",
      summary: overridden
        ? `overridden endpoints: issuer ${endpoints.issuer}, API ${endpoints.apiBase} (not the real xAI)${via}`
        : `issuer ${endpoints.issuer}, API ${endpoints.apiBase}${endpoints.apiBase !== DEFAULT_API_BASE ? ` (from ${endpoints.apiBaseSource})` : ""}${via}`,
      details: {
        issuer: endpoints.issuer,
        apiBase: endpoints.apiBase,
        apiBaseSource: endpoints.apiBaseSource,
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

/** HERMES_XAI_BASE_URL, then XAI_BASE_URL (.env beats the environment), then the pool row's base_url. */
async function hermesBase(ctx: DoctorContext) {
  const home = ctx.data<StoreHomeData>("store.home");
  const cred = ctx.data<CredentialData>("xai.credential");
  const dotenv = home ? await readDotenv(path.join(home.home, ".env")) : { kind: "missing" as const };
  const values = dotenv.kind === "ok" ? dotenv.values : {};
  const fromEnv = (key: string) => {
    const found = lookupPreferDotenv(key, values, ctx.services.env);
    return { source: `${key} (${found.source ?? "unset"})`, value: found.value };
  };
  return hermesInferenceBase([fromEnv("HERMES_XAI_BASE_URL"), fromEnv("XAI_BASE_URL"), { source: "the pool row's base_url", value: cred?.baseUrl }]);
}
