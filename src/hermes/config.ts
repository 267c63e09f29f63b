// <home>/config.yaml as Hermes reads it, and the provider Hermes resolves from it. Sources
// (NousResearch/hermes-agent @ 00067189): hermes_cli/config.py (YAML load; a parse failure falls
// back to the default config), hermes_cli/auth.py resolve_provider / _env_key_auto_detected /
// _PROVIDER_ALIASES / the registry order.
import { isDict } from "./json.js";
import { readBoundedText } from "./safe-read.js";

export type ConfigRead =
  | { kind: "missing"; danglingLink?: true }
  | { kind: "unreadable"; errno: string; message: string }
  | { kind: "too_large"; size: number; limit: number }
  /** Line/column/code only: a YAML error message quotes the file, which may hold keys. */
  | { kind: "invalid"; line?: number; column?: number; code: string; problem?: string }
  | { kind: "ok"; config: Record<string, unknown>; notMapping?: string };

/**
 * The deepest nesting the doctor parses. A real config.yaml nests a handful of levels; a hostile
 * one (`[`×900) drives the YAML parser so deep that V8 aborts the whole process (a fatal error,
 * not an exception), so it is refused before parsing.
 */
export const MAX_YAML_DEPTH = 100;

/**
 * A cheap upper bound of a YAML text's nesting, stopped at the first point deeper than `max`:
 * block indentation levels, plus `- `/`? ` markers opening nested collections on one line, plus
 * open flow brackets. Brackets count even inside quotes and comments: that can only overcount
 * (a real config never holds a hundred unbalanced brackets), and skipping quotes would let
 * `a: "x` hide a `[[[…` from the count.
 */
export function yamlTooDeep(text: string, max = MAX_YAML_DEPTH): { line: number; column: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let col = 0;
    while (i < n && text[i] === " ") { i++; col++; }
    const c = text[i];
    // Indentation only nests in block context.
    if (flow === 0 && c !== undefined && c !== "\n" && c !== "\r" && c !== "#") {
      while (indents.length && indents[indents.length - 1]! > col) indents.pop();
      if (indents[indents.length - 1] !== col) indents.push(col);
      let markers = 0;
      while ((text[i] === "-" || text[i] === "?") && (text[i + 1] === " " || text[i + 1] === "\t")) {
        markers++; i += 2; col += 2;
        while (text[i] === " ") { i++; col++; }
      }
      if (indents.length + markers > max) return { line, column: col + 1 };
    }
    for (; i < n && text[i] !== "\n"; i++, col++) {
      const ch = text[i];
      if (ch === "[" || ch === "{") {
        if (indents.length + ++flow > max) return { line, column: col + 1 };
      } else if ((ch === "]" || ch === "}") && flow > 0) flow--;
    }
    i++;
    line++;
  }
  return undefined;
}

export async function readConfigYaml(path: string): Promise<ConfigRead> {
  const read = await readBoundedText(path, "config_yaml");
  if (read.kind !== "ok") return read;
  const text = read.text;
  const deep = yamlTooDeep(text);
  if (deep) return { kind: "invalid", code: "TOO_DEEP", ...deep, problem: `nested more than ${MAX_YAML_DEPTH} levels deep` };
  // Nothing but YAML white space (the parser gives null, an empty config) needs no parser: only a
  // real text loads it (about half a bare node's start-up). Not trim(): U+00A0 is a YAML scalar.
  if (/^[ \t\r\n]*$/.test(text)) return { kind: "ok", config: {} };
  const YAML = (await import("yaml")).default;
  // PyYAML semantics: YAML 1.1 scalars (yes/no are booleans) and duplicate keys allowed (last wins).
  try {
    const doc = YAML.parseDocument(text, { version: "1.1", uniqueKeys: false, merge: true });
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      return { kind: "invalid", code: err.code, ...(pos ? { line: pos.line, column: pos.col } : {}) };
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) return { kind: "ok", config: {} };
    if (!isDict(value)) return { kind: "ok", config: {}, notMapping: Array.isArray(value) ? "a list" : typeof value };
    return { kind: "ok", config: value };
  } catch (err) {
    // toJS throws on alias floods (maxAliasCount) and the like: a finding, never a crash. yaml's
    // maxAliasCount (https://eemeli.org/yaml/#tojs-options) "prevents exponential entity expansion
    // attacks": doubling aliases (`b: [*a, *a]` 40 levels deep) stand for 2^40 nodes otherwise.
    if ((err as Error | undefined)?.name === "ReferenceError") return { kind: "invalid", code: "ALIAS", problem: "its aliases (*name) expand it past 1000 nodes, as an alias bomb does" };
    return { kind: "invalid", code: "UNPARSEABLE" };
  }
}

/** resolve_provider aliases for the xAI family (auth.py _PROVIDER_ALIASES). */
const XAI_ALIASES: Record<string, string> = {
  "x-ai": "xai", "x.ai": "xai", grok: "xai",
  "xai-oauth": "xai-oauth", "x-ai-oauth": "xai-oauth", "grok-oauth": "xai-oauth", "xai-grok-oauth": "xai-oauth",
};

/** Lower-cased, alias-resolved provider id; "auto" when unset. */
export function normalizeProvider(raw: unknown): string {
  const v = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  if (!v) return "auto";
  return XAI_ALIASES[v] ?? v;
}

