// config.route: with model.provider unset and no API key preempting it, Hermes routes chat to
// auth.json's active_provider (hermes_cli/auth.py resolve_provider step 6).
// `hermes auth add xai-oauth` only sets it when no provider is active yet (§3), so a login can
// exist while Hermes keeps using another provider.
import type { DoctorCheck } from "./context.js";
import type { ProviderData } from "./config-provider.js";
import type { StoreParseData } from "./store-parse.js";
import { XAI_PROVIDER_ID } from "../src/xai/constants.js";

export const configRoute: DoctorCheck = {
  id: "config.route",
  title: "Chat is routed to the xAI login",
  layer: "config",
  description: "With model.provider unset, Hermes uses auth.json's active_provider: it must be xai-oauth for the OAuth login to be used at all.",
  dependsOn: ["config.provider", "store.parse"],
  async run(ctx) {
    const provider = ctx.data<ProviderData>("config.provider")!;
    const { store } = ctx.data<StoreParseData>("store.parse")!;
    // No usable config.yaml means Hermes' default config: provider auto.
    if ((provider.provider ?? "auto") !== "auto" || provider.autoProvider) {
      return { status: "skip", code: "not_applicable", summary: "the provider is decided by config.yaml or an API key (see config.provider)" };
    }
    const active = typeof store.active_provider === "string" ? store.active_provider : undefined;
    if (active === XAI_PROVIDER_ID) {
      return { status: "pass", summary: `auth.json's active_provider is ${XAI_PROVIDER_ID}: Hermes uses this login for chat`, details: { activeProvider: active } };
    }
    return {
      status: "warn",
      code: "active_provider_not_oauth",
      summary: active
        ? `model.provider is unset and auth.json's active_provider is '${active}': Hermes chats through that provider, not the xAI login`
        : `model.provider is unset and auth.json names no active_provider: Hermes will not pick the xAI login by itself`,
      details: { activeProvider: active ?? null },
      fixes: [{ text: `Route chat to the OAuth login: set \`model.provider: ${XAI_PROVIDER_ID}\` in config.yaml`, command: `hermes config set model.provider ${XAI_PROVIDER_ID}` }],
    };
  },
};
