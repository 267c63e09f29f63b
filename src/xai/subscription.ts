// The subscription host: plan, access and credit usage as the Grok CLI reads them, with the
// same OAuth access token Hermes holds. Read-only GETs that cost nothing and rotate nothing.
//
// These endpoints are observed in public clients, not documented by xAI, so every field may be
// absent and every parser here returns "unknown" rather than guessing. Sources:
// - GET /v1/billing?format=credits: xai-org/grok-build crates/codegen/xai-grok-shell/src/extensions/
//   billing.rs (mirror raphaelluethy/grok-build @ 9804ae63: BillingConfig, Cent {val}, proto3 omits
//   zero values); NousResearch/hermes-agent PR #114949 ("verified live", no x-userid needed).
// - GET /v1/settings: grok-build RemoteSettings (subscription_tier, subscription_tier_display,
//   allow_access, gate_message, gate_url, gate_label, on_demand_enabled), read the same way by
//   public quota readers ("Settings" struct next to read_account()).
// - GET /v1/user?include=subscription: the same readers (subscriptionTier).
// - Headers: X-XAI-Token-Auth: xai-grok-cli and a semver x-grok-client-version; without them the
//   host answers 401 "Invalid or expired credentials (… x_xai_token_auth=none …)" or 426 "Your Grok
//   CLI version (none) is outdated" (Wei-Shaw/sub2api#3952, decolua/9router#2677).
import type { HttpClient, HttpOutcome } from "../net/http.js";

/** The token-auth marker the host requires (grok-build GrokComConfig.token_header). */
export const GROK_TOKEN_AUTH = "xai-grok-cli";
/** A current Grok Build version; the host wants a semver ≥ 0.1.202 or answers 426. */
export const GROK_CLIENT_VERSION = "1.0.48";

export const ACCOUNT_PATHS = {
  settings: "/settings",
  billing: "/billing?format=credits",
  user: "/user?include=subscription",
} as const;
export type SourceName = keyof typeof ACCOUNT_PATHS;
export const SOURCE_NAMES = Object.keys(ACCOUNT_PATHS) as SourceName[];

export type SourceState = "ok" | "http_error" | "outdated_client" | "unauthorized" | "not_json" | "unreachable" | "timed_out";

export interface SourceStatus {
  state: SourceState;
  httpStatus?: number;
  /** xAI's own words (the body's `error`), or the transport failure, one line. */
  message?: string;
  /** Fields the doctor looks for that this answer did not carry. */
  missing?: string[];
}

/** What the subscription host said about the account. Every field is optional on purpose. */
export interface AccountFacts {
  /** The base URL that was asked, e.g. https://cli-chat-proxy.grok.com/v1. */
  host: string;
  /** When the facts were read (ISO-8601), so a reset time can be shown relative to it. */
  observedAt: string;
  plan?: { display?: string; tier?: string };
  allowAccess?: boolean;
  gate?: { message?: string; url?: string; label?: string };
  usage?: { percent?: number; periodType?: string; periodStart?: string; resetsAt?: string };
  onDemand?: { enabled?: boolean; capCents?: number; usedCents?: number };
  prepaidBalanceCents?: number;
  /** The access token's `tier` claim: shown, never decided on (no public mapping exists). */
  jwtTier?: number | string;
  sources: Record<SourceName, SourceStatus>;
}

