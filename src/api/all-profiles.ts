// `hermes-doctor xai --all-profiles`: the root and every profile of one Hermes root, diagnosed
// one after the other in one invocation. Sequential on purpose: the root goes first, so a due
// grant is refreshed (and saved) there before the profiles that fall back to the root store read
// it; the SharedRun makes network probes and the inference probe happen once per endpoint and
// credential, and a single-use grant is never refreshed twice (checks/login-refresh.ts).
import os from "node:os";
import path from "node:path";
import { readdir, stat } from "node:fs/promises";
import { SharedRun } from "../engine/shared.js";
import { normalizeProfileName, resolveHermesHome, tildePath } from "../hermes/home.js";
import { EXIT } from "../diagnosis/verdicts.js";
import type { AllProfilesReport, ProfileSummary, Report } from "../report/model.js";
import { SCHEMA_VERSION } from "../report/version.js";
import { DEFAULT_TIMEOUT_MS, diagnoseXaiRun, type XaiOptions } from "./diagnose-xai.js";
import type { Env } from "./env.js";
import { OptionsError } from "./errors.js";

/** Enough for any real install; the same bound token.forks uses. */
const MAX_PROFILES = 64;

export interface AllProfilesOptions extends Omit<XaiOptions, "profile"> {
  /** Exit 1 for a healthy profile with warnings (as --strict does for one profile). */
  strict?: boolean;
}

/** The profile names under <root>/profiles that Hermes would accept, sorted; tombstoned ones left out. */
export async function listProfiles(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(path.join(root, "profiles"), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names.sort()) {
    const n = normalizeProfileName(name);
    // Hermes only selects folders whose name is already a normalised profile id.
    if (!n.ok || n.name !== name || name === "default") continue;
    if (await stat(path.join(root, "profiles", ".deleted", name)).then(() => true, () => false)) continue;
    out.push(name);
    if (out.length === MAX_PROFILES) break;
  }
  return out;
}

/** A report's exit code; --strict turns a clean exit with warnings into 1. */
export function reportExitCode(report: Report, strict: boolean): number {
  const code = report.verdict.exitCode;
  if (strict && code === EXIT.ok && report.counts.warn > 0) return EXIT.unverified;
  return code;
}

/**
 * Diagnoses the root (as profile `default`) and every profile, in that order, and returns one
 * report per profile plus the summary. Throws OptionsError for bad options.
 */
export async function diagnoseXaiAllProfiles(opts: AllProfilesOptions = {}): Promise<AllProfilesReport> {
  if ((opts as XaiOptions).profile !== undefined) throw new OptionsError("--all-profiles and --profile contradict each other: pick one.");
  const env: Env = opts.env ?? { ...process.env };
  const started = Date.now();
  const deadline = started + Math.max(100, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const userHome = os.homedir();
  const resolved = await resolveHermesHome({ ...(opts.home !== undefined ? { home: opts.home } : {}), env, platform: process.platform, userHome });
  const names = ["default", ...(resolved.ok ? await listProfiles(resolved.root) : [])];

  const run = new SharedRun();
  const reports: Report[] = [];
  for (const profile of names) {
    reports.push(await diagnoseXaiRun(
      { ...opts, env, profile, timeoutMs: deadline - Date.now() },
      { run, runLabel: profile === "default" ? "the root (default)" : `profile '${profile}'` },
    ));
  }

  const strict = Boolean(opts.strict);
  const summary: ProfileSummary[] = reports.map((r, i) => ({
    profile: names[i]!,
    ...(r.context.home !== undefined ? { home: r.context.home } : {}),
    verdict: r.verdict.code,
    severity: r.verdict.severity,
    login: r.facets.login,
    entitlement: r.facets.entitlement,
    exitCode: reportExitCode(r, strict),
  }));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "hermes-doctor", version: opts.toolVersion ?? "0.0.0" },
    command: "xai",
    allProfiles: true,
    generatedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    ...(resolved.ok ? { root: tildePath(resolved.root, userHome, process.platform) } : {}),
    exitCode: summary.find((s) => s.exitCode !== EXIT.ok)?.exitCode ?? EXIT.ok,
    summary,
    reports,
  };
}
