// config.provider: which provider Hermes routes chat to, from config.yaml and <home>/.env, and
// whether an API key silently preempts the OAuth login (hermes_cli/auth.py resolve_provider /
// _env_key_auto_detected @ 00067189).
import path from "node:path";
import type { DoctorCheck } from "./context.js";
import type { StoreHomeData } from "./store-home.js";
import { fingerprint, secretsInVariables } from "../src/engine/secrets.js";
import { tildePath } from "../src/hermes/home.js";
import { AUTO_PROVIDER_KEYS, autoProviderFromKeys, modelSettings, readConfigYaml, secretLikeValues, type ConfigRead } from "../src/hermes/config.js";
import { hasUsableSecret, lookupPreferDotenv, readDotenv, type DotenvRead, type ValueSource } from "../src/hermes/dotenv.js";
import { formatBytes } from "../src/hermes/safe-read.js";
import { XAI_PROVIDER_ID } from "../src/xai/constants.js";

export interface ProviderData {
  /** model.provider as normalised by Hermes ("auto" when unset); undefined when config.yaml is unusable. */
  provider?: string;
  /** model.default (or model.model) as configured. */
  model?: string;
  baseUrl?: string;
  /** XAI_API_KEY as Hermes would read it (.env first). A secret. */
  apiKey?: string;
  apiKeySource?: ValueSource;
  configPath: string;
  envPath: string;
  /** The whole config.yaml, parsed ({} when missing or unusable). Never rendered. */
  config: Record<string, unknown>;
  /** Provider the auto path resolves to from API keys, when the provider is auto. */
  autoProvider?: string;
}


/** What is wrong with a config.yaml or .env that could not be used, in words that never quote it. */
function problemOf(r: Exclude<ConfigRead | DotenvRead, { kind: "ok" } | { kind: "missing" }>): string {
  if (r.kind === "too_large") return `${formatBytes(r.size)}, larger than the ${formatBytes(r.limit)} the doctor reads (not read)`;
  if (r.kind === "unreadable") return `unreadable (${r.message})`;
  // Some refusals (an alias flood) have no single position: say none rather than "line ?".
  const at = r.line !== undefined ? `line ${r.line}, column ${r.column ?? "?"}` : undefined;
  if (r.problem) return `not parsed: ${r.problem}${at ? ` (${at})` : ""}`;
  return `invalid YAML${at ? ` at ${at}` : ""} (${r.code})`;
}

const missingWords = (r: { danglingLink?: true }) => (r.danglingLink ? "missing (a symbolic link to a file that does not exist)" : "missing");

