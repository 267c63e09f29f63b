// GitHub Actions workflow commands (::error / ::warning) for the verdict and every failing or
// warning check. Pure; escaping as in actions/toolkit packages/core/src/command.ts
// (escapeData / escapeProperty).
import type { Report } from "./model.js";

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function command(kind: "error" | "warning" | "notice", title: string, message: string): string {
  return `::${kind} title=${escapeProperty(title)}::${escapeData(message)}`;
}

export function renderGithubAnnotations(report: Report): string {
  const v = report.verdict;
  const f = report.facets;
  const lines: string[] = [];
  const fix = v.fixes[0] ? ` Fix: ${v.fixes[0].text}${v.fixes[0].command ? ` (${v.fixes[0].command})` : ""}` : "";
  const verdictText = `${v.title} [${v.code}, exit ${v.exitCode}] — login: ${f.login}, entitlement: ${f.entitlement}, network: ${f.network}. ${v.explanation}${fix}`;
  const kind = v.severity === "error" ? "error" : v.severity === "warning" ? "warning" : "notice";
  lines.push(command(kind, `hermes-doctor ${report.command}: ${v.code}`, verdictText));
  for (const c of report.checks) {
    if (c.status === "fail" || c.status === "error") lines.push(command("error", `hermes-doctor ${c.id}`, c.summary));
    else if (c.status === "warn") lines.push(command("warning", `hermes-doctor ${c.id}`, c.summary));
  }
  return `${lines.join("\n")}\n`;
}

/** Lines for $GITHUB_OUTPUT: the verdict and the exit code, one key=value each. */
export function renderGithubOutputs(report: Report, exitCode: number): string {
  return `verdict=${report.verdict.code}\nexit-code=${exitCode}\n`;
}
