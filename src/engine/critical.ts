// Critical sections: work that must never be cut off half-way, above all saving a freshly rotated
// single-use refresh token. Nothing that stops the process (the runner's hard stop, the CLI's
// exit fallback, SIGINT/SIGTERM) may abandon one; each asks here first and waits, bounded.
// One registry per process: a run has one set of checks, and the CLI is its only exit.

let active = 0;
const idleWaiters = new Set<() => void>();

/** Runs `fn` as a critical section: while it runs, stopping the process waits for it. */
export async function criticalSection<T>(fn: () => Promise<T>): Promise<T> {
  active += 1;
  try {
    return await fn();
  } finally {
    active -= 1;
    if (active === 0) {
      for (const wake of idleWaiters) wake();
      idleWaiters.clear();
    }
  }
}

export function inCriticalSection(): boolean {
  return active > 0;
}

/** Resolves true once no critical section runs, or false when `maxWaitMs` passes first. */
export function criticalSectionsDone(maxWaitMs: number): Promise<boolean> {
  if (active === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      idleWaiters.delete(wake);
      resolve(false);
    }, maxWaitMs);
    idleWaiters.add(wake);
  });
}

/**
 * How long anything stopping the process waits for a critical section. A save takes milliseconds;
 * the bound covers a token answer already in flight (the refresh request's own timeout is longer,
 * but by then the user asked twice or the deadline has long passed).
 */
export const CRITICAL_WAIT_MS = 10_000;
