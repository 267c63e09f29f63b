// xAI model facts Hermes acts on. Retirements: NousResearch/hermes-agent hermes_cli/xai_retirement.py
// (@ 164118b6); default model: website/docs/guides/xai-grok-oauth.md (@ 1556a27a), "Default model
// grok-4.6".

/** The model Hermes' xai-oauth route uses when config.yaml names none. */
export const DEFAULT_XAI_OAUTH_MODEL = "grok-4.6";

export const MAY_15_MIGRATION_URL = "https://docs.x.ai/developers/migration/may-15-retirement";

export interface Retirement {
  /** ISO date the model stops (or stopped) being served. */
  retiresOn: string;
  replacement: string;
  guideUrl: string;
  /** Hermes' own migration also sets reasoning_effort for these. */
  reasoningEffort?: string;
}

const MAY_15 = "2026-05-15";
const may15 = (replacement: string, reasoningEffort?: string): Retirement =>
  ({ retiresOn: MAY_15, replacement, guideUrl: MAY_15_MIGRATION_URL, ...(reasoningEffort ? { reasoningEffort } : {}) });

/** Exact ids, as in xai_retirement.py `_RETIRED_MODELS`. */
const RETIRED: Record<string, Retirement> = {
  "grok-4-0709": may15("grok-4.3"),
  "grok-4-fast-reasoning": may15("grok-4.3"),
  "grok-4-fast-non-reasoning": may15("grok-4.3", "none"),
  "grok-4-1-fast-reasoning": may15("grok-4.3"),
  "grok-4-1-fast-non-reasoning": may15("grok-4.3", "none"),
  "grok-code-fast-1": may15("grok-build-0.1"),
  "grok-3": may15("grok-4.3", "none"),
  "grok-imagine-image-pro": may15("grok-imagine-image-2.0"),
  "grok-imagine-image-quality": {
    retiresOn: "2026-11-02",
    replacement: "grok-imagine-image-2.0",
    guideUrl: "https://docs.x.ai/developers/migration/imagine-image-quality-nov-2",
  },
};

/** Whole families retired on May 15 (other dated variants of them included). */
const RETIRED_PREFIXES: ReadonlyArray<[string, Retirement]> = [
  ["grok-4-fast-", may15("grok-4.3")],
  ["grok-4-1-fast-", may15("grok-4.3")],
];

/** Announced but not confirmed by xAI or Hermes: worth a note, never a warning. */
export const UNCONFIRMED_EOL: Record<string, string> = {
  "grok-build-0.1": "2026-11-19",
};

/** Hermes' normalisation: lower-case, `x-ai/` or `xai/` prefix dropped. */
export function normalizeModelId(model: string): string {
  const m = model.trim().toLowerCase();
  for (const prefix of ["x-ai/", "xai/"]) if (m.startsWith(prefix)) return m.slice(prefix.length);
  return m;
}

/** Hermes only judges ids that look like xAI's (`grok-...`). */
export function looksLikeXaiModel(model: unknown): model is string {
  return typeof model === "string" && normalizeModelId(model).startsWith("grok-");
}

/** The retirement record for a model id, or undefined (also for non-xAI ids). */
export function retirementOf(model: unknown): Retirement | undefined {
  if (!looksLikeXaiModel(model)) return undefined;
  const id = normalizeModelId(model);
  return RETIRED[id] ?? RETIRED_PREFIXES.find(([p]) => id.startsWith(p))?.[1];
}
