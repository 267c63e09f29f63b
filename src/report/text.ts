// The human format: verdict first, calm grouped rows, counts last. A pure function of the
// report; colour comes in as a Chalk instance whose level the CLI decided.
import { Chalk, type ChalkInstance } from "chalk";
import type { CheckEntry, Report } from "./model.js";

export interface TextStyle {
  chalk?: ChalkInstance;
  verbose?: boolean;
}

const MARKS = { pass: "✓", warn: "⚠", fail: "✗", error: "✗", skip: "○" } as const;

const LAYER_TITLES: Record<string, string> = {
  store: "Auth store",
  config: "Configuration",
  token: "Token (local)",
  network: "Network",
  login: "Login",
  entitlement: "Entitlement",
};

export function renderText(report: Report, style: TextStyle = {}): string {
  const c = style.chalk ?? new Chalk({ level: 0 });
  const paint = (status: CheckEntry["status"], s: string) =>
    status === "pass" ? c.green(s) : status === "warn" ? c.yellow(s) : status === "skip" ? c.dim(s) : c.red(s);
  const lines: string[] = [];
  const v = report.verdict;

  const where = [report.context.home, report.context.profile ? `profile ${report.context.profile}` : undefined].filter(Boolean).join(", ");
  lines.push(c.bold(`hermes-doctor ${report.command}`) + (where ? c.dim(`  ${where}`) : ""));
  if (report.context.endpoints?.overridden) {
    lines.push(c.yellow(`  endpoints overridden: issuer ${report.context.endpoints.issuer}, API ${report.context.endpoints.apiBase}`));
  }
  lines.push("");

  const verdictMark = v.severity === "ok" ? c.green("✓") : v.severity === "warning" ? c.yellow("⚠") : c.red("✗");
  lines.push(`${verdictMark} ${c.bold(v.title)} ${c.dim(`[${v.code}]`)}`);
  lines.push(`  ${v.explanation}`);
  for (const fix of v.fixes) {
    lines.push(`  ${c.cyan("→")} ${fix.text}`);
    if (fix.command) lines.push(`      ${c.bold(`$ ${fix.command}`)}`);
  }
  if (report.account) {
    lines.push(`  ${c.dim("account:")} ${report.account.line ?? "not known (see account.subscription)"}`);
  }
  const f = report.facets;
  lines.push("");
  lines.push(c.dim(`  login: ${f.login} · entitlement: ${f.entitlement} · network: ${f.network.replace("_", " ")} · store: ${f.store.replace("_", " ")}`));

  const layers = [...new Set(report.checks.map((ch) => ch.layer))];
  const idWidth = Math.max(0, ...report.checks.map((ch) => ch.id.length));
  for (const layer of layers) {
    lines.push("");
    lines.push(c.bold(LAYER_TITLES[layer] ?? layer[0]!.toUpperCase() + layer.slice(1)));
    for (const ch of report.checks.filter((x) => x.layer === layer)) {
      lines.push(`  ${paint(ch.status, MARKS[ch.status])} ${c.dim(ch.id.padEnd(idWidth))}  ${ch.summary}`);
      const showFixes = ch.status === "warn" || ch.status === "fail" || ch.status === "error";
      if (showFixes && !sameFixes(ch.fixes, v.fixes)) {
        for (const fix of ch.fixes ?? []) {
          lines.push(`      ${c.cyan("→")} ${fix.text}${fix.command ? `: ${c.bold(fix.command)}` : ""}`);
        }
      }
      if (style.verbose) {
        for (const line of detailLines(ch)) lines.push(`      ${c.dim(line)}`);
      }
    }
  }

  const n = report.counts;
  lines.push("");
  const parts = [`${n.pass} passed`, `${n.warn} warning${n.warn === 1 ? "" : "s"}`, `${n.fail + n.error} failed`, `${n.skip} skipped`];
  lines.push(c.dim(`${parts.join(" · ")}  (${formatMs(report.durationMs)})`));
  if (!style.verbose && report.checks.some((ch) => ch.details)) lines.push(c.dim("Details: run again with --verbose"));
  return `${lines.join("\n")}\n`;
}

function sameFixes(a: CheckEntry["fixes"], b: Report["verdict"]["fixes"]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}

function detailLines(ch: CheckEntry): string[] {
  const out: string[] = [];
  if (ch.code) out.push(`code: ${ch.code}`);
  for (const [k, v] of Object.entries(ch.details ?? {})) {
    out.push(`${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  out.push(`took ${formatMs(ch.durationMs)}`);
  return out;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
