// store.recover: finishes a save an earlier run (ours or Hermes') did not, before anything reads
// auth.json. A leftover `.auth_*.tmp` holding a newer grant for the same account is adopted under
// Hermes' lock; leftovers that provably hold nothing newer are deleted; anything else is kept and
// reported. Under --read-only / --offline / CI nothing is written: the exact recovery is offered.
// Never fails or skips (store.file depends on it): problems are warnings.
import type { DoctorCheck, DoctorContext } from "./context.js";
import type { CheckOutcome, Fix } from "../src/engine/types.js";
import type { StoreHomeData } from "./store-home.js";
import { criticalSection } from "../src/engine/critical.js";
import { prepareAtomicWrite, resolveTarget } from "../src/hermes/atomic-write.js";
import { parseStoreText, readStoreFile, secretValuesIn } from "../src/hermes/auth-store.js";
import { AUTH_LOCK_TIMEOUT_MS, withAuthLock } from "../src/hermes/lock.js";
import { adoptLeftover, findLeftovers, type Leftover } from "../src/hermes/recovery.js";
import { shellQuote, tildePath } from "../src/hermes/home.js";
import { promises as fs } from "node:fs";

interface StoreOutcome {
  path: string;
  adopted?: { from: string; updated: string[] };
  removed: string[];
  kept: Leftover[];
  pending: Leftover[];
}

export const storeRecover: DoctorCheck = {
  id: "store.recover",
  title: "Interrupted saves",
  layer: "store",
  description: "Finds temp files an interrupted save left beside auth.json; adopts a newer login from one under Hermes' lock and removes the provably stale ones (never under --read-only or CI).",
  dependsOn: ["store.home"],
  timeoutMs: 30_000,
  async run(ctx) {
    const home = ctx.data<StoreHomeData>("store.home")!;
    const paths = [...new Set([home.authPath, home.rootAuthPath])];
    try {
      const results: StoreOutcome[] = [];
      for (const p of paths) {
        const r = await recoverStore(ctx, p);
        if (r) results.push(r);
      }
      return summarise(ctx, results);
    } catch (err) {
      return { status: "warn", code: "recovery_failed", summary: `could not finish an interrupted save: ${err instanceof Error ? err.message : String(err)}` };
    }
  },
};

async function currentStore(realPath: string): Promise<Record<string, unknown> | undefined> {
  const read = await readStoreFile(realPath);
  const parsed = read.kind === "ok" ? parseStoreText(read.text) : undefined;
  return parsed?.ok ? parsed.store : undefined;
}

async function recoverStore(ctx: DoctorContext, storePath: string): Promise<StoreOutcome | undefined> {
  const { secrets, options } = ctx.services;
  const real = await resolveTarget(storePath);
  const store = await currentStore(real);
  const first = await findLeftovers(real, store);
  if (!first.length) return undefined;
  for (const l of first) for (const v of secretValuesIn(l.store)) secrets.add(v);
  const actionable = (ls: Leftover[]) => ls.some((l) => l.kind !== "unknown");
  if (options.readOnly || !store || !actionable(first)) {
    return { path: storePath, removed: [], kept: first.filter((l) => l.kind === "unknown" || !store), pending: store ? first.filter((l) => l.kind !== "unknown") : [] };
  }

  const lockWait = Math.max(0, Math.min(AUTH_LOCK_TIMEOUT_MS, ctx.deadline - ctx.services.now() - 1_000));
  return withAuthLock(storePath, { timeoutMs: lockWait, env: ctx.services.env, signal: ctx.signal }, async () => {
    // Under the lock nobody else is mid-save: re-read and re-classify what is there now.
    const locked = await currentStore(real);
    const leftovers = await findLeftovers(real, locked);
    const out: StoreOutcome = { path: storePath, removed: [], kept: [], pending: [] };
    const newest = leftovers.filter((l) => l.kind === "newer").sort((a, b) => (b.issuedAt ?? 0) - (a.issuedAt ?? 0))[0];
    if (locked && newest) {
      const updated = adoptLeftover(locked, newest); // `locked` is now the recovered store
      const prepared = await prepareAtomicWrite(storePath);
      await criticalSection(() => prepared.write(JSON.stringify(locked, null, 2)));
      out.adopted = { from: newest.path, updated };
      await fs.unlink(newest.path).catch(() => undefined);
    }
    // Judged against the store as it now is: anything not newer than it is provably useless.
    for (const l of newest ? await findLeftovers(real, locked) : leftovers) {
      if (l.kind === "torn" || l.kind === "stale") await fs.unlink(l.path).then(() => out.removed.push(l.path), () => out.kept.push(l));
      else out.kept.push(l);
    }
    return out;
  });
}

function summarise(ctx: DoctorContext, results: StoreOutcome[]): CheckOutcome {
  const { userHome, platform, options } = ctx.services;
  const show = (p: string) => tildePath(p, userHome, platform);
  if (!results.length) return { status: "pass", summary: "no interrupted save left behind" };
  const details: Record<string, unknown> = {
    stores: results.map((r) => ({
      path: r.path,
      ...(r.adopted ? { adoptedFrom: r.adopted.from, updated: r.adopted.updated } : {}),
      ...(r.removed.length ? { removed: r.removed } : {}),
      ...(r.kept.length ? { kept: r.kept.map((l) => ({ path: l.path, kind: l.kind })) } : {}),
      ...(r.pending.length ? { pending: r.pending.map((l) => ({ path: l.path, kind: l.kind })) } : {}),
    })),
  };
  const fixes: Fix[] = [];
  const parts: string[] = [];
  for (const r of results) {
    if (r.adopted) parts.push(`adopted the newer login an interrupted save left in ${show(r.adopted.from)} (${r.adopted.updated.join(", ")})`);
    if (r.removed.length) parts.push(`removed ${r.removed.length} stale temp file(s) beside ${show(r.path)}`);
    const newer = r.pending.find((l) => l.kind === "newer");
    if (newer) {
      const why = options.readOnlyReason === "ci" ? "CI is set" : options.readOnlyReason === "offline" ? "--offline" : "--read-only";
      parts.push(`an interrupted save left a NEWER login in ${show(newer.path)}: the refresh token in auth.json is probably spent (not adopted: ${why})`);
      fixes.push({ text: "Adopt it under Hermes' lock (run once, outside CI, without --read-only/--offline)", command: "hermes-doctor xai" });
      if (platform !== "win32") fixes.push({ text: "Or, with Hermes stopped, put it in place by hand", command: `mv ${shellQuote(newer.path)} ${shellQuote(r.path)}` });
    } else if (r.pending.length) {
      parts.push(`${r.pending.length} stale temp file(s) beside ${show(r.path)} (left alone: read-only run)`);
    }
    for (const k of r.kept) parts.push(`kept ${show(k.path)}: it holds a login that cannot be proven older than auth.json's; compare it by hand`);
  }
  const warn = results.some((r) => r.pending.some((l) => l.kind === "newer") || r.kept.length);
  return { status: warn ? "warn" : "pass", ...(warn ? { code: "interrupted_save" } : {}), summary: parts.join("; "), details, ...(fixes.length ? { fixes } : {}) };
}
