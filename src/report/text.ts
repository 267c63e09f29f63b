// The human format: verdict first, calm grouped rows, counts last. A pure function of the
// report; colour comes in as a Chalk instance whose level the CLI decided (none: plain text,
// without loading chalk), the width as the terminal's columns (unknown or 0: 80). Prose wraps
// to the width; a command never does, so it stays copy-pastable. Passing rows collapse to one
// line per layer unless verbose; failing, warning and skipped rows are always shown.
import type { AllProfilesReport, CheckEntry, Report } from "./model.js";

/** The styles the text format uses; a Chalk instance is one. */
export type Colours = Record<"bold" | "dim" | "cyan" | "green" | "red" | "yellow", (text: string) => string>;

const unstyled = (text: string): string => text;
/**
 * No colour: what chalk does at level 0 with one argument, return it unchanged
 * (chalk/chalk source/index.js applyStyle, v5.6.2), so plain text needs no chalk at all.
 */
const PLAIN: Colours = { bold: unstyled, dim: unstyled, cyan: unstyled, green: unstyled, red: unstyled, yellow: unstyled };

export interface TextStyle {
  chalk?: Colours;
  verbose?: boolean;
  /** Terminal width; unknown or 0 means 80. */
  columns?: number;
}

const DEFAULT_COLUMNS = 80;
/** Below this a terminal is too narrow to wrap usefully; wrap as if it were this wide. */
const MIN_COLUMNS = 20;

const MARKS = { pass: "✓", warn: "⚠", fail: "✗", error: "✗", skip: "○" } as const;

const LAYER_TITLES: Record<string, string> = {
  store: "Auth store",
  config: "Configuration",
  token: "Token (local)",
  network: "Network",
  login: "Login",
  entitlement: "Entitlement",
};

/** What every section renderer gets: colour, width and the one line-wrapper. */
interface Pen {
  c: Colours;
  width: number;
  verbose: boolean;
  /** Wraps `text` (may hold colour) to the width: `first` before line 1, `next` before the rest. */
  wrap(text: string, first: string, next?: string): string[];
}

export function renderText(report: Report, style: TextStyle = {}): string {
  return `${reportLines(report, pen(style)).join("\n")}\n`;
}

/** `--all-profiles`: the summary table first, then one section per profile (root first). */
export function renderAllProfilesText(all: AllProfilesReport, style: TextStyle = {}): string {
  const p = pen(style);
  const { c } = p;
  const lines: string[] = [];
  lines.push(c.bold("hermes-doctor xai --all-profiles") + (all.root ? c.dim(`  ${all.root}`) : ""));
  lines.push("");
  lines.push(...summaryTable(all, p));
  for (const [i, report] of all.reports.entries()) {
    const name = all.summary[i]?.profile ?? "?";
    lines.push("");
    lines.push(c.bold(`━━ ${name === "default" ? "default (the root)" : `profile ${name}`} ━━`));
    lines.push(...reportLines(report, p));
  }
  return `${lines.join("\n")}\n`;
}

function pen(style: TextStyle): Pen {
  const c = style.chalk ?? PLAIN;
  const cols = style.columns && style.columns > 0 ? style.columns : DEFAULT_COLUMNS;
  const width = Math.max(MIN_COLUMNS, cols);
  return { c, width, verbose: Boolean(style.verbose), wrap: (text, first, next = first) => wrapText(text, width, first, next) };
}

/** One report, as sections; each returns its own lines so a section can grow a line without touching the others. */
function reportLines(report: Report, p: Pen): string[] {
  return [
    ...headerLines(report, p),
    "",
    ...verdictLines(report, p),
    "",
    ...facetLines(report, p),
    ...layerLines(report, p),
    "",
    ...footerLines(report, p),
  ];
}

function headerLines(report: Report, { c, wrap }: Pen): string[] {
  const where = [report.context.home, report.context.profile ? `profile ${report.context.profile}` : undefined].filter(Boolean).join(", ");
  const lines = wrap(c.bold(`hermes-doctor ${report.command}`) + (where ? `  ${c.dim(where)}` : ""), "", "  ");
  const ep = report.context.endpoints;
  if (ep?.overridden) lines.push(...wrap(c.yellow(`endpoints overridden: issuer ${ep.issuer}, API ${ep.apiBase}`), "  ", "    "));
  return lines;
}

function verdictLines(report: Report, p: Pen): string[] {
  const { c, wrap } = p;
  const v = report.verdict;
  const mark = v.severity === "ok" ? c.green("✓") : v.severity === "warning" ? c.yellow("⚠") : c.red("✗");
  const lines = [
    ...wrap(`${mark} ${c.bold(v.title)} ${c.dim(`[${v.code}]`)}`, "", "  "),
    ...wrap(v.explanation, "  "),
  ];
  for (const fix of v.fixes) {
    lines.push(...wrap(`${c.cyan("→")} ${fix.text}`, "  ", "    "));
    if (fix.command) lines.push(`      ${c.bold(`$ ${fix.command}`)}`);
  }
  if (report.account) {
    lines.push(...wrap(`${c.dim("account:")} ${report.account.line ?? "not known (see account.subscription)"}`, "  ", "    "));
  }
  return lines;
}

