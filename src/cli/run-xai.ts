// `hermes-doctor xai`: wire the services, run the checks, diagnose, build the report, render.
import os from "node:os";
import { Chalk } from "chalk";
import { builtinRegistry, NETWORK_LAYERS } from "../../checks/index.js";
import type { DoctorServices } from "../../checks/context.js";
import { runChecks, type SkipRule } from "../engine/runner.js";
import { SecretRegistry } from "../engine/secrets.js";
import { diagnose } from "../diagnosis/diagnose.js";
import { EXIT } from "../diagnosis/verdicts.js";
import { buildReport } from "../report/build.js";
import type { Report } from "../report/model.js";
import { renderJson } from "../report/json.js";
import { renderText } from "../report/text.js";
import { renderJunit } from "../report/junit.js";
import { renderMarkdown } from "../report/markdown.js";
import { tildePath } from "../hermes/home.js";
import { resolveEndpoints, EndpointError, type Endpoints } from "../xai/endpoints.js";
import type { RunRecord } from "../engine/types.js";
import { CaFileError, readCaFile } from "../net/ca-file.js";
import type { HttpClient } from "../net/http.js";
import { colorLevel, isCi, spinnerAllowed, type IO } from "./io.js";
import { checkIdsExist, UsageError } from "./options.js";
import type { XaiFlags } from "./program.js";
import { startProgress } from "./spinner.js";

/**
 * Connect fast, but give an answer time: a reasoning model may think before its first byte, and
 * Hermes allows a refresh 20 s. Each check's own budget and the run's deadline still bound it.
 */
const HTTP_TIMEOUTS = { connectTimeoutMs: 5_000, headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000 };

export async function runXai(flags: XaiFlags, io: IO, toolVersion: string): Promise<number> {
  const registry = builtinRegistry();
  const known = new Set(registry.list().map((c) => c.id));
  checkIdsExist(flags.only ?? [], known, "--only");
  checkIdsExist(flags.skip ?? [], known, "--skip");

  // CI runs never rotate a single-use refresh token unless --refresh says so explicitly.
  // An offline run cannot refresh, so it is read-only too.
  const offline = Boolean(flags.offline);
  const readOnly = Boolean(flags.readOnly) || offline || (isCi(io.env) && !flags.refresh);
  const endpoints = endpointsOrUsageError(flags, io);
  if (flags.caFile !== undefined) caFileOrUsageError(flags.caFile);
  let http: Promise<HttpClient> | undefined;
  const services: DoctorServices = {
    options: {
      home: flags.home,
      profile: flags.profile,
      offline,
      readOnly,
      ...(readOnly ? { readOnlyReason: flags.readOnly ? "flag" : offline ? "offline" : "ci" } as const : {}),
      refresh: Boolean(flags.refresh),
      model: flags.model,
      issuer: flags.issuer,
      apiBase: flags.apiBase,
      caFile: flags.caFile,
    },
    env: io.env,
    platform: process.platform,
    userHome: os.homedir(),
    now: () => Date.now(),
    secrets: new SecretRegistry(),
    // Lazy: undici is only loaded when a network check runs.
    http: () => (http ??= import("../net/http.js").then((m) => m.createHttpClient({ env: io.env, caFile: flags.caFile, ...HTTP_TIMEOUTS }))),
  };

  const checks = registry.list();
  const skip: (string | SkipRule)[] = [...(flags.skip ?? [])];
  if (offline) {
    for (const c of checks) {
      if (NETWORK_LAYERS.includes(c.layer)) skip.push({ id: c.id, code: "offline", summary: "not run: --offline" });
    }
  }

  const progress = await startProgress(spinnerAllowed(io.stderr, io.env, flags.format), io.stderr, "Checking the xAI login…");
  const started = Date.now();
  let summary;
  try {
    summary = await runChecks(checks, {
      services,
      // --timeout bounds the whole process, start-up included, so a script can rely on it.
      timeoutMs: Math.max(100, flags.timeout - Math.round(performance.now())),
      only: flags.only,
      skip,
      onStart: (c) => progress.update(`Checking: ${c.title}…`),
    });
  } finally {
    progress.stop();
    // Destroy, not close: a hung request must not keep the process alive after the deadline.
    if (http) await http.then((c) => c.close()).catch(() => {});
  }

  const diagnosis = diagnose({ records: summary.records, deadlineHit: summary.deadlineHit });
  const homeDetails = summary.records.find((r) => r.id === "store.home")?.details ?? {};
  const report = buildReport({
    command: "xai",
    toolVersion,
    records: summary.records,
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

  io.stdout.write(render(report, flags, io));
  return exitCodeFor(report, Boolean(flags.strict));
}

/** The verdict's exit code; --strict turns a clean exit with warnings into 1. */
export function exitCodeFor(report: Report, strict: boolean): number {
  const code = report.verdict.exitCode;
  if (strict && code === EXIT.ok && report.counts.warn > 0) return EXIT.unverified;
  return code;
}

/** A malformed --issuer / --api-base (or their env variables) is a usage error, not a finding. */
function endpointsOrUsageError(flags: XaiFlags, io: IO) {
  try {
    return resolveEndpoints({ issuer: flags.issuer, apiBase: flags.apiBase }, io.env);
  } catch (err) {
    if (err instanceof EndpointError) throw new UsageError(err.message);
    throw err;
  }
}

/** An unusable --ca-file is a bad flag value (exit 2), not a finding about xAI's certificate. */
function caFileOrUsageError(file: string): void {
  if (file.trim() === "") throw new UsageError("--ca-file needs the path of a PEM file.");
  try {
    readCaFile(file);
  } catch (err) {
    if (err instanceof CaFileError) throw new UsageError(`--ca-file: ${err.message}.`);
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

function render(report: Report, flags: XaiFlags, io: IO): string {
  switch (flags.format) {
    case "json":
      return renderJson(report);
    case "junit":
      return renderJunit(report);
    case "markdown":
      return renderMarkdown(report);
    case "text":
      return renderText(report, { chalk: new Chalk({ level: colorLevel(io.stdout, io.env, flags.color) }), verbose: flags.verbose });
  }
}
