// The triage result: one versioned model for every renderer. The zod schema is the source of
// docs/triage.schema.json (npm run schema; a test fails on drift).
import { z } from "zod";
import { TRIAGE_CODES } from "../diagnosis/verdicts.js";
import { TRIAGE_SCHEMA_VERSION } from "./version.js";

export { TRIAGE_SCHEMA_VERSION };

const Code = z.enum(TRIAGE_CODES);

export const TriageFindingSchema = z.object({
  code: Code.describe("What this line proves on its own"),
  signature: z.string().describe("Id of the catalogue signature or triage signal that matched"),
  line: z.number().int().positive().describe("1-based line number (the last line where it was seen)"),
  excerpt: z.string().describe("The matched line, redacted and shortened"),
});

export const TriageInputSchema = z.object({
  name: z.string().describe("File name as given, or - for stdin"),
  bytes: z.number().int().nonnegative(),
  verdict: z.object({
    code: Code,
    confidence: z.enum(["high", "low"]),
    reloginHelps: z.boolean().describe("Whether signing in again (hermes auth add xai-oauth) fixes it"),
  }),
  findings: z.array(TriageFindingSchema),
  explanation: z.string(),
  fixes: z.array(z.object({ text: z.string(), command: z.string().optional() })),
  cannotTell: z.array(z.string()).describe("What this text cannot prove"),
});

export const TriageReportSchema = z.object({
  schemaVersion: z.literal(TRIAGE_SCHEMA_VERSION),
  command: z.literal("triage"),
  toolVersion: z.string(),
  inputs: z.array(TriageInputSchema),
  tally: z.partialRecord(Code, z.number().int().positive()).describe("How many inputs got each verdict"),
});

export type TriageFinding = z.infer<typeof TriageFindingSchema>;
export type TriageInput = z.infer<typeof TriageInputSchema>;
export type TriageReport = z.infer<typeof TriageReportSchema>;

/** The JSON Schema (draft 2020-12) of `triage --format json`. */
export function triageJsonSchema(): Record<string, unknown> {
  return { title: "hermes-doctor triage result", ...z.toJSONSchema(TriageReportSchema) };
}
