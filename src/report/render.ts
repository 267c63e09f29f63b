// One dispatcher from a report and a format to text, shared by stdout and any file output.
import { createRequire } from "node:module";
import type { AllProfilesReport, Report } from "./model.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderAllProfilesText, renderText, type Colours } from "./text.js";

import type { Format } from "./formats.js";

export { FORMATS, type Format } from "./formats.js";

export interface RenderStyle {
  /** Colour level for the text format (0 = none); the caller decides it for the target stream. */
  colorLevel?: 0 | 1 | 2 | 3;
  verbose?: boolean;
  /** Terminal width for the text format (unknown or 0: 80). */
  columns?: number;
}

const require = createRequire(import.meta.url);

/**
 * chalk only when colour is wanted: JSON, JUnit, Markdown and plain text never load it. Node
 * ≥ 20.19 (package.json engines) require()s an ES module synchronously and without a warning
 * (https://nodejs.org/en/blog/release/v20.19.0), so rendering stays synchronous.
 */
function colours(level: RenderStyle["colorLevel"]): Colours | undefined {
  if (!level) return undefined;
  const { Chalk } = require("chalk") as typeof import("chalk");
  return new Chalk({ level });
}

export function renderReport(report: Report, format: Format, style: RenderStyle = {}): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "junit":
      return renderJunit(report);
    case "markdown":
      return renderMarkdown(report);
    case "text":
      return renderText(report, { chalk: colours(style.colorLevel), verbose: style.verbose, columns: style.columns });
  }
}

/** Formats an --all-profiles run supports: JUnit has no place for several reports in one suite. */
export const ALL_PROFILES_FORMATS = ["text", "json", "markdown"] as const satisfies readonly Format[];

/** `--all-profiles`: the summary and one section per profile (JSON: the AllProfilesReport itself). */
export function renderAllProfiles(all: AllProfilesReport, format: (typeof ALL_PROFILES_FORMATS)[number], style: RenderStyle = {}): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(all, null, 2)}\n`;
    case "markdown":
      return [
        "# hermes-doctor xai --all-profiles",
        "",
        "| profile | verdict | login | entitlement | exit |",
        "|---|---|---|---|---|",
        ...all.summary.map((s) => `| ${s.profile} | \`${s.verdict}\` | ${s.login} | ${s.entitlement} | ${s.exitCode} |`),
        "",
        ...all.reports.map((r, i) => `## ${all.summary[i]?.profile === "default" ? "default (the root)" : `profile ${all.summary[i]?.profile}`}\n\n${renderMarkdown(r)}`),
      ].join("\n");
    case "text":
      return renderAllProfilesText(all, { chalk: colours(style.colorLevel), verbose: style.verbose, columns: style.columns });
  }
}
