// The online pipeline's critical path in network rounds, from the check graph itself: the longest
// chain of dependent checks, each counting the requests it waits on in sequence (a fresh token, so
// no refresh). With a fixed latency per answer, no run can beat rounds × latency.
import type { CheckList } from "../../src/report/check-list.js";

/** Sequential request rounds each check waits on in a healthy run with a fresh token. */
export const ROUNDS: Record<string, number> = {
  "net.issuer": 1, // OIDC discovery
  "net.api": 1, // GET /v1/models without a credential
  "login.userinfo": 1,
  "api.models": 1,
  "entitlement.inference": 1,
  "apikey.probe": 1,
  "account.subscription": 1, // its three GETs run in parallel
};

export function criticalRounds(list: CheckList): { rounds: number; path: string[] } {
  const byId = new Map(list.checks.map((c) => [c.id, c]));
  const memo = new Map<string, { rounds: number; path: string[] }>();
  const longest = (id: string): { rounds: number; path: string[] } => {
    const hit = memo.get(id);
    if (hit) return hit;
    let best = { rounds: 0, path: [] as string[] };
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      const d = longest(dep);
      if (d.rounds > best.rounds) best = d;
    }
    const own = ROUNDS[id] ?? 0;
    const out = { rounds: best.rounds + own, path: own ? [...best.path, id] : best.path };
    memo.set(id, out);
    return out;
  };
  return list.checks.map((c) => longest(c.id)).reduce((a, b) => (b.rounds > a.rounds ? b : a), { rounds: 0, path: [] });
}
