// Account facts sharpen an entitlement verdict; they never make one. The inference probe on the
// rail Hermes uses says *that* xAI refuses; the subscription host says *why*. Pure: no I/O.
//
// The two meters (NousResearch/hermes-agent PR #90148, verified by its author): on api.x.ai an
// OAuth token is billed on the API free tier (about 500K tokens per rolling 24 h,
// `subscription:free-usage-exhausted`) or pay-as-you-go API credits; the SuperGrok quota lives on
// cli-chat-proxy.grok.com, which the Grok CLI uses and Hermes cannot (it accepts only *.x.ai).
import type { Fix, RunRecord } from "../engine/types.js";
import { API_KEY_PATH, VERDICTS, type VerdictCode } from "./verdicts.js";
import { creditsUsedUp, formatReset, planName, planState, sourceProblems, usageText, type AccountFacts } from "../xai/subscription.js";

export const ACCOUNT_CHECK = "account.subscription";
const INFERENCE = "entitlement.inference";
const API_KEY_CHECK = "apikey.probe";
const NO_RELOGIN = "Signing in again will NOT help.";
const USAGE_PAGE = "https://grok.com/?_s=usage";

/** The facts account.subscription recorded, if it ran far enough to ask the host. */
export function accountFactsOf(records: readonly RunRecord[]): AccountFacts | undefined {
  const a = records.find((r) => r.id === ACCOUNT_CHECK)?.details?.account;
  return a && typeof a === "object" && "sources" in a && "host" in a ? (a as AccountFacts) : undefined;
}

export interface Sharpened {
  code: VerdictCode;
  explanation: string;
  fixes: Fix[];
}

/**
 * The API-key rail, with what the XAI_API_KEY probe found. A working key is turned into
 * "switch provider" by the diagnosis' rail hint, which replaces API_KEY_PATH.
 */
function apiKeyRail(records: readonly RunRecord[]): Fix {
  const probe = records.find((r) => r.id === API_KEY_CHECK);
  if (probe?.status === "warn") {
    return { text: `The API-key rail is the fix, but your XAI_API_KEY does not work yet (${probe.summary}): create or fix a key at https://console.x.ai, then set \`model.provider: xai\` in config.yaml` };
  }
  return API_KEY_PATH;
}

const plan = (f: AccountFacts) => planName(f) ?? "unknown";
const usageNote = (f: AccountFacts) => {
  const u = usageText(f);
  return u ? ` (${u})` : "";
};

/**
 * A sharper explanation and fix for an entitlement verdict, from the account facts; undefined
 * when they add nothing (unknown plan, or a verdict they do not explain).
 */
export function sharpen(code: VerdictCode, records: readonly RunRecord[], facts: AccountFacts): Sharpened | undefined {
  const fromInference = records.some((r) => r.id === INFERENCE && (r.status === "fail" || r.status === "error") && r.code === code);
  const state = planState(facts);

  if (code === "spending_limit") {
    const name = planName(facts);
    if (!name && !facts.usage) return undefined;
    // hermes-agent issue #95166: a spending-limit account is refused even on GET /v1/models.
    const everywhere = records.some((r) => r.id === "api.models" && r.code === "spending_limit")
      ? " xAI refuses even the model list with this answer, so it is not a bad token."
      : "";
    return {
      code,
      explanation: `xAI refuses requests because the team's credits are used up or its spending limit is reached.${everywhere} The account's plan: ${plan(facts)}${usageNote(facts)}. ${NO_RELOGIN}`,
      fixes: VERDICTS.spending_limit.fixes,
    };
  }
  if (!fromInference || (code !== "entitlement_denied" && code !== "usage_exhausted")) return undefined;

  if (code === "entitlement_denied" && state === "inactive") {
    const gate = facts.gate;
    const said = gate?.message ? ` xAI says: "${gate.message}"` : "";
    return {
      code,
      explanation: `The login is fine, but this account has no plan that xAI serves here: plan ${plan(facts)}${facts.allowAccess === false ? ", access not allowed" : ""}.${said} ${NO_RELOGIN}`,
      fixes: [
        { text: gate?.url ? `${gate.label ?? "Subscribe or upgrade"}: ${gate.url}` : "Subscribe or upgrade at https://grok.com/supergrok" },
        apiKeyRail(records),
      ],
    };
  }
  if (creditsUsedUp(facts)) {
    const reset = facts.usage?.resetsAt ? formatReset(facts.usage.resetsAt, facts.observedAt) : undefined;
    const period = facts.usage?.periodType ? `${facts.usage.periodType} ` : "";
    return {
      code: "usage_exhausted",
      explanation: `Your ${plan(facts)} subscription has used 100% of its ${period}credits${reset ? `; they reset ${reset}` : ""}. Until then xAI refuses requests from this login. ${NO_RELOGIN}`,
      fixes: [
        { text: reset ? `Wait until the credits reset (${reset})` : "Wait until the subscription's credits reset" },
        { text: `See the usage${facts.onDemand?.enabled ? " or use on-demand credits" : ""} at ${USAGE_PAGE}` },
        apiKeyRail(records),
      ],
    };
  }
  if (code === "entitlement_denied" && state === "active") {
    return {
      code,
      explanation: `Your ${plan(facts)} subscription is active${usageNote(facts)}, but api.x.ai — where Hermes sends xai-oauth requests — refuses this account's OAuth token. The login is fine and ${NO_RELOGIN.charAt(0).toLowerCase()}${NO_RELOGIN.slice(1)} The API-key rail works independently of the subscription.`,
      fixes: [apiKeyRail(records), { text: `Check the plan's API access at ${USAGE_PAGE}` }],
    };
  }
  if (code === "usage_exhausted" && state !== "inactive" && facts.usage?.percent !== undefined) {
    return {
      code,
      explanation: `Hermes' xai-oauth rail sends requests to api.x.ai, which bills OAuth tokens on the API free tier (about 500K tokens per rolling 24 h) — not your ${plan(facts)} subscription quota${usageNote(facts)}. That API free tier is used up; it frees up over a rolling 24-hour window. ${NO_RELOGIN}`,
      fixes: [
        { text: "Wait: the API free tier frees up over a rolling 24 hours" },
        apiKeyRail(records),
        { text: "The subscription quota is used by the Grok CLI (`grok`, on cli-chat-proxy.grok.com); Hermes' xai-oauth rail cannot use it today (hermes-agent PR #90148)" },
      ],
    };
  }
  return undefined;
}

/** One clause for an explanation when the host did not answer fully: evidence, not judgement. */
export function accountGap(facts: AccountFacts): string | undefined {
  const problems = sourceProblems(facts);
  return problems.length ? `The subscription host did not say enough to explain it (${problems.join("; ")}).` : undefined;
}
