// The demo's scenarios are the emulator's (fixtures/emulator/server.ts SCENARIOS): a scenario
// added there shows up here by itself. What this file adds is how the demo sets each one up and
// the verdict the doctor reaches for it (the --all test proves every declared verdict).
import { SCENARIOS, SCENARIO_DESCRIPTIONS, type Scenario } from "../../fixtures/emulator/server.js";
import type { VerdictCode } from "../diagnosis/verdicts.js";

export interface DemoScenario {
  name: Scenario;
  /** What the emulator does in this scenario. */
  description: string;
  /** The verdict the doctor reaches; undefined for a scenario not declared here yet. */
  verdict?: VerdictCode;
  /** Log in with an expired access token, so the doctor refreshes (refresh scenarios). */
  expired: boolean;
  /** Put a working emulator XAI_API_KEY in the home's .env (the API-key rail). */
  apiKey: boolean;
}

/** The seed's case (hermes-agent issue #26847): logged in, inference refused for the tier, API key offered. */
export const DEFAULT_DEMO_SCENARIO: Scenario = "entitlement_denied";

interface Setup {
  verdict: VerdictCode;
  expired?: true;
  apiKey?: true;
}

const SETUPS: { readonly [S in Scenario]?: Setup } = {
  healthy: { verdict: "healthy" },
  entitlement_denied: { verdict: "entitlement_denied", apiKey: true },
  entitlement_denied_new: { verdict: "entitlement_denied" },
  refresh_denied: { verdict: "entitlement_denied", expired: true },
  token_rejected: { verdict: "token_rejected" },
  spending_limit: { verdict: "spending_limit" },
  credits_exhausted: { verdict: "spending_limit" },
  usage_exhausted: { verdict: "usage_exhausted" },
  rate_limited: { verdict: "rate_limited" },
  model_unavailable: { verdict: "model_unavailable" },
  upstream_html_503: { verdict: "upstream_unavailable" },
  upstream_500: { verdict: "upstream_unavailable" },
  hang: { verdict: "timed_out" },
  reset: { verdict: "network_unreachable" },
  refresh_5xx: { verdict: "upstream_unavailable", expired: true },
  refresh_hang: { verdict: "timed_out", expired: true },
  revoked: { verdict: "session_revoked", expired: true },
};

/** Every emulator scenario, in the emulator's order. */
export function demoScenarios(): DemoScenario[] {
  return SCENARIOS.map((name) => demoScenario(name));
}

export function demoScenario(name: Scenario): DemoScenario {
  const setup = SETUPS[name];
  return {
    name,
    description: SCENARIO_DESCRIPTIONS[name],
    ...(setup ? { verdict: setup.verdict } : {}),
    expired: Boolean(setup?.expired),
    apiKey: Boolean(setup?.apiKey),
  };
}