export interface ModelSettings {
  /** As written (trimmed), if any. */
  providerRaw?: string;
  /** Normalised; "auto" when unset. */
  provider: string;
  /** model.default, else its alias model.model, else a bare string `model:`. */
  model?: string;
  modelKey?: "model.default" | "model.model" | "model";
  baseUrl?: string;
  apiMode?: string;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** The `model` section, with Hermes' normalisation of root-level provider/base_url. */
export function modelSettings(config: Record<string, unknown>): ModelSettings {
  const m = config.model;
  const section = isDict(m) ? m : {};
  // _normalize_root_model_keys: root-level provider/base_url fill an empty model side.
  const providerRaw = text(section.provider) ?? text(config.provider);
  const baseUrl = text(section.base_url) ?? text(config.base_url);
  let model: string | undefined;
  let modelKey: ModelSettings["modelKey"];
  if (typeof m === "string" && m.trim()) { model = m.trim(); modelKey = "model"; }
  else if (text(section.default)) { model = text(section.default); modelKey = "model.default"; }
  else if (text(section.model)) { model = text(section.model); modelKey = "model.model"; }
  return {
    ...(providerRaw ? { providerRaw } : {}),
    provider: normalizeProvider(providerRaw),
    ...(model ? { model, modelKey } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    ...(text(section.api_mode) ? { apiMode: text(section.api_mode)! } : {}),
  };
}

/** Every configured model slot worth checking for retired xAI ids: [config path, value]. */
export function modelSlots(config: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const push = (p: string, v: unknown) => { if (typeof v === "string" && v.trim()) out.push([p, v.trim()]); };
  const ms = modelSettings(config);
  if (ms.model && ms.modelKey) out.push([ms.modelKey, ms.model]);
  const section = (...keys: string[]): Record<string, unknown> | undefined => {
    let node: unknown = config;
    for (const k of keys) node = isDict(node) ? node[k] : undefined;
    return isDict(node) ? node : undefined;
  };
  // Slots hermes_cli/xai_retirement.py scans, plus fallback_providers.
  push("principal.model", section("principal")?.model);
  const fb = config.fallback_providers;
  if (Array.isArray(fb)) fb.forEach((f, i) => { if (isDict(f)) push(`fallback_providers[${i}].model`, f.model); });
  for (const [slot, cfg] of Object.entries(section("auxiliary") ?? {})) if (isDict(cfg)) push(`auxiliary.${slot}.model`, cfg.model);
  push("delegation.model", section("delegation")?.model);
  push("tts.xai.model", section("tts", "xai")?.model);
  push("plugins.image_gen.xai.model", section("plugins", "image_gen", "xai")?.model);
  return out;
}

/**
 * resolve_provider("auto") after config.yaml: OPENAI_API_KEY / OPENROUTER_API_KEY pick openrouter,
 * then the registry's API-key providers in order (copilot and lmstudio are never auto-detected).
 * Everything listed here comes before `xai` (XAI_API_KEY); the list is auth.py @ 00067189.
 */
export const AUTO_PROVIDER_KEYS: ReadonlyArray<[provider: string, envVars: readonly string[]]> = [
  ["openrouter", ["OPENAI_API_KEY", "OPENROUTER_API_KEY"]],
  ["gemini", ["GOOGLE_API_KEY", "GEMINI_API_KEY"]],
  ["zai", ["GLM_API_KEY", "ZAI_API_KEY", "Z_AI_API_KEY"]],
  ["kimi-coding", ["KIMI_API_KEY", "KIMI_CODING_API_KEY"]],
  ["kimi-coding-cn", ["KIMI_CN_API_KEY"]],
  ["stepfun", ["STEPFUN_API_KEY"]],
  ["arcee", ["ARCEEAI_API_KEY"]],
  ["gmi", ["GMI_API_KEY"]],
  ["actual", ["ACTUAL_API_KEY"]],
  ["minimax", ["MINIMAX_API_KEY"]],
  ["anthropic", ["ANTHROPIC_API_KEY", "ANTHROPIC_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"]],
  ["alibaba", ["DASHSCOPE_API_KEY"]],
  ["alibaba-coding-plan", ["ALIBABA_CODING_PLAN_API_KEY"]],
  ["minimax-cn", ["MINIMAX_CN_API_KEY"]],
  ["deepseek", ["DEEPSEEK_API_KEY"]],
  ["xai", ["XAI_API_KEY"]],
];

/** The first provider an env key selects on the auto path, with the variable that selected it. */
export function autoProviderFromKeys(usable: (envVar: string) => boolean): { provider: string; envVar: string } | undefined {
  for (const [provider, vars] of AUTO_PROVIDER_KEYS) {
    for (const v of vars) if (usable(v)) return { provider, envVar: v };
  }
  return undefined;
}

/** Values under secret-looking keys anywhere in the config (to register them as secrets). */
export function secretLikeValues(config: unknown, depth = 0): string[] {
  if (depth > 12) return [];
  if (Array.isArray(config)) return config.flatMap((v) => secretLikeValues(v, depth + 1));
  if (!isDict(config)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === "string" && /(api_?key|token|secret|password|^api$)/i.test(k) && !/_env$/i.test(k)) out.push(v);
    else out.push(...secretLikeValues(v, depth + 1));
  }
  return out;
}
