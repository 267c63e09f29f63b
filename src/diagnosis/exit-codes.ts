// The exit codes, alone in a module: flag parsing and `checks` need them, not the verdict
// catalogue (src/diagnosis/verdicts.ts re-exports them).

/** Exit codes, identical in every output format (README.md, docs/verdicts.md). */
export const EXIT = {
  ok: 0,
  unverified: 1,
  usage: 2,
  internal: 3,
  store: 10,
  session: 11,
  entitlement: 12,
  network: 13,
  upstream: 14,
} as const;
