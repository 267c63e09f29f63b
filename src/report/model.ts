// The report: one flat, versioned model that every renderer reads. The zod schema is the
// source of docs/report.schema.json (npm run schema), so JSON consumers get a contract.
import { z } from "zod";
import { VERDICT_CODES } from "../diagnosis/verdicts.js";

export const SCHEMA_VERSION = 1;

const FixSchema = z.object({
  text: z.string(),
  command: z.string().optional(),
});

const StatusSchema = z.enum(["pass", "warn", "fail", "skip", "error"]);

export const CheckEntrySchema = z.object({
  id: z.string().describe("Stable dotted check id, e.g. store.parse"),
  title: z.string(),
  layer: z.string(),
  status: StatusSchema,
  summary: z.string(),
  code: z.string().optional().describe("Machine code of the finding"),
  details: z.record(z.string(), z.unknown()).optional(),
  fixes: z.array(FixSchema).optional(),
  durationMs: z.number().int().nonnegative(),
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal("hermes-doctor"), version: z.string() }),
  command: z.string().describe("The doctor command that produced the report, e.g. xai"),
  generatedAt: z.string().describe("ISO-8601 UTC"),
  durationMs: z.number().int().nonnegative(),
  context: z.object({
    home: z.string().optional().describe("Hermes home, ~-relative when under the user's home"),
    profile: z.string().optional(),
    offline: z.boolean(),
    readOnly: z.boolean(),
    endpoints: z.object({
      issuer: z.string(),
      apiBase: z.string(),
      overridden: z.boolean(),
    }).optional(),
  }),
  verdict: z.object({
    code: z.enum(VERDICT_CODES),
    severity: z.enum(["ok", "warning", "error"]),
    title: z.string(),
    explanation: z.string(),
    evidence: z.array(z.string()).describe("Ids of the checks that prove the verdict"),
    fixes: z.array(FixSchema),
    exitCode: z.number().int(),
  }),
  facets: z.object({
    store: z.enum(["ok", "warn", "failed", "not_checked"]),
    login: z.enum(["ok", "failed", "unknown"]),
    entitlement: z.enum(["ok", "denied", "unknown"]),
    network: z.enum(["ok", "warn", "failed", "not_checked"]),
  }),
  checks: z.array(CheckEntrySchema),
  counts: z.object({
    pass: z.number().int(),
    warn: z.number().int(),
    fail: z.number().int(),
    skip: z.number().int(),
    error: z.number().int(),
  }),
});

export type Report = z.infer<typeof ReportSchema>;
export type CheckEntry = z.infer<typeof CheckEntrySchema>;
