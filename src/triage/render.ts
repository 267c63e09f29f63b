// Renderers of a TriageReport: text for people, JSON for machines, Markdown for support threads.
// Pure functions of the (already redacted) report; one result per input, then the tally.
import { triageVerdictInfo } from "../diagnosis/verdicts.js";
import type { TriageInput, TriageReport } from "./model.js";

const relogin = (i: TriageInput) =>
  i.verdict.code === "unknown" ? "not known from this text" : i.verdict.reloginHelps ? "yes, it fixes this" : "no, it will not help";

const mark = (i: TriageInput) => (i.verdict.code === "healthy" ? "✓" : i.verdict.code === "unknown" ? "?" : "✗");

function tallyLine(report: TriageReport): string {
  const parts = Object.entries(report.tally).map(([code, n]) => `${code} ${n}`);
  return `${report.inputs.length} input${report.inputs.length === 1 ? "" : "s"}: ${parts.join(" · ")}`;
}

export function renderTriageText(report: TriageReport): string {
  const out: string[] = [];
  for (const i of report.inputs) {
    const v = i.verdict;
    out.push(`hermes-doctor triage  ${i.name}  (${i.bytes} bytes)`, "");
    out.push(`${mark(i)} ${triageVerdictInfo(v.code).title} [${v.code}] (confidence: ${v.confidence})`);
    out.push(`  ${i.explanation}`);
    out.push(`  Signing in again: ${relogin(i)}`);
    for (const fix of i.fixes) {
      out.push(`  → ${fix.text}`);
      if (fix.command) out.push(`      $ ${fix.command}`);
    }
    if (i.findings.length) {
      out.push("", "  Matched:");
      for (const f of i.findings) out.push(`    line ${f.line}  ${f.code} (${f.signature})`, `      ${f.excerpt}`);
    }
    out.push("", "  What this text cannot tell:");
    for (const c of i.cannotTell) out.push(`    - ${c}`);
    out.push("");
  }
  out.push(tallyLine(report));
  return `${out.join("\n")}\n`;
}

export function renderTriageJson(report: TriageReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\r?\n/g, " ");

export function renderTriageMarkdown(report: TriageReport): string {
  const out: string[] = [];
  for (const i of report.inputs) {
    const v = i.verdict;
    out.push(`### hermes-doctor triage \`${cell(i.name)}\`: \`${v.code}\``, "");
    out.push(`**${triageVerdictInfo(v.code).title}** (confidence: ${v.confidence}). ${i.explanation}`, "");
    out.push(`Signing in again: ${relogin(i)}.`, "");
    for (const fix of i.fixes) out.push(`- ${fix.text}${fix.command ? `: \`${fix.command}\`` : ""}`);
    if (i.fixes.length) out.push("");
    if (i.findings.length) {
      out.push("| line | code | signature | excerpt |", "|---|---|---|---|");
      for (const f of i.findings) out.push(`| ${f.line} | \`${f.code}\` | \`${f.signature}\` | ${cell(f.excerpt)} |`);
      out.push("");
    }
    out.push("What this text cannot tell:", "", ...i.cannotTell.map((c) => `- ${c}`), "");
  }
  out.push(`<sub>hermes-doctor ${report.toolVersion} · ${tallyLine(report)}</sub>`);
  return `${out.join("\n")}\n`;
}
