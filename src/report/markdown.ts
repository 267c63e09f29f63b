// Markdown for support threads and issue reports: the verdict, facets and every check, with
// nothing secret in it (the report is redacted before any renderer sees it). Pure function.
import type { Report } from "./model.js";

const MARK = { pass: "✓", warn: "⚠", fail: "✗", error: "✗", skip: "○" } as const;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function renderMarkdown(report: Report): string {
  const v = report.verdict;
  const f = report.facets;
  const lines = [
    `### hermes-doctor ${report.command}: \`${v.code}\``,
    "",
    `**${v.title}.** ${v.explanation}`,
    "",
    ...v.fixes.map((fix) => `- ${fix.text}${fix.command ? `: \`${fix.command}\`` : ""}`),
    ...(v.fixes.length ? [""] : []),
    ...(report.account ? [`**Account:** ${report.account.line ?? "not known (see \`account.subscription\`)"}`, ""] : []),
    `| login | entitlement | network | store |`,
    `|---|---|---|---|`,
    `| ${f.login} | ${f.entitlement} | ${f.network} | ${f.store} |`,
    "",
    "<details><summary>Checks</summary>",
    "",
    "| | check | result |",
    "|---|---|---|",
    ...report.checks.map((c) => `| ${MARK[c.status]} | \`${c.id}\` | ${cell(c.summary)} |`),
    "",
    "</details>",
    "",
    `<sub>hermes-doctor ${report.tool.version} · ${report.generatedAt} · exit ${v.exitCode}${report.context.endpoints?.overridden ? ` · endpoints overridden: issuer ${report.context.endpoints.issuer}, API ${report.context.endpoints.apiBase}` : ""}</sub>`,
  ];
  return `${lines.join("\n")}\n`;
}
