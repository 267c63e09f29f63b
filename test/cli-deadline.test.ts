// --timeout counts from the process's fork and keeps a reserve for the report and the exit.
import { describe, expect, it } from "vitest";
import { FINISH_RESERVE_MS, msSinceProcessStart, runBudgetMs } from "../src/cli/deadline.js";

describe("the run's budget", () => {
  it("counts this process's life from its start, never less than Node's own clock", () => {
    const node = performance.now();
    const since = msSinceProcessStart();
    expect(since).toBeGreaterThanOrEqual(node);
    expect(since).toBeLessThan(performance.now() + 1_000);
  });
  it("is the timeout less the time already spent and the finishing reserve", () => {
    const before = performance.now();
    const budget = runBudgetMs(30_000);
    expect(budget).toBeLessThanOrEqual(30_000 - FINISH_RESERVE_MS - Math.floor(before));
    expect(budget).toBeGreaterThan(30_000 - FINISH_RESERVE_MS - performance.now() - 1_000);
  });
});
