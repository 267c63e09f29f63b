import type { Report } from "./model.js";

/** The machine format: the report itself, nothing else, one trailing newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
