// The library API: the same typed report the CLI renders, with no printing and no exiting.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AllProfilesReportSchema, diagnoseXai, diagnoseXaiAllProfiles, OptionsError, renderAllProfiles, renderReport } from "../src/index.js";
import path from "node:path";
import { writeHermesHome } from "../fixtures/hermes-store.js";
import { sandbox, type Sandbox } from "./helpers/home.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

describe("diagnoseXai", () => {
  it("returns the report for a home without a login, and prints nothing", async () => {
    const out = vi.spyOn(process.stdout, "write");
    const err = vi.spyOn(process.stderr, "write");
    const report = await diagnoseXai({ home: sb.hermes, env: { HOME: sb.userHome }, toolVersion: "9.9.9" });
    expect(report.verdict.code).toBe("not_logged_in");
    expect(report.verdict.exitCode).toBe(10);
    expect(report.tool.version).toBe("9.9.9");
    expect(report.checks.find((c) => c.id === "store.file")?.status).toBe("fail");
    expect(out).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
    out.mockRestore();
    err.mockRestore();
    expect(renderReport(report, "json")).toContain('"not_logged_in"');
  });

  it("rejects bad options with an OptionsError, before any check runs", async () => {
    await expect(diagnoseXai({ only: ["no.such-check"] })).rejects.toThrow(OptionsError);
    await expect(diagnoseXai({ readOnly: true, refresh: true })).rejects.toThrow(/contradict/);
    await expect(diagnoseXai({ issuer: "ftp://example" })).rejects.toThrow(OptionsError);
  });

  it("honours CI from the env it is given, not from process.env", async () => {
    const report = await diagnoseXai({ home: sb.hermes, env: { HOME: sb.userHome, CI: "true" } });
    expect(report.context.readOnly).toBe(true);
    const local = await diagnoseXai({ home: sb.hermes, env: { HOME: sb.userHome, CI: "false" } });
    expect(local.context.readOnly).toBe(false);
  });
});

describe("triage from the library", () => {
  it("gives the same verdict the CLI gives for the seed's 403, with no printing", async () => {
    const { triageText, buildTriageReport } = await import("../src/index.js");
    const input = await triageText("seed", "HTTP 403: Error code: 403 - {'code': 'The caller does not have permission to execute the specified operation', 'error': 'You have either run out of available resources or do not have an active Grok subscription.'}");
    expect(input.verdict.code).toBe("entitlement_denied");
    expect(buildTriageReport([input], "1.0.0").tally).toEqual({ entitlement_denied: 1 });
  });
});

describe("diagnoseXaiAllProfiles", () => {
  it("returns one report per profile, root first then by name, and the summary; prints nothing", async () => {
    await writeHermesHome(path.join(sb.hermes, "profiles", "zeta"), {});
    await writeHermesHome(path.join(sb.hermes, "profiles", "alpha"), {});
    await writeHermesHome(path.join(sb.hermes, "profiles", "Not-A-Profile"), {}); // Hermes would never select it
    const out = vi.spyOn(process.stdout, "write");
    const all = await diagnoseXaiAllProfiles({ home: sb.hermes, offline: true, env: { HOME: sb.userHome } });
    expect(out).not.toHaveBeenCalled();
    out.mockRestore();
    expect(AllProfilesReportSchema.parse(all).allProfiles).toBe(true);
    expect(all.summary.map((s) => s.profile)).toEqual(["default", "alpha", "zeta"]);
    expect(all.reports.map((r) => r.context.profile)).toEqual([undefined, "alpha", "zeta"]);
    expect(all.exitCode).toBe(10);
    expect(JSON.parse(renderAllProfiles(all, "json"))).toEqual(all);
  });

  it("rejects a profile option: the run covers them all", async () => {
    await expect(diagnoseXaiAllProfiles({ profile: "work" } as never)).rejects.toThrow(OptionsError);
  });
});
