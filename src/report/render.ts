// One dispatcher from a report and a format to text, shared by stdout and any file output.
import { Chalk } from "chalk";
import type { Report } from "./model.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderText } from "./text.js";

import type { Format } from "./formats.js";

export { FORMATS, type Format } from "./formats.js";

export interface RenderStyle {
  /** Colour level for the text format (0 = none); the caller decides it for the target stream. */
  colorLevel?: 0 | 1 | 2 | 3;
  verbose?: boolean;
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
      return renderText(report, { chalk: new Chalk({ level: style.colorLevel ?? 0 }), verbose: style.verbose });
  }
}
