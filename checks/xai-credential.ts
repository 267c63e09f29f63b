// xai.credential: the one credential Hermes will actually send, chosen as Hermes chooses it
// (agent/credential_pool.py @ 0056d634: pool first, after seeding the singleton; dead rows never,
// exhausted rows after their cooldown; strategy from config.yaml credential_pool_strategies).
import path from "node:path";
import type { DoctorCheck } from "./context.js";
import { isoFromEpochSeconds } from "./support.js";
import type { StoreHomeData } from "./store-home.js";
import type { XaiStateData } from "./xai-state.js";
import { fingerprint } from "../src/engine/secrets.js";
import { readConfigYaml } from "../src/hermes/config.js";
import { poolStrategyFrom, resolvePool, type CredentialData, type EffectiveRow } from "../src/hermes/credentials.js";
import { secretValuesIn } from "../src/hermes/auth-store.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";


const fp = (t: string | undefined) => (t ? fingerprint(t) : null);

export const xaiCredential: DoctorCheck<CredentialData> = {
  id: "xai.credential",
  title: "Credential Hermes will use",
  layer: "store",
  description: "Which xAI credential Hermes will actually send: the first available pool row (after seeding the singleton), else the singleton.",
  dependsOn: ["xai.state"],
  async run(ctx) {
    const st = ctx.data<XaiStateData>("xai.state")!;
    const home = ctx.data<StoreHomeData>("store.home");
    const { secrets, now } = ctx.services;
    const view = st.view;
    const singleton = view.state?.tokens;
    for (const s of secretValuesIn([view.state, view.pool])) secrets.add(s);

    let configured: string | undefined;
    let strategy = poolStrategyFrom(undefined).strategy;
    if (home) {
      const cfg = await readConfigYaml(path.join(home.home, "config.yaml"));
      if (cfg.kind === "ok") ({ strategy, configured } = poolStrategyFrom(cfg.config));
    }
    const nowSec = now() / 1000;
    const pool = resolvePool(view, nowSec, strategy);
    const rowInfo = (r: EffectiveRow) => ({
      id: r.id, label: r.label, source: r.source, priority: r.priority, lastStatus: r.lastStatus ?? null,
      fingerprint: fp(r.accessToken), hasRefreshToken: !!r.refreshToken,
      ...(r.fromSingleton ? { fromSingleton: r.fromSingleton } : {}),
      ...(r.unavailable ? { unavailable: r.unavailable } : {}),
      ...(r.availableAt ? { availableAt: isoFromEpochSeconds(r.availableAt) } : {}),
    });
    const details: Record<string, unknown> = {
      strategy: configured && configured !== strategy ? `${strategy} (config.yaml names unknown strategy "${configured}")` : strategy,
      rows: pool.rows.map(rowInfo),
      ...(pool.pruned.length ? { prunedOnLoad: pool.pruned.map((p) => `row ${p.index} (source ${p.source})`) } : {}),
      ...(pool.duplicates.length ? { duplicateDeviceCodeRows: pool.duplicates } : {}),
      ...(strategy === "random" && pool.available.length > 1 ? { note: `strategy random: Hermes picks any of ${pool.available.length} available rows; the first is shown` } : {}),
    };

    const singletonPath = view.statePath ?? view.poolPath ?? "";
    const singletonBacked = (r: EffectiveRow | undefined) => !!r?.fromSingleton || r?.source === "device_code";
    let row = pool.selected;
    let data: CredentialData;
    let lead: string;
    const warnings: { code: string; message: string }[] = [];

    if (!row && pool.rows.length) {
      const cooling = pool.rows.filter((r) => r.availableAt !== undefined).sort((a, b) => a.availableAt! - b.availableAt!);
      if (!cooling.length) {
        return {
          status: "fail",
          code: "session_quarantined",
          summary: `Every xAI credential in the pool is dead (${pool.rows.map((r) => r.lastErrorReason ?? "auth failed").join(", ")}): Hermes will not use any of them`,
          details,
          fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }],
        };
      }
      row = cooling[0]!;
      warnings.push({
        code: "pool_exhausted",
        message: `every xAI pool credential is cooling down after errors; the first re-enters rotation at ${isoFromEpochSeconds(row.availableAt!)} (until then Hermes logs "credential pool: no available entries")`,
      });
    }

    if (row) {
      const fromSingleton = singletonBacked(row) && !!singleton?.access_token && row.accessToken === singleton.access_token.trim();
      const storePath = (fromSingleton ? view.statePath : view.poolPath) ?? singletonPath;
      const fromRoot = fromSingleton ? view.stateFromRoot : view.poolFromRoot;
      data = {
        ...(row.accessToken ? { accessToken: row.accessToken } : {}),
        ...(row.refreshToken ? { refreshToken: row.refreshToken } : {}),
        ...(fromSingleton && singleton?.id_token ? { idToken: singleton.id_token } : {}),
        // A row Hermes would only seed on load does not exist on disk yet: the tokens are the singleton's.
        source: row.fromSingleton === "seeded" ? "singleton" : "pool",
        label: row.label,
        ...(row.id && row.id !== "(new)" ? { poolRowId: row.id } : {}),
        ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}),
        rowSource: row.source,
        storePath, fromRoot,
        ...(st.tokenEndpoint ? { tokenEndpoint: st.tokenEndpoint } : {}),
        strategy,
      };
      lead = `pool row '${row.label}' (${row.source}, priority ${row.priority}${row.lastStatus ? `, ${row.lastStatus}` : ""}${row.fromSingleton === "seeded" ? ", seeded from the singleton on load" : ""}${fromRoot ? ", from the root store" : ""})`;
    } else {
      // Empty pool: only a suppressed or token-less singleton gets here.
      data = {
        ...(singleton?.access_token ? { accessToken: singleton.access_token } : {}),
        ...(singleton?.refresh_token ? { refreshToken: singleton.refresh_token } : {}),
        ...(singleton?.id_token ? { idToken: singleton.id_token } : {}),
        source: "singleton",
        storePath: singletonPath,
        fromRoot: view.stateFromRoot,
        ...(st.tokenEndpoint ? { tokenEndpoint: st.tokenEndpoint } : {}),
        strategy,
      };
      lead = `the singleton providers["xai-oauth"]${view.stateFromRoot ? " (from the root store)" : ""}`;
    }
    for (const t of [data.accessToken, data.refreshToken, data.idToken]) secrets.add(t);

    if (!data.accessToken) {
      warnings.push({
        code: "access_token_missing",
        message: data.refreshToken
          ? "it has no access token, only a refresh token: Hermes cannot judge its expiry, so it sends it empty until an auth error forces a refresh"
          : "it has neither an access token nor a refresh token",
      });
    }
    if (!data.refreshToken) {
      warnings.push({
        code: "refresh_token_missing",
        message: "it has no refresh token: it cannot be refreshed, so when the access token expires Hermes asks you to sign in again (xai_auth_missing_refresh_token)",
      });
    }
    const fpr = fp(data.accessToken);
    Object.assign(details, {
      using: { source: data.source, label: data.label ?? null, poolRowId: data.poolRowId ?? null, storePath: data.storePath, fromRoot: data.fromRoot, accessToken: fpr, refreshToken: fp(data.refreshToken) },
      ...(warnings.length ? { findings: warnings } : {}),
    });
    const summary = `Hermes will use ${lead}${fpr ? `, access token ${fpr}` : ""}`;
    if (warnings.length) {
      return {
        status: "warn",
        code: warnings[0]!.code,
        summary: `${summary}; but ${warnings[0]!.message}`,
        details,
        ...(warnings.some((w) => w.code !== "pool_exhausted") ? { fixes: [{ text: "Sign in again to get a complete token pair", command: RELOGIN_COMMAND }] } : {}),
        data,
      };
    }
    return { status: "pass", summary, details, data };
  },
};