export function grokHeaders(accessToken: string): Record<string, string> {
  return {
    accept: "application/json",
    authorization: `Bearer ${accessToken}`,
    "x-xai-token-auth": GROK_TOKEN_AUTH,
    "x-grok-client-version": GROK_CLIENT_VERSION,
  };
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => v !== null && typeof v === "object" && !Array.isArray(v);

/** The first present key, so snake_case and camelCase answers both read. */
function field(obj: Dict, ...names: string[]): unknown {
  for (const n of names) if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
/** A number, or a numeric string (one public reader sees creditUsagePercent as "25"). */
function num(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
/** USD cents: a number or {"val": n} (grok-build Cent; `{}` is proto3 for 0). */
function cents(v: unknown): number | undefined {
  if (isDict(v)) return v.val === undefined ? 0 : num(v.val);
  return num(v);
}

/** "USAGE_PERIOD_TYPE_WEEKLY" or "weekly" → "weekly". */
export function periodWord(raw: string | undefined): string | undefined {
  const s = str(raw)?.replace(/^USAGE_PERIOD_TYPE_/i, "").toLowerCase();
  return s && s !== "unspecified" ? s : undefined;
}

const clean = <T extends Dict>(o: T): T | undefined => {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length ? out : undefined;
};

export interface ParsedSettings {
  plan?: AccountFacts["plan"];
  allowAccess?: boolean;
  gate?: AccountFacts["gate"];
  onDemandEnabled?: boolean;
  missing: string[];
}

export function parseSettings(json: Dict): ParsedSettings {
  const tier = str(field(json, "subscription_tier", "subscriptionTier"));
  const display = str(field(json, "subscription_tier_display", "subscriptionTierDisplay"));
  const allowAccess = bool(field(json, "allow_access", "allowAccess"));
  const gate = clean({
    message: str(field(json, "gate_message", "gateMessage")),
    url: str(field(json, "gate_url", "gateUrl")),
    label: str(field(json, "gate_label", "gateLabel")),
  });
  const missing = [
    ...(tier === undefined ? ["subscription_tier"] : []),
    ...(display === undefined ? ["subscription_tier_display"] : []),
    ...(allowAccess === undefined ? ["allow_access"] : []),
  ];
  return { plan: clean({ display, tier }), allowAccess, gate, onDemandEnabled: bool(field(json, "on_demand_enabled", "onDemandEnabled")), missing };
}

export interface ParsedBilling {
  usage?: AccountFacts["usage"];
  onDemandCapCents?: number;
  onDemandUsedCents?: number;
  prepaidBalanceCents?: number;
  missing: string[];
}

export function parseBilling(json: Dict): ParsedBilling {
  const config = isDict(json.config) ? json.config : json;
  const period = isDict(config.currentPeriod) ? config.currentPeriod : {};
  let percent = num(config.creditUsagePercent);
  // grok-build: prefer creditUsagePercent, fall back to the deprecated monthlyLimit / used.
  const limit = cents(config.monthlyLimit);
  if (percent === undefined && limit !== undefined && limit > 0) percent = ((cents(config.used) ?? 0) / limit) * 100;
  const usage = clean({
    percent: percent === undefined ? undefined : Math.round(percent * 10) / 10,
    periodType: periodWord(str(period.type)),
    periodStart: str(period.start) ?? str(config.billingPeriodStart),
    resetsAt: str(period.end) ?? str(config.billingPeriodEnd),
  });
  const missing = [
    ...(percent === undefined ? ["creditUsagePercent"] : []),
    ...(usage?.resetsAt === undefined ? ["currentPeriod.end"] : []),
  ];
  return {
    usage,
    onDemandCapCents: cents(config.onDemandCap),
    onDemandUsedCents: cents(config.onDemandUsed),
    prepaidBalanceCents: cents(config.prepaidBalance),
    missing,
  };
}

export function parseUser(json: Dict): { tier?: string; missing: string[] } {
  const sub = isDict(json.subscription) ? json.subscription : {};
  const tier = str(field(json, "subscriptionTier", "subscription_tier")) ?? str(field(sub, "tier", "subscriptionTier", "name"));
  return { tier, missing: tier === undefined ? ["subscriptionTier"] : [] };
}

interface SourceRead {
  status: SourceStatus;
  json?: Dict;
}

const TIMEOUT_KINDS = new Set(["headers_timeout", "body_timeout", "timeout", "connect_timeout", "aborted"]);

/** One GET, turned into a precise status; never throws for what the host does. */
export function readSource(res: HttpOutcome): SourceRead {
  if (!res.ok) {
    const f = res.failure;
    return { status: { state: TIMEOUT_KINDS.has(f.kind) ? "timed_out" : "unreachable", message: f.message } };
  }
  const body = isDict(res.json) ? res.json : undefined;
  const said = str(body?.error) ?? str(body?.message) ?? (body ? undefined : oneLine(res.text));
  if (res.status === 426) return { status: { state: "outdated_client", httpStatus: 426, ...(said ? { message: said } : {}) } };
  if (res.status === 401) return { status: { state: "unauthorized", httpStatus: 401, ...(said ? { message: said } : {}) } };
  if (res.status !== 200) return { status: { state: "http_error", httpStatus: res.status, ...(said ? { message: said } : {}) } };
  if (!body) return { status: { state: "not_json", httpStatus: 200, message: `not a JSON object (${res.headers["content-type"] ?? "no content type"})` } };
  return { status: { state: "ok", httpStatus: 200 }, json: body };
}

function oneLine(text: string): string | undefined {
  const t = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return t ? (t.length > 160 ? `${t.slice(0, 159)}…` : t) : undefined;
}

/** The three reads, in parallel, with only the access token. */
export async function fetchAccountSources(
  http: HttpClient,
  base: string,
  accessToken: string,
  opts: { signal: AbortSignal; timeoutMs: number },
): Promise<Record<SourceName, SourceRead>> {
  const headers = grokHeaders(accessToken);
  const reads = await Promise.all(SOURCE_NAMES.map((name) =>
    http.request({ method: "GET", url: `${base}${ACCOUNT_PATHS[name]}`, headers, signal: opts.signal, timeoutMs: opts.timeoutMs, maxBodyBytes: 256 * 1024 })));
  return Object.fromEntries(SOURCE_NAMES.map((name, i) => [name, readSource(reads[i]!)])) as Record<SourceName, SourceRead>;
}

/** Everything the three answers say, merged; a failed source only leaves its fields unknown. */
export function accountFacts(host: string, observedAtMs: number, reads: Record<SourceName, SourceRead>, jwtTier?: number | string): AccountFacts {
  const sources = Object.fromEntries(SOURCE_NAMES.map((n) => [n, { ...reads[n].status }])) as Record<SourceName, SourceStatus>;
  const settings = reads.settings.json ? parseSettings(reads.settings.json) : undefined;
  const billing = reads.billing.json ? parseBilling(reads.billing.json) : undefined;
  const user = reads.user.json ? parseUser(reads.user.json) : undefined;
  if (settings?.missing.length) sources.settings.missing = settings.missing;
  if (billing?.missing.length) sources.billing.missing = billing.missing;
  if (user?.missing.length) sources.user.missing = user.missing;

  const plan = settings?.plan ?? (user?.tier ? { display: user.tier } : undefined);
  const onDemand = clean({ enabled: settings?.onDemandEnabled, capCents: billing?.onDemandCapCents, usedCents: billing?.onDemandUsedCents });
  return {
    host,
    observedAt: new Date(observedAtMs).toISOString(),
    ...(plan ? { plan } : {}),
    ...(settings?.allowAccess !== undefined ? { allowAccess: settings.allowAccess } : {}),
    ...(settings?.gate ? { gate: settings.gate } : {}),
    ...(billing?.usage ? { usage: billing.usage } : {}),
    ...(onDemand ? { onDemand } : {}),
    ...(billing?.prepaidBalanceCents !== undefined ? { prepaidBalanceCents: billing.prepaidBalanceCents } : {}),
    ...(jwtTier !== undefined ? { jwtTier } : {}),
    sources,
  };
}

// --- Reading the facts (pure; the diagnosis and the check both use these) ---------------------

export type PlanState = "active" | "inactive" | "unknown";

const FREE_TIERS = new Set(["free", "none", "api key", "api_key"]);

/**
 * "inactive": xAI says access is not allowed, or the plan is Free (or no plan); "active": a paid
 * plan with access not refused; "unknown" when the host did not say.
 */
export function planState(f: AccountFacts | undefined): PlanState {
  if (!f) return "unknown";
  if (f.allowAccess === false) return "inactive";
  const tier = (f.plan?.tier ?? f.plan?.display)?.toLowerCase();
  if (tier === undefined) return "unknown";
  return FREE_TIERS.has(tier) ? "inactive" : "active";
}

/** The subscription's credits for this period are used up (100 % or more). */
export const creditsUsedUp = (f: AccountFacts | undefined): boolean => (f?.usage?.percent ?? -1) >= 100;

export function planName(f: AccountFacts): string | undefined {
  return f.plan?.display ?? f.plan?.tier;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Mon 08:00 UTC" up to a week after `fromIso`, else "Mon 5 Jan 08:00 UTC"; the raw text if unparseable. */
export function formatReset(iso: string, fromIso: string): string {
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return iso;
  const hhmm = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
  const from = new Date(fromIso).getTime();
  const within = Number.isFinite(from) && d.getTime() - from >= 0 && d.getTime() - from <= 7 * 86_400_000;
  return within ? `${DAYS[d.getUTCDay()]} ${hhmm} UTC` : `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear() !== new Date(fromIso).getUTCFullYear() ? `${d.getUTCFullYear()} ` : ""}${hhmm} UTC`;
}

/** "12% of weekly credits used · resets Mon 08:00 UTC", or undefined when no usage is known. */
export function usageText(f: AccountFacts): string | undefined {
  const u = f.usage;
  if (u?.percent === undefined) return undefined;
  const pct = `${Number.isInteger(u.percent) ? u.percent : u.percent.toFixed(1)}% of ${u.periodType ? `${u.periodType} ` : ""}credits used`;
  return u.resetsAt ? `${pct} · resets ${formatReset(u.resetsAt, f.observedAt)}` : pct;
}

const dollars = (c: number) => `$${(c / 100).toFixed(2)}`;

/** The one-line account summary: "SuperGrok · 12% of weekly credits used · resets Mon 08:00 UTC". */
export function accountLine(f: AccountFacts): string | undefined {
  const parts: string[] = [];
  const plan = planName(f);
  if (plan) parts.push(plan);
  if (f.allowAccess === false) parts.push("access not allowed");
  const usage = usageText(f);
  if (usage) parts.push(usage);
  const od = f.onDemand;
  if (od?.enabled && od.capCents !== undefined) parts.push(`on-demand ${dollars(od.usedCents ?? 0)} of ${dollars(od.capCents)}`);
  if (f.prepaidBalanceCents) parts.push(`prepaid ${dollars(f.prepaidBalanceCents)}`);
  return parts.length ? parts.join(" · ") : undefined;
}

/**
 * "settings: HTTP 426 outdated client (Your Grok CLI version …)" for each source that did not
 * answer fully; sources that said the same thing share one entry ("settings, billing, user: …").
 */
export function sourceProblems(f: AccountFacts): string[] {
  const byText = new Map<string, SourceName[]>();
  for (const name of SOURCE_NAMES) {
    const s = f.sources[name];
    let text: string | undefined;
    if (s.state === "ok") {
      if (s.missing?.length) text = `no ${s.missing.join(", ")}`;
    } else {
      const what = {
        http_error: `HTTP ${s.httpStatus}`,
        outdated_client: "HTTP 426 outdated client",
        unauthorized: "HTTP 401 unauthorized",
        not_json: "HTTP 200 but not JSON",
        unreachable: "no answer",
        timed_out: "timed out",
      }[s.state];
      text = `${what}${s.message ? ` (${s.message})` : ""}`;
    }
    if (text) byText.set(text, [...(byText.get(text) ?? []), name]);
  }
  return [...byText].map(([text, names]) => `${names.join(", ")}: ${text}`);
}
