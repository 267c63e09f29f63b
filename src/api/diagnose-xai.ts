// The library call behind `hermes-doctor xai`: options in, the redacted typed Report out.
// No printing, no exiting, no process-global state: the CLI (src/cli/run-xai.ts) is a thin shell.
import os from "node:os";
import { builtinRegistry, NETWORK_LAYERS } from "../../checks/index.js";
import type { DoctorServices } from "../../checks/context.js";
import { runChecks, withDependencies, type RunSummary, type SkipRule } from "../engine/runner.js";
import { SecretRegistry } from "../engine/secrets.js";
import type { Check, RunRecord } from "../engine/types.js";
import { diagnose } from "../diagnosis/diagnose.js";
import { buildReport } from "../report/build.js";
import type { Report } from "../report/model.js";
import { tildePath } from "../hermes/home.js";
import { resolveEndpoints, resolveGrokBase, EndpointError, type Endpoints } from "../xai/endpoints.js";
import { doctorFlagsFor, fitFixes, type FixScope } from "../diagnosis/fit-fixes.js";
import path from "node:path";
import { CaFileError, readCaFile } from "../net/ca-file.js";
import type { HttpClient } from "../net/http.js";
import { loadHttp, preloadHttp } from "../net/load-http.js";
import { isCi, type Env } from "./env.js";
import { OptionsError } from "./errors.js";

import { DEFAULT_TIMEOUT_MS } from "./defaults.js";

export { DEFAULT_TIMEOUT_MS };

export interface XaiOptions {
  /** Hermes root (default: $HERMES_HOME, else the platform default). */
  home?: string;
  /** A Hermes profile under <root>/profiles (already a valid profile name). */
  profile?: string;
  /** Local checks only: nothing is sent anywhere. */
  offline?: boolean;
  /** Never refresh, never write auth.json (implied by offline and by CI unless refresh is set). */
  readOnly?: boolean;
  /** Refresh even a fresh token (rotates the single-use refresh token and saves it). */
  refresh?: boolean;
  /** Model for the inference probe (default: the one Hermes will use). */
  model?: string;
  issuer?: string;
  apiBase?: string;
  /** The subscription host for the account facts (default https://cli-chat-proxy.grok.com/v1). */
  grokBase?: string;
  /** Extra CA file (PEM) to trust. */
  caFile?: string;
  /** Run only these check ids (their dependencies too). */
  only?: readonly string[];
  /** Never run these check ids. */
  skip?: readonly string[];
  /** Deadline for the whole run, ms (default 30000). */
  timeoutMs?: number;
  /** Environment snapshot (default: a copy of process.env). */
  env?: Env;
  /** Extra checks, registered after the built-in ones through the same public check API. */
  extraChecks?: readonly Check<DoctorServices, any>[];
  /** Called as each check starts (progress display). */
  onCheckStart?: (check: { id: string; title: string }) => void;
  /** The tool version written into the report. */
  toolVersion?: string;
  /**
   * Where the run registers every secret it touches (default: a registry of its own). The CLI
   * passes one registry to all its runs, so an unexpected error can be redacted with them too.
   */
  secrets?: SecretRegistry;
}

/**
 * Connect fast, but give an answer time: a reasoning model may think before its first byte, and
 * Hermes allows a refresh 20 s. Each check's own budget and the run's deadline still bound it.
 */
const HTTP_TIMEOUTS = { connectTimeoutMs: 5_000, headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000 };

/** The checks of a run: built-in first, then any extra ones. Throws OptionsError for a bad extra check. */
export function xaiChecks(extra: XaiOptions["extraChecks"] = []): Check<DoctorServices, any>[] {
  const registry = builtinRegistry();
  for (const check of extra) {
    try {
      registry.register(check);
    } catch (err) {
      throw new OptionsError(err instanceof Error ? err.message : String(err));
    }
  }
  return registry.list();
}

/** Diagnoses the xAI OAuth login Hermes uses and returns the report. Throws OptionsError for bad options. */
export async function diagnoseXai(opts: XaiOptions = {}): Promise<Report> {
  return diagnoseXaiRun(opts);
}