/** Login and entitlement as separate facts (the place for further per-facet lines, e.g. the account). */
function facetLines(report: Report, { c, wrap }: Pen): string[] {
  const f = report.facets;
  const text = `login: ${f.login} · entitlement: ${f.entitlement} · network: ${f.network.replace("_", " ")} · store: ${f.store.replace("_", " ")}`;
  return wrap(c.dim(text), "  ", "    ");
}

function layerLines(report: Report, p: Pen): string[] {
  const { c, wrap, verbose, width } = p;
  const paint = (status: CheckEntry["status"], s: string) =>
    status === "pass" ? c.green(s) : status === "warn" ? c.yellow(s) : status === "skip" ? c.dim(s) : c.red(s);
  const verdictFixes = report.verdict.fixes;
  const idWidth = Math.max(0, ...report.checks.map((ch) => ch.id.length));
  // Wide enough: the summary sits beside the id (continuations under it); narrow: below the id.
  const columnar = 4 + idWidth + 2 <= width / 2;
  const hang = columnar ? " ".repeat(4 + idWidth + 2) : "      ";
  const passedLine = (n: number) => `${paint("pass", MARKS.pass)} ${c.dim(`${n} check${n === 1 ? "" : "s"} passed`)}`;
  const lines: string[] = [];
  for (const layer of [...new Set(report.checks.map((ch) => ch.layer))]) {
    const rows = report.checks.filter((x) => x.layer === layer);
    const title = c.bold(LAYER_TITLES[layer] ?? layer[0]!.toUpperCase() + layer.slice(1));
    const passed = rows.filter((ch) => ch.status === "pass");
    lines.push("");
    if (!verbose && passed.length === rows.length) {
      lines.push(`${title}  ${passedLine(passed.length)}`);
      continue;
    }
    lines.push(title);
    for (const ch of rows) {
      if (ch.status === "pass" && !verbose) continue;
      const mark = paint(ch.status, MARKS[ch.status]);
      if (columnar) {
        lines.push(...wrap(`${mark} ${c.dim(ch.id.padEnd(idWidth))}  ${ch.summary}`, "  ", hang));
      } else {
        lines.push(`  ${mark} ${c.dim(ch.id)}`, ...wrap(ch.summary, hang));
      }
      const showFixes = ch.status === "warn" || ch.status === "fail" || ch.status === "error";
      if (showFixes && !sameFixes(ch.fixes, verdictFixes)) {
        for (const fix of ch.fixes ?? []) {
          lines.push(...wrap(`${c.cyan("→")} ${fix.text}${fix.command ? ":" : ""}`, "      ", "        "));
          if (fix.command) lines.push(`        ${c.bold(fix.command)}`);
        }
      }
      if (verbose) {
        for (const line of detailLines(ch)) lines.push(...wrap(c.dim(line), "      ", "        "));
      }
    }
    if (passed.length && !verbose) lines.push(`  ${passedLine(passed.length)}`);
  }
  return lines;
}

function footerLines(report: Report, { c, wrap, verbose }: Pen): string[] {
  const n = report.counts;
  const parts = [`${n.pass} passed`, `${n.warn} warning${n.warn === 1 ? "" : "s"}`, `${n.fail + n.error} failed`, `${n.skip} skipped`];
  const lines = wrap(c.dim(`${parts.join(" · ")}  (${formatMs(report.durationMs)})`), "");
  if (!verbose) lines.push(...wrap(c.dim("Details: run again with --verbose"), ""));
  return lines;
}

/** profile · verdict · login · entitlement · exit, padded to the widest cell; narrow terminals get one block per profile. */
function summaryTable(all: AllProfilesReport, { c, width }: Pen): string[] {
  const head = ["profile", "verdict", "login", "entitlement", "exit"];
  const rows = all.summary.map((s) => [s.profile, s.verdict, s.login, s.entitlement, String(s.exitCode)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const mark = (sev: string) => (sev === "ok" ? c.green("✓") : sev === "warning" ? c.yellow("⚠") : c.red("✗"));
  const tableWidth = 4 + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  if (tableWidth <= width) {
    const line = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i]!)).join("  ").trimEnd();
    return [
      `    ${c.dim(line(head))}`,
      ...rows.map((r, i) => `  ${mark(all.summary[i]!.severity)} ${line(r)}`),
    ];
  }
  return rows.map((r, i) => `  ${mark(all.summary[i]!.severity)} ${r[0]}: ${r[1]} (login ${r[2]}, entitlement ${r[3]}, exit ${r[4]})`);
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

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(ANSI, "").length;

/**
 * Greedy word wrap that measures text without its colour codes. A word longer than the line
 * (a URL, a path) is kept whole rather than broken.
 */
export function wrapText(text: string, width: number, first: string, next: string): string[] {
  const lines: string[] = [];
  let line = first;
  let len = visible(first);
  let empty = true;
  for (const word of text.split(" ")) {
    const w = visible(word);
    if (!empty && len + 1 + w > width) {
      lines.push(trimEnd(line));
      line = next + word;
      len = visible(next) + w;
      continue;
    }
    line += (empty ? "" : " ") + word;
    len += (empty ? 0 : 1) + w;
    empty = false;
  }
  lines.push(trimEnd(line));
  return lines;
}

/** Drops trailing spaces, also when colour codes follow them. */
function trimEnd(line: string): string {
  return line.replace(/ +((?:\u001b\[[0-9;]*m)*)$/, "$1");
}
