// What the doctor's own checks receive. The CLI builds one DoctorServices per run.
import type { Check, CheckContext } from "../src/engine/types.js";
import type { SecretRegistry } from "../src/engine/secrets.js";
import type { HttpClient } from "../src/net/http.js";
import type { SharedRun } from "../src/engine/shared.js";

export interface DoctorOptions {
  /** --home: Hermes root (otherwise HERMES_HOME, otherwise the platform default). */
  home?: string;
  /** --profile NAME: <root>/profiles/NAME. */
  profile?: string;
  /** --offline: no network at all. */
  offline: boolean;
  /** --read-only: never refresh, never write. */
  readOnly: boolean;
  /** Why the run is read-only: the flag, a CI environment, or --offline. */
  readOnlyReason?: "flag" | "ci" | "offline";
  /** --refresh: refresh even a fresh token (explicit consent to rotate). */
  refresh: boolean;
  /** --model: inference probe model instead of config.yaml's. */
  model?: string;
  /** --issuer / HERMES_DOCTOR_ISSUER override. */
  issuer?: string;
  /** --api-base / HERMES_DOCTOR_API_BASE override. */
  apiBase?: string;
  /** --grok-base / HERMES_DOCTOR_GROK_BASE override of the subscription host. */
  grokBase?: string;
  /** --ca-file: extra trusted CA (PEM). */
  caFile?: string;
}

export interface DoctorServices {
  options: DoctorOptions;
  /** A snapshot of the environment; checks never read process.env directly. */
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** The user's home directory (os.homedir()). */
  userHome: string;
  /** Wall clock, epoch ms. */
  now(): number;
  /** Register every token or key a check reads, so no output can ever show it. */
  secrets: SecretRegistry;
  /**
   * The run's one HTTP client (timeouts, proxy, CA), made on first use so offline runs never
   * load undici. Throws HttpClientConfigError for an unusable --ca-file or proxy variable.
   */
  http(): Promise<HttpClient>;
  /**
   * Set when this run is one of several in one invocation (--all-profiles): network answers are
   * shared through it, and a single-use grant is refreshed at most once. `runLabel` names this run.
   */
  shared?: { run: SharedRun; runLabel: string };
}

/** Computes once per invocation when runs are shared, else just computes. */
export function sharedOnce<T>(ctx: DoctorContext, key: string, compute: () => Promise<T>): Promise<T> {
  const shared = ctx.services.shared;
  return shared ? shared.run.once(key, compute) : compute();
}

export type DoctorContext = CheckContext<DoctorServices>;
export type DoctorCheck<D = unknown> = Check<DoctorServices, D>;
