// The account facts behind an entitlement answer: plan, access and credit usage, read from the
// Grok CLI's subscription host with the access token only. Evidence for the diagnosis, never the
// judge: whatever this host says (or fails to say), the check passes or warns, never fails.
//
// Why this host: Hermes sends xai-oauth inference to api.x.ai, which meters OAuth tokens on the API
// free tier, while the subscription's own quota lives on cli-chat-proxy.grok.com, where the Grok
// CLI reads it (NousResearch/hermes-agent PR #90148 "two origins, two meters"; PR #114949).
import type { DoctorCheck } from "./context.js";
import type { EndpointsData } from "./net-endpoints.js";
import type { RefreshData } from "./login-refresh.js";
import { GROK_BASE_FLAG, isGrokAccountOrigin, resolveGrokBase } from "../src/xai/endpoints.js";
import { accountFacts, accountLine, fetchAccountSources, sourceProblems, SOURCE_NAMES, type AccountFacts } from "../src/xai/subscription.js";
import { decodeJwt } from "../src/xai/jwt.js";

/** Each GET's own budget; shorter than the check's so a hang ends as a precise warning. */
const REQUEST_MS = 6_000;
/** Stop this much before the check's (or the run's) deadline, so the runner never has to cut us. */
const MARGIN_MS = 400;

export interface AccountData {
  facts: AccountFacts;
}

export const accountSubscription: DoctorCheck<AccountData> = {
  id: "account.subscription",
  title: "Subscription and usage (Grok subscription host)",
  layer: "entitlement",
  description:
    "Reads plan, access and credit usage from the Grok CLI's subscription host (GET /v1/settings, /v1/billing?format=credits, /v1/user?include=subscription on cli-chat-proxy.grok.com) with the access token only. Read-only, costs nothing; explains the verdict, never decides it.",
  dependsOn: ["net.endpoints", "login.refresh"],
  timeoutMs: 10_000,
  async run(ctx) {
    const { options, env } = ctx.services;
    const endpoints = ctx.data<EndpointsData>("net.endpoints")!;
    const { accessToken } = ctx.data<RefreshData>("login.refresh")!;
    // Validated by the CLI already (a bad value is a usage error); read again for embedders.
    const base = resolveGrokBase(options.grokBase, env);
    if (!base.overridden && endpoints.issuerOverridden) {
      // The token comes from a stand-in issuer: it means nothing to xAI's real host, so keep it home.
      return {
        status: "skip",
        code: "grok_base_not_set",
        summary: `not asked: the issuer is overridden, so the token is not xAI's; pass ${GROK_BASE_FLAG} to read account facts from a stand-in host too`,
      };
    }
    if (!base.overridden && !isGrokAccountOrigin(base.url)) {
      return { status: "skip", code: "grok_base_refused", summary: `not asked: ${base.url} is not https on *.grok.com / *.x.ai` };
    }

    const timeoutMs = Math.min(REQUEST_MS, ctx.deadline - ctx.services.now() - MARGIN_MS);
    if (timeoutMs < 200) {
      return { status: "skip", code: "deadline", summary: "not asked: too little time left before the deadline" };
    }
    const reads = await fetchAccountSources(await ctx.services.http(), base.url, accessToken, { signal: ctx.signal, timeoutMs });
    const facts = accountFacts(base.url, ctx.services.now(), reads, jwtTier(accessToken));
    const line = accountLine(facts);
    const problems = sourceProblems(facts);
    const answered = SOURCE_NAMES.filter((n) => facts.sources[n].state === "ok");
    const details = { account: facts, ...(base.overridden ? { overridden: true } : {}) };

    if (problems.length === 0) {
      return { status: "pass", summary: line ?? "the subscription host answered", details, data: { facts } };
    }
    const outdated = SOURCE_NAMES.some((n) => facts.sources[n].state === "outdated_client");
    return {
      status: "warn",
      code: answered.length === 0 ? "account_unavailable" : "account_incomplete",
      summary: `${line ? `${line}; ` : ""}${answered.length === 0 ? "account facts unavailable" : "account facts incomplete"} — ${problems.join("; ")}`,
      details,
      fixes: [
        outdated
          ? { text: "The subscription host rejected the client version the doctor sends; this does not affect Hermes. See https://grok.com/?_s=usage for the plan and usage" }
          : { text: "See the plan and usage at https://grok.com/?_s=usage; this does not change the verdict" },
      ],
      data: { facts },
    };
  },
};

/** The access token's `tier` claim, shown as information only. */
function jwtTier(token: string): number | string | undefined {
  const d = decodeJwt(token);
  if ("error" in d) return undefined;
  const t = d.payload.tier;
  return typeof t === "number" || typeof t === "string" ? t : undefined;
}
