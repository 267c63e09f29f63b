import { sharedOnce, type DoctorCheck } from "./context.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { ProviderData } from "./config-provider.js";
import { probeApiKey } from "../src/xai/api.js";
import { classifyApiResponse } from "../src/xai/signatures.js";
import { fingerprint } from "../src/engine/secrets.js";
import { transportOutcome } from "./support.js";
import { API_KEY_FIX } from "../src/xai/constants.js";

/**
 * The other rail: an XAI_API_KEY, probed with GET /v1/api-key (no inference). When OAuth is
 * denied, this says whether switching Hermes to `provider: xai` would work right now.
 */
export const apikeyProbe: DoctorCheck = {
  id: "apikey.probe",
  title: "XAI_API_KEY (the API-key rail)",
  layer: "entitlement",
  description: "If XAI_API_KEY is set (.env or environment), checks it with GET /v1/api-key: valid, blocked or disabled, ACLs.",
  dependsOn: ["config.provider", "net.endpoints", "net.api"],
  async run(ctx) {
    const provider = ctx.data<ProviderData>("config.provider")!;
    if (!provider.apiKey) {
      return { status: "skip", code: "no_api_key", summary: "no XAI_API_KEY set (the fallback if OAuth is refused)", fixes: [API_KEY_FIX] };
    }
    if (provider.apiKey.startsWith("op://")) {
      return { status: "skip", code: "api_key_reference", summary: "XAI_API_KEY is a 1Password reference (op://…) that Hermes resolves itself; not probed here" };
    }
    const { apiBase } = ctx.data<EndpointsData>("net.endpoints")!;
    const http = await ctx.services.http();
    const key = provider.apiKey;
    const res = await sharedOnce(ctx, `apikey ${apiBase} ${fingerprint(key)}`, () => probeApiKey(http, apiBase, key, ctx.signal));
    // A side check: its own trouble is a warning, never the verdict about the OAuth login.
    if (!res.ok) return { ...transportOutcome(res, "API key probe failed"), status: "warn", code: "api_key_unchecked" };
    const where = `XAI_API_KEY ${fingerprint(provider.apiKey)}${provider.apiKeySource ? ` from ${provider.apiKeySource}` : ""}`;
    if (res.status === 200) {
      const info = (res.json ?? {}) as Record<string, unknown>;
      const flags = ["team_blocked", "api_key_blocked", "api_key_disabled"].filter((f) => info[f] === true);
      const details = { httpStatus: 200, acls: info.acls, ...(flags.length ? { blocked: flags } : {}) };
      if (flags.length) {
        return { status: "warn", code: "api_key_blocked", summary: `${where} is ${flags.join(", ").replaceAll("_", " ")}`, details, fixes: [{ text: "Unblock or replace the key at https://console.x.ai" }] };
      }
      return { status: "pass", summary: `${where} is valid and enabled`, details };
    }
    const cls = classifyApiResponse(res.status, res.text, res.headers["content-type"]);
    return {
      status: "warn",
      code: cls?.verdict === "api_key_invalid" ? "api_key_invalid" : "api_key_unusable",
      summary: `${where} was refused: HTTP ${res.status}${cls ? ` — ${cls.meaning}` : ""}`,
      details: { httpStatus: res.status, ...(cls?.xaiCode ? { xaiCode: cls.xaiCode } : {}) },
      fixes: [{ text: "Check the key at https://console.x.ai or create a new one" }],
    };
  },
};
