import { describe, expect, it } from "vitest";
import { runChecks, withDependencies } from "../src/engine/runner.js";
import { CheckRegistry } from "../src/engine/registry.js";
import type { Check } from "../src/engine/types.js";

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

function check(id: string, run: Check["run"], more: Partial<Check> = {}): Check {
  return { id, title: id, layer: id.split(".")[0]!, description: id, run, ...more };
}

const pass = (ms = 0): Check["run"] => async (ctx) => {
  await sleep(ms, ctx.signal);
  return { status: "pass", summary: "ok" };
};

describe("runChecks", () => {
  it("runs independent checks concurrently", async () => {
    let running = 0;
    let peak = 0;
    const body: Check["run"] = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(80);
      running -= 1;
      return { status: "pass", summary: "ok" };
    };
    const checks = ["a.one", "a.two", "a.three", "a.four"].map((id) => check(id, body));
    const t0 = Date.now();
    const { records } = await runChecks(checks, { services: {}, timeoutMs: 5000 });
    expect(peak).toBe(4);
    expect(records.every((r) => r.status === "pass")).toBe(true);
    // Sequential would take >= 320 ms; concurrent takes about one sleep.
    expect(Date.now() - t0).toBeLessThan(300);
  });

  it("returns records in registration order whatever the finishing order", async () => {
    const checks = [check("a.slow", pass(60)), check("a.fast", pass(0)), check("a.mid", pass(30))];
    const { records } = await runChecks(checks, { services: {}, timeoutMs: 5000 });
    expect(records.map((r) => r.id)).toEqual(["a.slow", "a.fast", "a.mid"]);
  });

  it("passes a dependency's data on and waits for it", async () => {
    const checks = [
      check("a.source", async () => ({ status: "pass", summary: "ok", data: { answer: 42 } })),
      check("a.sink", async (ctx) => ({ status: "pass", summary: `got ${ctx.data<{ answer: number }>("a.source")?.answer}` }), { dependsOn: ["a.source"] }),
    ];
    const { records } = await runChecks(checks, { services: {}, timeoutMs: 5000 });
    expect(records[1]!.summary).toBe("got 42");
    expect(JSON.stringify(records)).not.toContain("answer"); // data is private, never in records
  });

  it("skips dependants of a failed check with the reason, transitively", async () => {
    const checks = [
      check("a.root", async () => ({ status: "fail", summary: "broken", code: "x" })),
      check("a.child", pass(), { dependsOn: ["a.root"] }),
      check("a.grandchild", pass(), { dependsOn: ["a.child"] }),
      check("a.warned", async () => ({ status: "warn", summary: "meh" })),
      check("a.after_warn", pass(), { dependsOn: ["a.warned"] }),
    ];
    const { records } = await runChecks(checks, { services: {}, timeoutMs: 5000 });
    const byId = Object.fromEntries(records.map((r) => [r.id, r]));
    expect(byId["a.child"]).toMatchObject({ status: "skip", code: "dependency", summary: "needs a.root, which failed" });
    expect(byId["a.grandchild"]).toMatchObject({ status: "skip", summary: "needs a.child, which was skipped" });
    expect(byId["a.after_warn"]!.status).toBe("pass"); // a warning does not block
  });

  it("isolates a crashing check: error result, the others go on", async () => {
    const checks = [
      check("a.boom", async () => {
        throw new Error("kaput\nsecond line");
      }),
      check("a.fine", pass()),
      check("a.dependant", pass(), { dependsOn: ["a.boom"] }),
      check("a.garbage", async () => "not a result" as never),
    ];
    const { records } = await runChecks(checks, { services: {}, timeoutMs: 5000 });
    const byId = Object.fromEntries(records.map((r) => [r.id, r]));
    expect(byId["a.boom"]).toMatchObject({ status: "error", code: "check_crashed", summary: "the check itself failed: kaput" });
    expect(byId["a.fine"]!.status).toBe("pass");
    expect(byId["a.dependant"]).toMatchObject({ status: "skip", summary: "needs a.boom, which errored" });
    expect(byId["a.garbage"]).toMatchObject({ status: "error", code: "check_crashed" });
  });

  it("gives each check its own timeout, aborting its signal", async () => {
    let aborted = false;
    const checks = [
      check("a.hang", async (ctx) => {
        ctx.signal.addEventListener("abort", () => (aborted = true));
        await new Promise(() => {}); // never settles, ignores the signal
        return { status: "pass", summary: "unreachable" };
      }, { timeoutMs: 100 }),
      check("a.ok", pass(10)),
    ];
    const t0 = Date.now();
    const { records, deadlineHit } = await runChecks(checks, { services: {}, timeoutMs: 5000 });
    expect(aborted).toBe(true);
    expect(records[0]).toMatchObject({ status: "error", code: "timeout", summary: "did not finish within 100 ms" });
    expect(records[1]!.status).toBe("pass");
    expect(deadlineHit).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it("lets a check that honours its signal report its own result", async () => {
    const checks = [check("a.polite", async (ctx) => {
      try {
        await sleep(10_000, ctx.signal);
      } catch {
        return { status: "fail", summary: "gave up cleanly", code: "timed_out" };
      }
      return { status: "pass", summary: "no" };
    }, { timeoutMs: 50 })];
    const { records } = await runChecks(checks, { services: {}, timeoutMs: 5000 });
    expect(records[0]).toMatchObject({ status: "fail", code: "timed_out" });
  });

  it("leaves no timer behind when the deadline falls after some checks had finished", async () => {
    // A finished check's signal still fires at the run's deadline; it must not start a grace
    // timer that keeps the process alive after the report. Order, not speed: a.stuck ignores its
    // own 50 ms budget, so the run's deadline (100 ms) falls inside its 150 ms grace.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const held: AbortSignal[] = []; // a signal nobody holds may be collected unfired
    const done: Check["run"] = async (ctx) => {
      held.push(ctx.signal);
      return { status: "pass", summary: "ok" };
    };
    const checks = [check("a.done", done), check("a.also", done), check("a.stuck", () => new Promise(() => {}), { timeoutMs: 50 })];
    const { records, deadlineHit } = await runChecks(checks, { services: {}, timeoutMs: 100 });
    expect(deadlineHit).toBe(true);
    expect(records.map((r) => r.status)).toEqual(["pass", "pass", "error"]);
    expect(held.every((s) => s.aborted)).toBe(true);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("ends the whole run at the overall deadline: running checks stop, waiting ones never start", async () => {
    const checks = [
      check("a.slow", async () => {
        await new Promise(() => {});
        return { status: "pass", summary: "x" };
      }),
      check("a.next", pass(), { dependsOn: ["a.slow"] }),
    ];
    const t0 = Date.now();
    const { records, deadlineHit } = await runChecks(checks, { services: {}, timeoutMs: 300 });
    const took = Date.now() - t0;
    expect(deadlineHit).toBe(true);
    expect(records[0]).toMatchObject({ status: "error", code: "timeout" });
    expect(records[0]!.summary).toContain("deadline");
    expect(records[1]!.status).toBe("skip");
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1200);
  });

  it("--only pulls in dependencies; --skip skips and blocks dependants", async () => {
    const checks = [check("a.base", pass()), check("a.mid", pass(), { dependsOn: ["a.base"] }), check("a.top", pass(), { dependsOn: ["a.mid"] }), check("a.other", pass())];
    expect([...withDependencies(checks, ["a.top"])].sort()).toEqual(["a.base", "a.mid", "a.top"]);
    const only = await runChecks(checks, { services: {}, timeoutMs: 5000, only: ["a.mid"] });
    expect(only.records.map((r) => r.id)).toEqual(["a.base", "a.mid"]);
    const skipped = await runChecks(checks, { services: {}, timeoutMs: 5000, skip: ["a.mid", { id: "a.other", code: "offline", summary: "not run: --offline" }] });
    const byId = Object.fromEntries(skipped.records.map((r) => [r.id, r]));
    expect(byId["a.mid"]).toMatchObject({ status: "skip", code: "not_selected" });
    expect(byId["a.top"]).toMatchObject({ status: "skip", summary: "needs a.mid, which was skipped" });
    expect(byId["a.other"]).toMatchObject({ status: "skip", code: "offline" });
  });
});

describe("CheckRegistry", () => {
  it("rejects bad ids, duplicates and unregistered dependencies", () => {
    const r = new CheckRegistry();
    expect(() => r.register(check("Bad Id", pass()))).toThrow(/dotted lower-case/);
    r.register(check("a.one", pass()));
    expect(() => r.register(check("a.one", pass()))).toThrow(/twice/);
    expect(() => r.register(check("a.two", pass(), { dependsOn: ["a.zero"] }))).toThrow(/must be registered before/);
    expect(r.list().map((c) => c.id)).toEqual(["a.one"]);
  });
});
