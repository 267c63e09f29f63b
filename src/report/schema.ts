// The JSON Schemas (draft 2020-12) of every machine output, generated from the zod models.
// `hermes-doctor schema NAME` prints one; `npm run schema` writes them to docs/ (a test checks drift).
import { z } from "zod";
import { AllProfilesReportSchema, ReportSchema } from "./model.js";
import { CheckListSchema } from "./check-list.js";
import { triageJsonSchema } from "../triage/model.js";

export function reportJsonSchema(): Record<string, unknown> {
  return { title: "hermes-doctor report", ...z.toJSONSchema(ReportSchema) };
}

export function checksJsonSchema(): Record<string, unknown> {
  return { title: "hermes-doctor checks", ...z.toJSONSchema(CheckListSchema) };
}

/** Every published schema: its name for `hermes-doctor schema NAME` and its committed file. */
export const SCHEMAS: Record<string, { file: string; build: () => Record<string, unknown> }> = {
  report: { file: "docs/report.schema.json", build: reportJsonSchema },
  checks: { file: "docs/checks.schema.json", build: checksJsonSchema },
  triage: { file: "docs/triage.schema.json", build: triageJsonSchema },
  "all-profiles": { file: "docs/report-all-profiles.schema.json", build: allProfilesJsonSchema },
};

/** The JSON Schema of `--all-profiles --format json` (docs/report-all-profiles.schema.json). */
export function allProfilesJsonSchema(): Record<string, unknown> {
  return { title: "hermes-doctor --all-profiles report", ...z.toJSONSchema(AllProfilesReportSchema) };
}
