// The report: one flat, versioned model that every renderer reads. The zod schema is the
// source of docs/report.schema.json (npm run schema), so JSON consumers get a contract.
import { z } from "zod";
import { VERDICT_CODES } from "../diagnosis/verdicts.js";
import { SCHEMA_VERSION } from "./version.js";

export { SCHEMA_VERSION };

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

const SourceStatusSchema = z.object({
  state: z.enum(["ok", "http_error", "outdated_client", "unauthorized", "not_json", "unreachable", "timed_out"]),
  httpStatus: z.number().int().optional(),
  message: z.string().optional().describe("The host's own words (its `error` field) or the transport failure"),
  missing: z.array(z.string()).optional().describe("Fields looked for but absent from a 200 answer"),
});

/**
 * Account facts from the Grok CLI's subscription host (account.subscription). Observed, not
 * documented by xAI: every field may be absent. Evidence for the verdict, never the verdict.
 */
export const AccountSchema = z.object({
  line: z.string().optional().describe('One-line summary, e.g. "SuperGrok · 12% of weekly credits used · resets Mon 08:00 UTC"'),
  host: z.string().describe("The subscription host asked, e.g. https://cli-chat-proxy.grok.com/v1"),
  observedAt: z.string().describe("ISO-8601 UTC"),
  plan: z.string().optional().describe("Plan display name (settings subscription_tier_display), e.g. SuperGrok"),
  tier: z.string().optional().describe("Plan tier (settings subscription_tier), e.g. supergrok, supergrok_heavy, free"),
  jwtTier: z.union([z.number(), z.string()]).optional().describe("The access token's `tier` claim, shown as information only"),
  allowAccess: z.boolean().optional().describe("settings allow_access; false = xAI blocks this account"),
  gate: z.object({ message: z.string().optional(), url: z.string().optional(), label: z.string().optional() }).optional()
    .describe("xAI's own gate message and link when access is not allowed"),
  usage: z.object({
    percent: z.number().optional().describe("Included credits used in the current period, 0-100"),
    periodType: z.string().optional().describe("weekly, monthly, …"),
    periodStart: z.string().optional(),
    resetsAt: z.string().optional().describe("End of the current period (ISO-8601)"),
  }).optional(),
  onDemand: z.object({
    enabled: z.boolean().optional(),
    capCents: z.number().optional().describe("USD cents"),
    usedCents: z.number().optional().describe("USD cents"),
  }).optional(),
  prepaidBalanceCents: z.number().optional().describe("USD cents"),
  sources: z.object({ settings: SourceStatusSchema, billing: SourceStatusSchema, user: SourceStatusSchema })
    .describe("What each GET (/v1/settings, /v1/billing?format=credits, /v1/user?include=subscription) answered"),
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
  account: AccountSchema.optional().describe("Plan, access and usage from the subscription host; absent when it was not asked"),
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
export type ReportAccount = z.infer<typeof AccountSchema>;

/** One row of the --all-profiles summary table: a profile and where its report ended. */
export const ProfileSummarySchema = z.object({
  profile: z.string().describe("Profile name; \"default\" is the Hermes root itself"),
  home: z.string().optional(),
  verdict: z.enum(VERDICT_CODES),
  severity: z.enum(["ok", "warning", "error"]),
  login: z.enum(["ok", "failed", "unknown"]),
  entitlement: z.enum(["ok", "denied", "unknown"]),
  exitCode: z.number().int().describe("This profile's own exit code (with --strict applied)"),
});

/**
 * `--all-profiles --format json`: one full report per profile (the single-profile shape, root
 * first, then profiles by name) and the summary table. exitCode is the process's exit code:
 * 0 when every profile is healthy, else the first non-zero one in that order.
 */
export const AllProfilesReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal("hermes-doctor"), version: z.string() }),
  command: z.literal("xai"),
  allProfiles: z.literal(true),
  generatedAt: z.string().describe("ISO-8601 UTC"),
  durationMs: z.number().int().nonnegative(),
  root: z.string().optional().describe("The Hermes root whose profiles were diagnosed, ~-relative when under the user's home"),
  exitCode: z.number().int(),
  summary: z.array(ProfileSummarySchema),
  reports: z.array(ReportSchema),
});

export type ProfileSummary = z.infer<typeof ProfileSummarySchema>;
export type AllProfilesReport = z.infer<typeof AllProfilesReportSchema>;
