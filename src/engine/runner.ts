import type { Check, CheckContext, CheckOutcome, CheckResult, RunRecord } from "./types.js";
import { CRITICAL_WAIT_MS, criticalSectionsDone } from "./critical.js";

export interface RunOptions<S> {
  services: S;
  /** Overall budget for the whole run, in ms (the --timeout flag). */
  timeoutMs: number;
  /** Default budget of a single check when it declares none. */
  checkTimeoutMs?: number;
  /** Run only these ids (their dependencies are pulled in too). */
  only?: readonly string[];
  /** Never run these ids (plain ids: "skipped with --skip"); their dependants are skipped with the reason. */
  skip?: readonly (string | SkipRule)[];
  /** Called as each check finishes (progress display). Must not throw. */
  onFinish?: (record: RunRecord) => void;
  /** Called as each check starts. */
  onStart?: (check: Check<S>) => void;
  now?: () => number;
}

/** A check left out on purpose, with the code and summary its record carries (e.g. offline). */
export interface SkipRule {
  id: string;
  code: string;
  summary: string;
}

export interface RunSummary {
  records: RunRecord[];
  /** True when the overall deadline cut the run short. */
  deadlineHit: boolean;
  durationMs: number;
}

const DEFAULT_CHECK_TIMEOUT_MS = 15_000;
/** Time a check gets, after its signal fires, to return its own (better) result. */
const ABORT_GRACE_MS = 150;

/** The abort reason when a budget runs out: the standard TimeoutError, as AbortSignal.timeout() uses. */
const timeoutReason = (what: string) => new DOMException(`${what} reached`, "TimeoutError");

/** Every id needed to run `only`: the ids themselves and their dependencies, transitively. */
export function withDependencies<S>(checks: readonly Check<S>[], only: readonly string[]): Set<string> {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const wanted = new Set<string>();
  const visit = (id: string) => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) visit(dep);
  };
  only.forEach(visit);
  return wanted;
}

/**
 * Runs checks concurrently as soon as their dependencies have finished, each under its own
 * timeout and the run's deadline. A throw becomes an `error` result; a failed, errored or
 * skipped dependency makes its dependants `skip` with the reason. Records come back in the
 * order the checks were given, whatever order they finished in.
 */
