// Golden files for the text report: a fixed report rendered at 80 and 40 columns, with and
// without colour, collapsed and verbose. Update after an intended change with `npx vitest run
// test/text-golden.test.ts -u` and read the diff.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Chalk } from "chalk";
import { buildReport } from "../src/report/build.js";
import { diagnose } from "../src/diagnosis/diagnose.js";
import { fitFixes } from "../src/diagnosis/fit-fixes.js";
import { renderAllProfilesText, renderText, wrapText } from "../src/report/text.js";
import { renderReport } from "../src/report/render.js";
import type { RunRecord } from "../src/engine/types.js";
import type { AllProfilesReport } from "../src/report/model.js";

const rec = (r: Partial<RunRecord> & Pick<RunRecord, "id" | "layer" | "status" | "summary">): RunRecord => ({ title: r.id, durationMs: 3, ...r });

/** A login that works on an account xAI does not entitle: every kind of row once. */
const records: RunRecord[] = [
  rec({ id: "store.home", layer: "store", status: "pass", summary: "Hermes home: ~/.hermes/profiles/work (--profile)", details: { home: "/home/u/.hermes/profiles/work" } }),
  rec({ id: "store.file", layer: "store", status: "pass", summary: "auth.json found (4.1 kB)" }),
  rec({ id: "store.permissions", layer: "store", status: "warn", code: "store_mode_too_open", summary: "auth.json is readable by other users (mode 0644)", fixes: [{ text: "Make auth.json private to you", command: "chmod 600 /home/u/.hermes/profiles/work/auth.json" }] }),
  rec({ id: "config.provider", layer: "config", status: "pass", summary: "chat goes to xai-oauth (model.provider in config.yaml)" }),
  rec({ id: "token.expiry", layer: "token", status: "pass", summary: "access token valid for 5 h 12 min" }),
  rec({ id: "token.forks", layer: "token", status: "pass", summary: "the refresh token in use is stored once (3 stores compared)" }),
  rec({ id: "net.api", layer: "network", status: "pass", summary: "api.x.ai answered HTTP 200 (dns 4 ms, tcp 12 ms, tls 30 ms)" }),
  rec({ id: "login.refresh", layer: "login", status: "pass", summary: "access token fresh (5 h 12 min left); not refreshed — Hermes would not either (use --refresh to test it)" }),
  rec({ id: "entitlement.inference", layer: "entitlement", status: "fail", code: "entitlement_denied", summary: "inference with grok-4.6: HTTP 403 — The caller does not have permission to execute the specified operation", details: { model: "grok-4.6", httpStatus: 403 }, durationMs: 412 }),
  rec({ id: "apikey.probe", layer: "entitlement", status: "skip", code: "no_api_key", summary: "no XAI_API_KEY set (the fallback if OAuth is refused)" }),
];

function fixture() {
  const d = diagnose({ records, deadlineHit: false });
  // As diagnoseXai does: the fixes fitted to a `--profile work` run.
  d.verdict.fixes = fitFixes(d.verdict.fixes, { profile: "work", shownHome: "~/.hermes/profiles/work", doctorFlags: ["--profile", "work"] });
  return buildReport({
    command: "xai", toolVersion: "0.1.0", records, diagnosis: d,
    context: { home: "~/.hermes/profiles/work", profile: "work", offline: false, readOnly: false },
    durationMs: 1234, generatedAt: new Date("2026-11-28T12:00:00Z"), secrets: [],
  });
}

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });

describe("text report goldens", () => {
  for (const columns of [80, 40]) {
    it(`${columns} columns, no colour`, async () => {
      await expect(renderText(fixture(), { chalk: plain, columns })).toMatchFileSnapshot(`golden/text-${columns}.txt`);
    });
    it(`${columns} columns, colour`, async () => {
      await expect(renderText(fixture(), { chalk: colour, columns })).toMatchFileSnapshot(`golden/text-${columns}-color.txt`);
    });
  }
  it("80 columns, verbose", async () => {
    await expect(renderText(fixture(), { chalk: plain, columns: 80, verbose: true })).toMatchFileSnapshot("golden/text-80-verbose.txt");
  });
  it("--all-profiles at 80 and 40 columns", async () => {
    const one = fixture();
    const all: AllProfilesReport = {
      schemaVersion: 1, tool: one.tool, command: "xai", allProfiles: true, generatedAt: one.generatedAt, durationMs: 2000, root: "~/.hermes", exitCode: 12,
      summary: [
        { profile: "default", home: "~/.hermes", verdict: "healthy", severity: "ok", login: "ok", entitlement: "ok", exitCode: 0 },
        { profile: "work", home: "~/.hermes/profiles/work", verdict: "entitlement_denied", severity: "error", login: "ok", entitlement: "denied", exitCode: 12 },
      ],
      reports: [one, one],
    };
    await expect(renderAllProfilesText(all, { chalk: plain, columns: 80 })).toMatchFileSnapshot("golden/all-profiles-80.txt");
    await expect(renderAllProfilesText(all, { chalk: plain, columns: 40 })).toMatchFileSnapshot("golden/all-profiles-40.txt");
  });
});

describe("the dispatcher renders the goldens byte for byte", () => {
  const golden = (name: string) => readFileSync(new URL(`golden/${name}`, import.meta.url), "utf8");
  it("no colour without chalk, colour through it", () => {
    for (const columns of [80, 40]) {
      expect(renderReport(fixture(), "text", { columns })).toBe(golden(`text-${columns}.txt`));
      expect(renderReport(fixture(), "text", { columns, colorLevel: 0 })).toBe(golden(`text-${columns}.txt`));
      expect(renderReport(fixture(), "text", { columns, colorLevel: 1 })).toBe(golden(`text-${columns}-color.txt`));
    }
    expect(renderReport(fixture(), "text", { columns: 80, verbose: true })).toBe(golden("text-80-verbose.txt"));
  });
});

describe("text report layout", () => {
  it("no prose line is wider than the terminal; commands are kept whole", () => {
    for (const columns of [80, 40]) {
      const text = renderText(fixture(), { chalk: plain, columns });
      for (const line of text.split("\n")) {
        if (line.trimStart().startsWith("$ ") || line.includes("chmod 600") || /^\S+$/.test(line.trim())) continue;
        expect(line.length, line).toBeLessThanOrEqual(columns);
      }
      expect(text).toContain("chmod 600 /home/u/.hermes/profiles/work/auth.json");
    }
  });
  it("colour codes do not count toward the width", () => {
    const red = colour.red("word");
    expect(wrapText(`${red} ${red} ${red}`, 10, "", "")).toEqual([`${red} ${red}`, red]);
  });
  it("unknown or 0 columns means 80", () => {
    const r = fixture();
    expect(renderText(r, { chalk: plain, columns: 0 })).toBe(renderText(r, { chalk: plain, columns: 80 }));
    expect(renderText(r, { chalk: plain })).toBe(renderText(r, { chalk: plain, columns: 80 }));
  });
  it("collapses passing rows unless verbose; failing, warning and skipped rows always shown", () => {
    const text = renderText(fixture(), { chalk: plain, columns: 80 });
    expect(text).not.toContain("store.home");
    expect(text).toContain("⚠ store.permissions");
    expect(text).toContain("✗ entitlement.inference");
    expect(text).toContain("○ apikey.probe");
    expect(text).toContain("✓ 2 checks passed");
    expect(renderText(fixture(), { chalk: plain, verbose: true })).toContain("✓ store.home");
  });
});
