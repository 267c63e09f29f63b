// Results + diagnosis + run facts -> the redacted Report. The only way a report is made.
import type { RunRecord } from "../engine/types.js";
import type { Diagnosis } from "../diagnosis/diagnose.js";
import { redactDeep } from "./redact.js";
import type { Report, ReportAccount } from "./model.js";
import { SCHEMA_VERSION } from "./version.js";

export interface ReportInput {
  command: string;
  toolVersion: string;
  records: RunRecord[];
  diagnosis: Diagnosis;
  context: Report["context"];
  durationMs: number;
  generatedAt: Date;
  /** Every secret the run touched; none of them may survive into the report. */
  secrets: readonly string[];
}

export function buildReport(input: ReportInput): Report {
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const r of input.records) counts[r.status] += 1;
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "hermes-doctor", version: input.toolVersion },
    command: input.command,
    generatedAt: input.generatedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    context: input.context,
    verdict: input.diagnosis.verdict,
    facets: input.diagnosis.facets,
    ...(input.diagnosis.account ? { account: reportAccount(input.diagnosis.account) } : {}),
    checks: input.records.map((r) => ({
      id: r.id,
      title: r.title,
      layer: r.layer,
      status: r.status,
      summary: r.summary,
      ...(r.code ? { code: r.code } : {}),
      ...(r.details && Object.keys(r.details).length ? { details: jsonSafe(r.details) } : {}),
      ...(r.fixes?.length ? { fixes: r.fixes } : {}),
      durationMs: r.durationMs,
    })),
    counts,
  };
  return redactDeep(report, input.secrets);
}

/** Details come from checks; make sure they survive JSON (no functions, bigints, cycles). */
function jsonSafe(details: Record<string, unknown>): Record<string, unknown> {
  const seen = new WeakSet();
  return JSON.parse(JSON.stringify(details, (_k, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object") {
      if (seen.has(v)) return "[circular]";
      seen.add(v);
    }
    return v;
  })) as Record<string, unknown>;
}

/** The diagnosis' account facts, flattened for JSON consumers (plan and tier side by side). */
function reportAccount({ facts, line }: NonNullable<Diagnosis["account"]>): ReportAccount {
  const { plan, ...rest } = facts;
  return {
    ...(line ? { line } : {}),
    ...rest,
    ...(plan?.display ? { plan: plan.display } : {}),
    ...(plan?.tier ? { tier: plan.tier } : {}),
  };
}