/** One run; `shared` joins it to the other runs of one invocation (src/api/all-profiles.ts). */
export async function diagnoseXaiRun(opts: XaiOptions, shared?: DoctorServices["shared"]): Promise<Report> {
  const env: Env = opts.env ?? { ...process.env };
  if (opts.readOnly && opts.refresh) throw new OptionsError("--read-only and --refresh contradict each other: pick one.");
  if (opts.offline && opts.refresh) throw new OptionsError("--offline and --refresh contradict each other: a refresh needs the network.");
  const checks = xaiChecks(opts.extraChecks);
  const known = new Set(checks.map((c) => c.id));
  checkIdsExist(opts.only ?? [], known, "--only");
  checkIdsExist(opts.skip ?? [], known, "--skip");

  // CI runs never rotate a single-use refresh token unless refresh says so explicitly.
  // An offline run cannot refresh, so it is read-only too.
  const offline = Boolean(opts.offline);
  const readOnly = Boolean(opts.readOnly) || offline || (isCi(env) && !opts.refresh);
  const endpoints = endpointsOrOptionsError(opts, env);
  grokBaseOrOptionsError(opts, env);
  if (opts.caFile !== undefined) caFileOrOptionsError(opts.caFile);
  // A run that may send starts loading the HTTP stack now, in parallel with the local checks.
  if (!offline && maySend(checks, opts.only)) preloadHttp();
  let http: Promise<HttpClient> | undefined;
  const services: DoctorServices = {
    options: {
      home: opts.home,
      profile: opts.profile,
      offline,
      readOnly,
      ...(readOnly ? { readOnlyReason: opts.readOnly ? "flag" : offline ? "offline" : "ci" } as const : {}),
      refresh: Boolean(opts.refresh),
      model: opts.model,
      issuer: opts.issuer,
      apiBase: opts.apiBase,
      grokBase: opts.grokBase,
      caFile: opts.caFile,
    },
    env,
    platform: process.platform,
    userHome: os.homedir(),
    now: () => Date.now(),
    secrets: opts.secrets ?? new SecretRegistry(),
    // Made on first use: an offline run never loads undici.
    http: () => (http ??= loadHttp().then((m) => m.createHttpClient({ env, caFile: opts.caFile, ...HTTP_TIMEOUTS }))),
    ...(shared ? { shared } : {}),
  };

  const skip: (string | SkipRule)[] = [...(opts.skip ?? [])];
  if (offline) {
    for (const c of checks) {
      if (NETWORK_LAYERS.includes(c.layer)) skip.push({ id: c.id, code: "offline", summary: "not run: --offline" });
    }
  }

  const started = Date.now();
  let summary: RunSummary | undefined;
  try {
    summary = await runChecks(checks, {
      services,
      timeoutMs: Math.max(100, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      only: opts.only,
      skip,
      ...(opts.onCheckStart ? { onStart: (c: Check<DoctorServices>) => opts.onCheckStart!({ id: c.id, title: c.title }) } : {}),
    });
  } finally {
    // After the deadline nothing in flight is waited for: a hung request must not keep the
    // process alive (a plain close waits for it, up to a second).
    if (http) await http.then((c) => c.close({ abandon: summary?.deadlineHit ?? true })).catch(() => {});
  }

  const diagnosed = diagnose({ records: summary.records, deadlineHit: summary.deadlineHit, ...(opts.only?.length ? { only: opts.only } : {}) });
  const homeDetails = summary.records.find((r) => r.id === "store.home")?.details ?? {};
  // Every fix, the checks' and the verdict's, fitted once to this run's home, profile and endpoints.
  const scope = fixScope(opts, homeDetails, services.userHome, services.platform);
  const records = summary.records.map((r) => (r.fixes?.length ? { ...r, fixes: fitFixes(r.fixes, scope) } : r));
  const diagnosis = { ...diagnosed, verdict: { ...diagnosed.verdict, fixes: fitFixes(diagnosed.verdict.fixes, scope) } };
  return buildReport({
    command: "xai",
    toolVersion: opts.toolVersion ?? "0.0.0",
    records,
    diagnosis,
    context: {
      ...(typeof homeDetails.home === "string" ? { home: tildePath(homeDetails.home, services.userHome, services.platform) } : {}),
      ...(typeof homeDetails.profile === "string" ? { profile: homeDetails.profile } : {}),
      offline,
      readOnly,
      ...(offline ? {} : { endpoints: usedEndpoints(summary.records, endpoints) }),
    },
    durationMs: Date.now() - started,
    generatedAt: new Date(),
    secrets: services.secrets.values(),
  });
}

/**
 * What the suggested commands must carry: HERMES_HOME for a --home root, `-p` for a --profile
 * (as Hermes normalised it; `default` kept, since it beats a sticky active_profile), the home in
 * use for paths, and the flags a doctor re-run must repeat.
 */
function fixScope(opts: XaiOptions, homeDetails: Record<string, unknown>, userHome: string, platform: NodeJS.Platform): FixScope {
  const resolvedProfile = typeof homeDetails.profile === "string" ? homeDetails.profile : undefined;
  const resolved = typeof homeDetails.home === "string";
  const profile = opts.profile !== undefined && resolved ? (resolvedProfile ?? "default") : undefined;
  const homeFlag = opts.home?.trim() ? path.resolve(opts.home.trim()) : undefined;
  return {
    ...(homeFlag ? { homeFlag } : {}),
    ...(profile ? { profile } : {}),
    ...(resolved ? { shownHome: tildePath(homeDetails.home as string, userHome, platform) } : {}),
    doctorFlags: doctorFlagsFor({ home: homeFlag, profile, issuer: opts.issuer, apiBase: opts.apiBase, grokBase: opts.grokBase, caFile: opts.caFile }),
  };
}

/** Whether a network check is part of the run (all of them, or one that --only selects). */
function maySend(checks: readonly Check<DoctorServices, any>[], only: readonly string[] | undefined): boolean {
  const selected = only?.length ? withDependencies(checks, only) : undefined;
  return checks.some((c) => NETWORK_LAYERS.includes(c.layer) && (!selected || selected.has(c.id)));
}

/** Unknown ids in only / skip are option errors, with the list command as the fix. */
export function checkIdsExist(ids: readonly string[], known: ReadonlySet<string>, flag: string): void {
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new OptionsError(`${flag}: unknown check id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (list them with: hermes-doctor checks)`);
  }
}

