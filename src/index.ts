// The public API for third-party checks and embedders: one call per command (the same typed
// report the CLI renders), the engine contract, the registry, the runner, the diagnosis, the
// report model and its renderers. The CLI is built on exactly this.
export { diagnoseXai, DEFAULT_TIMEOUT_MS, type XaiOptions } from "./api/diagnose-xai.js";
export { diagnoseXaiAllProfiles, listProfiles, type AllProfilesOptions } from "./api/all-profiles.js";
export { OptionsError } from "./api/errors.js";
export { isCi, type Env } from "./api/env.js";
export { renderReport, renderAllProfiles, FORMATS, ALL_PROFILES_FORMATS, type Format, type RenderStyle } from "./report/render.js";
export type { Check, CheckContext, CheckOutcome, CheckResult, Fix, RunRecord, Status } from "./engine/types.js";
export { CheckRegistry } from "./engine/registry.js";
export { runChecks, type RunOptions, type RunSummary, type SkipRule } from "./engine/runner.js";
export { SecretRegistry, fingerprint } from "./engine/secrets.js";
export { diagnose, type Diagnosis, type Facets, type Verdict } from "./diagnosis/diagnose.js";
export { VERDICTS, VERDICT_CODES, type VerdictCode } from "./diagnosis/verdicts.js";
export { ReportSchema, AllProfilesReportSchema, SCHEMA_VERSION, type Report, type AllProfilesReport, type ProfileSummary } from "./report/model.js";
export { buildReport } from "./report/build.js";
export { renderText, renderAllProfilesText } from "./report/text.js";
export { renderJson } from "./report/json.js";
export { renderJunit } from "./report/junit.js";
export { renderMarkdown } from "./report/markdown.js";
export { loadPlugin, loadPlugins } from "./api/plugins.js";
// The one catalogue of xAI error signatures (the live probe classifies with exactly these).
export { SIGNATURES, classifyApiResponse, classifyRefreshResponse, classifyText, type Signature, type ApiErrorClass } from "./xai/signatures.js";
export type { DoctorCheck, DoctorContext, DoctorServices, DoctorOptions } from "../checks/context.js";
export { builtinRegistry } from "../checks/index.js";
// Triage: what pasted text proves, against the same signature catalogue as the live probe.
export { triageText, triageStream, buildTriageReport } from "./triage/triage.js";
export type { TriageReport, TriageInput, TriageFinding } from "./triage/model.js";
export { renderTriageText, renderTriageJson, renderTriageMarkdown } from "./triage/render.js";
