// config.model: the model Hermes will ask xAI for, and retired xAI model ids anywhere in config.yaml
// (hermes_cli/xai_retirement.py @ 164118b6; default model per the xai-grok-oauth docs, §5).
import type { DoctorCheck } from "./context.js";
import type { ProviderData } from "./config-provider.js";
import { modelSlots } from "../src/hermes/config.js";
import {
  DEFAULT_XAI_OAUTH_MODEL, MAY_15_MIGRATION_URL, UNCONFIRMED_EOL,
  looksLikeXaiModel, normalizeModelId, retirementOf,
} from "../src/xai/models.js";
import { XAI_PROVIDER_ID } from "../src/xai/constants.js";

export interface ModelData {
  /** The chat model Hermes will request on the xai-oauth route. */
  model: string;
  source: "config" | "default";
}


export const configModel: DoctorCheck<ModelData> = {
  id: "config.model",
  title: "Model",
  layer: "config",
  description: "The model Hermes will use (model.default, else grok-4.6), and retired xAI model ids in any model slot of config.yaml.",
  dependsOn: ["config.provider"],
  async run(ctx) {
    const cfg = ctx.data<ProviderData>("config.provider")!;
    const { env, now, options } = ctx.services;
    const model = cfg.model ?? DEFAULT_XAI_OAUTH_MODEL;
    const source: ModelData["source"] = cfg.model ? "config" : "default";
    const data: ModelData = { model, source };
    const today = new Date(now()).toISOString().slice(0, 10);

    const slots = modelSlots(cfg.config);
    if (!cfg.model) slots.unshift(["(default)", model]);
    if (options.model) slots.push(["--model", options.model]);
    const retired: { slot: string; model: string; replacement: string; retiresOn: string; guide: string }[] = [];
    const upcoming: typeof retired = [];
    const notes: string[] = [];
    for (const [slot, id] of slots) {
      const r = retirementOf(id);
      if (r) (r.retiresOn <= today ? retired : upcoming).push({ slot, model: id, replacement: r.replacement, retiresOn: r.retiresOn, guide: r.guideUrl });
      const eol = looksLikeXaiModel(id) ? UNCONFIRMED_EOL[normalizeModelId(id)] : undefined;
      if (eol) notes.push(`${slot}: ${id} has a reported end of life on ${eol} that neither xAI nor Hermes confirms`);
    }
    const hermesModel = (env.HERMES_INFERENCE_MODEL ?? "").trim();
    const details: Record<string, unknown> = {
      model, source,
      slots: Object.fromEntries(slots),
      ...(hermesModel ? { HERMES_INFERENCE_MODEL: `${hermesModel} (set in the environment: overrides the model for each Hermes run started with it)` } : {}),
      ...(retired.length ? { retired } : {}),
      ...(upcoming.length ? { retiring: upcoming } : {}),
      ...(notes.length ? { notes } : {}),
    };
    const said = source === "default" ? `${model} (Hermes' default for ${XAI_PROVIDER_ID}; config.yaml names none)` : `${model} (config.yaml ${slots[0]?.[0] ?? "model.default"})`;

    if (retired.length) {
      const r = retired[0]!;
      return {
        status: "warn",
        code: "retired_model",
        summary: `${r.slot} is ${r.model}, which xAI retired on ${r.retiresOn}: use ${r.replacement}${retired.length > 1 ? ` (+${retired.length - 1} more retired id(s))` : ""}`,
        details,
        fixes: [
          ...retired.map((x) => ({ text: `Change ${x.slot} from ${x.model} to ${x.replacement}` })),
          { text: `Migration guide: ${r.guide === MAY_15_MIGRATION_URL ? MAY_15_MIGRATION_URL : r.guide}` },
        ],
        data,
      };
    }
    if (cfg.provider === XAI_PROVIDER_ID && source === "config" && !looksLikeXaiModel(model)) {
      return {
        status: "warn",
        code: "model_not_xai",
        summary: `Chat goes to ${XAI_PROVIDER_ID} but model.default is ${model}, which is not an xAI (grok-*) model: xAI will refuse it`,
        details,
        fixes: [{ text: "Pick an xAI model", command: `hermes config set model.default ${DEFAULT_XAI_OAUTH_MODEL}` }],
        data,
      };
    }
    if (upcoming.length) {
      const u = upcoming[0]!;
      return {
        status: "warn",
        code: "retiring_model",
        summary: `${u.slot} is ${u.model}, which xAI retires on ${u.retiresOn}: move to ${u.replacement}`,
        details,
        fixes: [{ text: `Migration guide: ${u.guide}` }],
        data,
      };
    }
    return { status: "pass", summary: `Model: ${said}; no retired xAI models in config`, details, data };
  },
};
