import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Chalk } from "chalk";
import { buildReport } from "../src/report/build.js";
import { ReportSchema } from "../src/report/model.js";
import { SCHEMAS } from "../src/report/schema.js";
import { renderText } from "../src/report/text.js";
import { renderJson } from "../src/report/json.js";
import { renderJunit, xmlEscape } from "../src/report/junit.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { redactString } from "../src/report/redact.js";
import { secretsInVariables } from "../src/engine/secrets.js";
import { diagnose } from "../src/diagnosis/diagnose.js";
import type { RunRecord } from "../src/engine/types.js";
import { ROOT } from "./helpers/cli.js";
import { elements, parseXml } from "./helpers/xml.js";

const SECRET = "sk-canary-0123456789abcdef";
const records: RunRecord[] = [
  { id: "store.home", title: "Hermes home", layer: "store", status: "pass", summary: "~/.hermes", durationMs: 1 },
  { id: "store.permissions", title: "Permissions", layer: "store", status: "warn", code: "store_mode_too_open", summary: "auth.json is 0644", fixes: [{ text: "Make it private", command: "chmod 600 ~/.hermes/auth.json" }], durationMs: 2 },
  { id: "entitlement.inference", title: "Inference", layer: "entitlement", status: "fail", code: "entitlement_denied", summary: `refused for token ${SECRET}`, details: { echoed: `Bearer ${SECRET}`, [SECRET]: 1 }, durationMs: 300 },
];

function report() {
  return buildReport({
    command: "xai", toolVersion: "1.2.3", records, diagnosis: diagnose({ records, deadlineHit: false }),
    context: { home: "~/.hermes", offline: false, readOnly: false }, durationMs: 310, generatedAt: new Date("2026-11-28T12:00:00Z"), secrets: [SECRET],
  });
}

describe("report", () => {
  it("validates against its own schema and redacts secrets everywhere, keys included", () => {
    const r = report();
    expect(ReportSchema.safeParse(r).success).toBe(true);
    const json = renderJson(r);
    expect(json).not.toContain(SECRET);
    expect(json).toContain("[redacted fp:");
    expect(renderText(r, { verbose: true })).not.toContain(SECRET);
  });

  it("drops terminal control characters a server could smuggle into a summary", () => {
    expect(redactString("HTTP 403 \u001b[2J\u001b]0;pwned\u0007 code\tok\nnext", [])).toBe("HTTP 403 [2J]0;pwned code\tok\nnext");
  });

  it("redacts JWT-shaped strings, xai- keys and bearer values it was never told about", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    const out = redactString(`token ${jwt} key xai-ABCDEFGHIJKLMNOPQRSTUV auth Bearer abcdefghijkl`, []);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain("xai-ABCDEFGHIJKLMNOPQRSTUV");
    expect(out).not.toContain("abcdefghijkl");
  });

  it("secretsInVariables: secret-named values and URL passwords (as written and decoded), nothing else", () => {
    const found = secretsInVariables({
      XAI_API_KEY: "xai-key-value", GITHUB_TOKEN: "ghp_value", SMTP_PASSWORD: "hunter2hunter2",
      HTTPS_PROXY: "http://user:p%40ss-word-1@proxy.example:3128", DATABASE_URL: "postgres://u:db-secret-1@db/x",
      HERMES_HOME: "/home/u/.hermes", NO_PROXY: "localhost", PLAIN_URL: "https://example.com/a", MODEL: "grok-4", EMPTY: "",
    });
    expect(found.sort()).toEqual(["db-secret-1", "ghp_value", "hunter2hunter2", "p%40ss-word-1", "p@ss-word-1", "xai-key-value"].sort());
  });

  it("renders the verdict first, rows grouped by layer, counts last, without colour codes when level 0", () => {
    const text = renderText(report(), { chalk: new Chalk({ level: 0 }), columns: 200 });
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("hermes-doctor xai  ~/.hermes");
    expect(lines[2]).toMatch(/^✗ Logged in, but this xAI account is not entitled .* \[entitlement_denied\]$/);
    expect(text).toMatch(/login: ok · entitlement: denied/);
    expect(text.indexOf("Auth store")).toBeLessThan(text.indexOf("Entitlement\n"));
    expect(text).toContain("⚠ store.permissions");
    expect(text).toContain("chmod 600 ~/.hermes/auth.json");
    expect(lines.at(-2)).toMatch(/^1 passed · 1 warning · 1 failed · 0 skipped/);
    expect(text).not.toMatch(/\u001b\[/);
  });

  it("colours only when asked", () => {
    expect(renderText(report(), { chalk: new Chalk({ level: 1 }) })).toMatch(/\u001b\[/);
  });

  it.each(Object.entries(SCHEMAS))("the committed %s schema matches its zod model (run `npm run schema` after changing it)", (_name, { file, build }) => {
    const committed = JSON.parse(readFileSync(`${ROOT}/${file}`, "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(build())));
  });
});

describe("JUnit and Markdown", () => {
  it("JUnit: well-formed XML (a real parser), counts, failures carry the finding code, warnings are visible", () => {
    const xml = renderJunit(report());
    const doc = parseXml(xml);
    const root = doc.documentElement!;
    const cases = elements(doc, "testcase");
    // 3 checks + the verdict; the failed check and the failing verdict; the warning in system-out.
    expect([root.getAttribute("tests"), root.getAttribute("failures"), cases.length]).toEqual(["4", "2", 4]);
    expect(elements(doc, "failure").map((f) => f.getAttribute("type"))).toEqual(["entitlement_denied", "entitlement_denied"]);
    const warned = cases.find((c) => c.getAttribute("name").startsWith("store.permissions"));
    expect(elements(warned, "property").map((p) => `${p.getAttribute("name")}=${p.getAttribute("value")}`)).toEqual(["status=warn", "code=store_mode_too_open"]);
    expect(elements(warned, "system-out")[0].textContent).toMatch(/^warning \[store_mode_too_open\]: auth\.json is 0644/);
    expect(xml).not.toContain(SECRET);
  });

  it("JUnit: test-case names do not depend on the verdict or the results (stable CI history)", () => {
    const names = (xml: string) => elements(parseXml(xml), "testcase").map((c) => `${c.getAttribute("classname")}/${c.getAttribute("name")}`);
    const ok: RunRecord[] = records.map((r) => ({ ...r, status: "pass", code: undefined, summary: "fine" }));
    const healthy = buildReport({
      command: "xai", toolVersion: "1.2.3", records: ok, diagnosis: diagnose({ records: ok, deadlineHit: false }),
      context: { offline: false, readOnly: false }, durationMs: 1, generatedAt: new Date(), secrets: [],
    });
    expect(healthy.verdict.code).toBe("healthy");
    expect(names(renderJunit(healthy))).toEqual(names(renderJunit(report())));
    expect(names(renderJunit(healthy))).toContain("hermes-doctor.verdict/verdict");
  });

  it("escapes XML specials and drops characters XML cannot carry", () => {
    expect(xmlEscape(`<a b="c">&'\u0001`)).toBe("&lt;a b=&quot;c&quot;&gt;&amp;&apos;");
  });

  it("Markdown: verdict heading, facets table, a row per check with pipes escaped", () => {
    const md = renderMarkdown(report());
    expect(md.split("\n")[0]).toBe("### hermes-doctor xai: `entitlement_denied`");
    expect(md).toContain("| ok | denied | not_checked | warn |");
    expect(md).toContain("| ⚠ | `store.permissions` | auth.json is 0644 |");
    expect(md).not.toContain(SECRET);
  });
});
