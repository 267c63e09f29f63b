// The check contract. The engine knows nothing about Hermes or xAI: a check is a plain
// object with an id, its dependencies and an async run() that returns a typed result.

export type Status = "pass" | "warn" | "fail" | "skip" | "error";

/** A suggested fix: plain text and, where one exists, the exact command to run. */
export interface Fix {
  text: string;
  command?: string;
}

/** What a check reports. Everything here may reach a report, so it must be JSON-safe. */
export interface CheckResult {
  status: Status;
  /** One line, no trailing period needed. */
  summary: string;
  /** A stable machine code for the finding (e.g. "entitlement_denied"); diagnosis maps it to a verdict. */
  code?: string;
  /** Structured facts for --verbose and JSON. Never raw secrets: redaction runs over them anyway. */
  details?: Record<string, unknown>;
  fixes?: Fix[];
}

/** What run() returns: a result plus private data for dependants (never rendered). */
export interface CheckOutcome<D = unknown> extends CheckResult {
  data?: D;
}

export interface CheckContext<S = unknown> {
  /** Whatever the application wires in (options, clock, HTTP client, ...). */
  readonly services: S;
  /** Aborted when this check's own timeout or the run's deadline passes. */
  readonly signal: AbortSignal;
  /** Epoch ms by which this check must have finished. */
  readonly deadline: number;
  /**
   * The private data a finished check returned. Dependencies, direct or transitive, have always
   * finished; reading any other check is a race, so don't.
   */
  data<D>(checkId: string): D | undefined;
  /** The result of any check that has already finished (dependencies always have). */
  result(checkId: string): CheckResult | undefined;
}

export interface Check<S = unknown, D = unknown> {
  /** Stable, dotted, lower-case: "store.parse". Part of the public contract. */
  id: string;
  title: string;
  /** Free-form group used for ordering and display, e.g. "store", "network". */
  layer: string;
  description: string;
  /** Checks that must pass (or warn) first; otherwise this one is skipped with the reason. */
  dependsOn?: readonly string[];
  /** Own time budget; the run's deadline still wins. */
  timeoutMs?: number;
  run(ctx: CheckContext<S>): Promise<CheckOutcome<D>>;
}

/** A finished check as the runner hands it on: the result plus identity and timing. */
export interface RunRecord extends CheckResult {
  id: string;
  title: string;
  layer: string;
  durationMs: number;
}