export const configProvider: DoctorCheck<ProviderData> = {
  id: "config.provider",
  title: "Provider routing",
  layer: "config",
  description: "Reads config.yaml and .env as Hermes does and tells whether chat is routed to the xai-oauth login (an XAI_API_KEY silently preempts it when the provider is auto).",
  dependsOn: ["store.home"],
  async run(ctx) {
    const home = ctx.data<StoreHomeData>("store.home")!;
    const { env, secrets, userHome, platform } = ctx.services;
    const show = (p: string) => tildePath(p, userHome, platform);
    const configPath = path.join(home.home, "config.yaml");
    const envPath = path.join(home.home, ".env");
    const [cfg, dot] = await Promise.all([readConfigYaml(configPath), readDotenv(envPath)]);
    const dotenv = dot.kind === "ok" ? dot.values : {};
    // Values under secret-looking names and URL passwords (a proxy in .env) only: a path or model
    // id in .env must stay readable.
    for (const v of secretsInVariables(dotenv)) secrets.add(v);
    const config = cfg.kind === "ok" ? cfg.config : {};
    for (const v of secretLikeValues(config)) secrets.add(v);

    const ms = modelSettings(config);
    const key = lookupPreferDotenv("XAI_API_KEY", dotenv, env);
    secrets.add(key.value);
    const keySource = key.inDotenv && key.inEnvironment ? "both" : key.source;
    const usable = (v: string) => {
      const l = lookupPreferDotenv(v, dotenv, env);
      secrets.add(l.value);
      return hasUsableSecret(l.value);
    };
    const auto = ms.provider === "auto" ? autoProviderFromKeys(usable) : undefined;

    const data: ProviderData = {
      ...(cfg.kind === "ok" ? { provider: ms.provider } : {}),
      ...(ms.model ? { model: ms.model } : {}),
      ...(ms.baseUrl ? { baseUrl: ms.baseUrl } : {}),
      ...(key.value ? { apiKey: key.value, apiKeySource: key.source! } : {}),
      configPath, envPath, config,
      ...(auto ? { autoProvider: auto.provider } : {}),
    };
    const details: Record<string, unknown> = {
      configPath,
      config: cfg.kind === "ok" ? (cfg.notMapping ? `not a mapping (${cfg.notMapping}): ignored` : "read") : cfg.kind === "missing" ? missingWords(cfg) : cfg.kind,
      envPath,
      env: dot.kind === "ok" ? `read (${Object.keys(dotenv).length} variables)` : dot.kind === "missing" ? missingWords(dot) : problemOf(dot),
      provider: ms.providerRaw ?? "(unset: auto)",
      ...(ms.model ? { model: ms.model, modelKey: ms.modelKey } : {}),
      ...(ms.baseUrl ? { baseUrl: ms.baseUrl } : {}),
      ...(ms.apiMode ? { apiMode: ms.apiMode } : {}),
      XAI_API_KEY: key.value || key.opReference
        ? {
          source: keySource,
          fingerprint: key.value ? fingerprint(key.value) : null,
          ...(key.inDotenv && key.inEnvironment ? { note: ".env wins over the environment for Hermes-managed credentials" } : {}),
          ...(key.opReference ? { opReference: true } : {}),
        }
        : null,
      ...(auto ? { autoResolvesTo: `${auto.provider} (via ${auto.envVar})` } : {}),
    };

    if (cfg.kind === "invalid" || cfg.kind === "unreadable" || cfg.kind === "too_large") {
      return {
        status: "warn",
        code: "config_unreadable",
        summary: `${show(configPath)} is ${problemOf(cfg)}: Hermes falls back to its default config (every override ignored) and refuses to auto-select a provider from API keys`,
        details: { ...details, config: problemOf(cfg) },
        fixes: [{ text: "Fix config.yaml", command: "hermes config edit" }],
        data,
      };
    }
    if (dot.kind === "unreadable" || dot.kind === "too_large") {
      // Without .env the API-key analysis below would be built on half the facts: say so instead.
      return {
        status: "warn",
        code: "env_unreadable",
        summary: `${show(envPath)} is ${problemOf(dot)}: the doctor ignores its variables, so an XAI_API_KEY or other key in it is not judged`,
        details,
        fixes: [{ text: `Replace ${show(envPath)} with a regular text file of KEY=value lines (or remove it)` }],
        data,
      };
    }

    const pin = { text: `Route chat to the OAuth login: set \`model.provider: ${XAI_PROVIDER_ID}\` in config.yaml`, command: `hermes config set model.provider ${XAI_PROVIDER_ID}` };
    if (ms.provider === "auto" && auto) {
      const viaXai = auto.envVar === "XAI_API_KEY";
      const src = lookupPreferDotenv(auto.envVar, dotenv, env).source;
      return {
        status: "warn",
        code: "api_key_preempts_oauth",
        summary: viaXai
          ? `model.provider is unset and XAI_API_KEY is set (${keySource === "both" ? ".env and environment" : src}): Hermes resolves to 'xai' (API key) and does not use the OAuth login. Hermes warns: "Provider resolved to 'xai' via XAI_API_KEY, preempting your logged-in OAuth provider 'xai-oauth'. If you meant to use the OAuth login, unset XAI_API_KEY or set \`model.provider\` explicitly."`
          : `model.provider is unset and ${auto.envVar} is set (${src}): Hermes resolves to '${auto.provider}' and does not use the xAI OAuth login`,
        details,
        fixes: [pin, { text: `Or remove ${auto.envVar} from ${src === ".env" ? show(envPath) : "your shell environment"}` }],
        data,
      };
    }
    if (ms.provider !== "auto" && ms.provider !== XAI_PROVIDER_ID) {
      return {
        status: "warn",
        code: "provider_not_oauth",
        summary: ms.provider === "xai"
          ? `config.yaml pins model.provider to '${ms.providerRaw}', the xAI API-key provider (XAI_API_KEY${key.value ? "" : ", which is not set"}): Hermes does not use the OAuth login for chat`
          : `config.yaml pins model.provider to '${ms.providerRaw}': Hermes does not use the xAI OAuth login for chat`,
        details,
        fixes: [pin],
        data,
      };
    }
    if (ms.provider === "auto") {
      return {
        status: "pass",
        summary: `model.provider is unset (auto) and no API key preempts it: Hermes falls back to auth.json's active_provider (xai-oauth when that is where you logged in last)`,
        details: { ...details, checkedKeys: AUTO_PROVIDER_KEYS.flatMap(([, v]) => v).length },
        data,
      };
    }
    return {
      status: "pass",
      summary: `config.yaml routes chat to ${XAI_PROVIDER_ID}${ms.model ? ` (model ${ms.model})` : ""}${key.value ? `; XAI_API_KEY (${keySource}) is set but not used for chat by this provider` : ""}`,
      details,
      data,
    };
  },
};