/** A malformed issuer / API base (or their env variables) is an option error, not a finding. */
function endpointsOrOptionsError(opts: XaiOptions, env: Env): Endpoints {
  try {
    return resolveEndpoints({ issuer: opts.issuer, apiBase: opts.apiBase }, env);
  } catch (err) {
    if (err instanceof EndpointError) throw new OptionsError(err.message);
    throw err;
  }
}

/** A malformed grok base (or HERMES_DOCTOR_GROK_BASE) is an option error too. */
function grokBaseOrOptionsError(opts: XaiOptions, env: Env): void {
  try {
    resolveGrokBase(opts.grokBase, env);
  } catch (err) {
    if (err instanceof EndpointError) throw new OptionsError(err.message);
    throw err;
  }
}

/** An unusable CA file is a bad option value, not a finding about xAI's certificate. */
function caFileOrOptionsError(file: string): void {
  if (file.trim() === "") throw new OptionsError("--ca-file needs the path of a PEM file.");
  try {
    readCaFile(file);
  } catch (err) {
    if (err instanceof CaFileError) throw new OptionsError(`--ca-file: ${err.message}.`);
    throw err;
  }
}

/** The endpoints the run really used (net.endpoints may follow Hermes' own base URL settings). */
function usedEndpoints(records: RunRecord[], fallback: Endpoints): NonNullable<Report["context"]["endpoints"]> {
  const d = records.find((r) => r.id === "net.endpoints")?.details;
  const overridden = fallback.issuerOverridden || fallback.apiBaseOverridden;
  if (typeof d?.issuer === "string" && typeof d.apiBase === "string") return { issuer: d.issuer, apiBase: d.apiBase, overridden };
  return { issuer: fallback.issuer, apiBase: fallback.apiBase, overridden };
}