export async function runChecks<S>(checks: readonly Check<S>[], opts: RunOptions<S>): Promise<RunSummary> {
  const now = opts.now ?? Date.now;
  const started = now();
  const deadline = started + opts.timeoutMs;
  const runAbort = new AbortController();
  const deadlineTimer = setTimeout(() => runAbort.abort(timeoutReason("the run's deadline")), opts.timeoutMs);

  const selected = opts.only?.length ? withDependencies(checks, opts.only) : undefined;
  const skipped = new Map<string, SkipRule>();
  for (const s of opts.skip ?? []) {
    const rule = typeof s === "string" ? { id: s, code: "not_selected", summary: "skipped with --skip" } : s;
    skipped.set(rule.id, rule);
  }
  const outcomes = new Map<string, { result: CheckResult; data?: unknown }>();
  const records = new Map<string, RunRecord>();
  let deadlineHit = false;

  const finish = (check: Check<S>, outcome: CheckOutcome, t0: number) => {
    const { data, ...result } = outcome;
    outcomes.set(check.id, { result, data });
    const record: RunRecord = { id: check.id, title: check.title, layer: check.layer, ...result, durationMs: Math.max(0, Math.round(now() - t0)) };
    records.set(check.id, record);
    opts.onFinish?.(record);
  };

  const contextFor = (signal: AbortSignal, checkDeadline: number): CheckContext<S> => ({
    services: opts.services,
    signal,
    deadline: checkDeadline,
    data: <D>(id: string) => outcomes.get(id)?.data as D | undefined,
    result: (id: string) => outcomes.get(id)?.result,
  });

  const runOne = async (check: Check<S>): Promise<void> => {
    const t0 = now();
    const remaining = deadline - t0;
    if (remaining <= 0 || runAbort.signal.aborted) {
      deadlineHit = true;
      finish(check, { status: "skip", code: "deadline", summary: "not started: the run's deadline was reached" }, t0);
      return;
    }
    const ownBudget = check.timeoutMs ?? opts.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    const budget = Math.min(ownBudget, remaining);
    const cutByDeadline = ownBudget >= remaining;
    const own = new AbortController();
    const signal = AbortSignal.any([own.signal, runAbort.signal]);
    const timer = setTimeout(() => own.abort(timeoutReason("the check's time budget")), budget);
    let graceTimer: NodeJS.Timeout | undefined;
    // A check that ignores its signal still cannot hold the run: after the grace we stop waiting,
    // unless a critical section (a token save) is running: that is waited for, bounded.
    let stopWaiting!: (reason: unknown) => void;
    const hardStop = new Promise<never>((_, reject) => (stopWaiting = reject));
    const onAbort = () => {
      graceTimer = setTimeout(() => void criticalSectionsDone(CRITICAL_WAIT_MS).then(() => stopWaiting(signal.reason)), ABORT_GRACE_MS);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    opts.onStart?.(check);
    try {
      const outcome = await Promise.race([check.run(contextFor(signal, t0 + budget)), hardStop]);
      finish(check, validOutcome(outcome), t0);
    } catch (err) {
      if (signal.aborted) {
        const byDeadline = runAbort.signal.aborted || cutByDeadline;
        if (byDeadline) deadlineHit = true;
        finish(check, {
          status: "error",
          code: "timeout",
          summary: byDeadline
            ? "stopped: the run's deadline was reached"
            : `did not finish within ${budget} ms`,
        }, t0);
      } else {
        finish(check, { status: "error", code: "check_crashed", summary: `the check itself failed: ${errorMessage(err)}` }, t0);
      }
    } finally {
      // A finished check's signal still fires at the run's deadline: no grace timer may start
      // then (one per finished check kept the process alive 150 ms after the report).
      signal.removeEventListener("abort", onAbort);
      clearTimeout(timer);
      clearTimeout(graceTimer);
    }
  };

  // Launch each check as soon as its dependencies are settled; registration order is topological.
  const pending = new Map<string, Promise<void>>();
  for (const check of checks) {
    const deps = check.dependsOn ?? [];
    const launch = async () => {
      await Promise.all(deps.map((d) => pending.get(d)));
      const t0 = now();
      if (selected && !selected.has(check.id)) return; // not part of this run at all
      const rule = skipped.get(check.id);
      if (rule) {
        finish(check, { status: "skip", code: rule.code, summary: rule.summary }, t0);
        return;
      }
      const blocker = deps.map((d) => ({ id: d, r: outcomes.get(d)?.result })).find(({ r }) => !r || !(r.status === "pass" || r.status === "warn"));
      if (blocker) {
        const why = blocker.r ? `${blocker.r.status === "skip" ? "was skipped" : blocker.r.status === "error" ? "errored" : "failed"}` : "was not run";
        finish(check, { status: "skip", code: "dependency", summary: `needs ${blocker.id}, which ${why}`, details: { blockedBy: blocker.id } }, t0);
        return;
      }
      await runOne(check);
    };
    pending.set(check.id, launch());
  }
  await Promise.all(pending.values());
  clearTimeout(deadlineTimer);

  return {
    records: checks.filter((c) => records.has(c.id)).map((c) => records.get(c.id)!),
    deadlineHit,
    durationMs: Math.round(now() - started),
  };
}

const STATUSES = new Set(["pass", "warn", "fail", "skip", "error"]);

function validOutcome(outcome: unknown): CheckOutcome {
  const o = outcome as CheckOutcome | undefined;
  if (!o || typeof o !== "object" || !STATUSES.has(o.status) || typeof o.summary !== "string") {
    return { status: "error", code: "check_crashed", summary: "the check returned no valid result" };
  }
  return o;
}

function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0]!.slice(0, 300);
}
