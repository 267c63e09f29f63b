// JUnit XML for CI dashboards: one testsuite per layer, one testcase per check, plus the verdict.
// Warnings pass (a "status: warn" property and the warning in system-out); skips are <skipped>. Pure function of the report.
import type { CheckEntry, Report } from "./model.js";

// XML 1.0 forbids most control characters even when escaped.
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(ILLEGAL, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const attrs = (a: Record<string, string | number>) => Object.entries(a).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join("");
const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(ch: CheckEntry, indent: string): string {
  const head = `${indent}<testcase${attrs({ classname: `hermes-doctor.${ch.layer}`, name: `${ch.id}: ${ch.title}`, time: seconds(ch.durationMs) })}`;
  const body = [ch.summary, ...(ch.fixes ?? []).map((f) => `fix: ${f.text}${f.command ? ` ($ ${f.command})` : ""}`)].join("\n");
  switch (ch.status) {
    case "pass":
      return `${head}/>`;
    case "warn":
      // JUnit has no "warning" outcome: the case passes, and the warning is a property (read by
      // CI report tools) and the case's output.
      return [
        `${head}>`,
        `${indent}  <properties>`,
        `${indent}    <property${attrs({ name: "status", value: "warn" })}/>`,
        ...(ch.code ? [`${indent}    <property${attrs({ name: "code", value: ch.code })}/>`] : []),
        `${indent}  </properties>`,
        `${indent}  <system-out>${xmlEscape(`warning${ch.code ? ` [${ch.code}]` : ""}: ${body}`)}</system-out>`,
        `${indent}</testcase>`,
      ].join("\n");
    case "skip":
      return `${head}>\n${indent}  <skipped${attrs({ message: ch.summary })}/>\n${indent}</testcase>`;
    case "fail":
    case "error": {
      const tag = ch.status === "fail" ? "failure" : "error";
      return `${head}>\n${indent}  <${tag}${attrs({ message: ch.summary, type: ch.code ?? ch.status })}>${xmlEscape(body)}</${tag}>\n${indent}</testcase>`;
    }
  }
}

export function renderJunit(report: Report): string {
  const v = report.verdict;
  const layers = [...new Set(report.checks.map((c) => c.layer))];
  const count = (cs: CheckEntry[], s: CheckEntry["status"]) => cs.filter((c) => c.status === s).length;
  const verdictFails = v.severity !== "ok";
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attrs({
    name: `hermes-doctor ${report.command}`,
    tests: report.checks.length + 1,
    failures: report.counts.fail + (verdictFails ? 1 : 0),
    errors: report.counts.error,
    skipped: report.counts.skip,
    time: seconds(report.durationMs),
  })}>`);
  out.push(`  <testsuite${attrs({ name: "verdict", tests: 1, failures: verdictFails ? 1 : 0, errors: 0, skipped: 0, timestamp: report.generatedAt })}>`);
  const e = report.context.endpoints;
  const props: Record<string, string> = {
    ...(report.context.home ? { home: report.context.home } : {}),
    ...(e ? { issuer: e.issuer, apiBase: e.apiBase, endpointsOverridden: String(e.overridden) } : {}),
    verdict: v.code,
    readOnly: String(report.context.readOnly),
    offline: String(report.context.offline),
  };
  out.push("    <properties>", ...Object.entries(props).map(([name, value]) => `      <property${attrs({ name, value })}/>`), "    </properties>");
  // Named "verdict" in every run, so CI history tracks one test; the code is in the failure.
  const verdictCase = `    <testcase${attrs({ classname: "hermes-doctor.verdict", name: "verdict" })}`;
  if (verdictFails) {
    const body = [v.explanation, `login: ${report.facets.login}, entitlement: ${report.facets.entitlement}, network: ${report.facets.network}`, ...v.fixes.map((f) => `fix: ${f.text}${f.command ? ` ($ ${f.command})` : ""}`)].join("\n");
    out.push(`${verdictCase}>\n      <failure${attrs({ message: v.title, type: v.code })}>${xmlEscape(body)}</failure>\n    </testcase>`);
  } else {
    out.push(`${verdictCase}/>`);
  }
  out.push("  </testsuite>");
  for (const layer of layers) {
    const cs = report.checks.filter((c) => c.layer === layer);
    out.push(`  <testsuite${attrs({ name: layer, tests: cs.length, failures: count(cs, "fail"), errors: count(cs, "error"), skipped: count(cs, "skip"), time: seconds(cs.reduce((t, c) => t + c.durationMs, 0)) })}>`);
    for (const ch of cs) out.push(testcase(ch, "    "));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}
