// xai.state: the stored xAI login (providers["xai-oauth"] and credential_pool["xai-oauth"]) is
// present and shaped as Hermes writes it. Fallback rules: hermes_cli/auth.py (@ 00067189)
// _load_provider_state (per provider) and read_credential_pool (only when the profile has no rows).
import { isDict } from "../src/hermes/json.js";
import type { DoctorCheck } from "./context.js";
import type { StoreParseData } from "./store-parse.js";
import { tildePath } from "../src/hermes/home.js";
import {
  checkXaiPool, checkXaiProviderState,
  type PoolEntry, type SchemaIssue, type XaiProviderState,
} from "../src/hermes/schema.js";
import { isOwnedXaiSource, readXaiOauthTokens, type XaiStoreView } from "../src/hermes/credentials.js";
import { secretValuesIn } from "../src/hermes/auth-store.js";
import { RELOGIN_COMMAND, XAI_PROVIDER_ID } from "../src/xai/constants.js";

export interface XaiStateData {
  view: XaiStoreView;
  /** Stored discovery.token_endpoint of the singleton, if any. */
  tokenEndpoint?: string;
  authMode?: string;
  /** Hermes quarantined the singleton (last_auth_error, tokens removed). */
  quarantined: boolean;
}

const slot = (store: Record<string, unknown> | undefined, section: string): unknown => {
  const s = store?.[section];
  return isDict(s) ? s[XAI_PROVIDER_ID] : undefined;
};

function suppressesDeviceCode(store: Record<string, unknown> | undefined): boolean {
  const v = slot(store, "suppressed_sources");
  if (Array.isArray(v)) return v.includes("device_code");
  return isDict(v) && "device_code" in v; // legacy dict form
}

export const xaiState: DoctorCheck<XaiStateData> = {
  id: "xai.state",
  title: "Stored xAI login",
  layer: "store",
  description: "providers[\"xai-oauth\"] and credential_pool[\"xai-oauth\"] exist and are shaped as Hermes writes them (with the profile-to-root fallback).",
  dependsOn: ["store.parse"],
  async run(ctx) {
    const parsed = ctx.data<StoreParseData>("store.parse")!;
    const { userHome, platform } = ctx.services;
    const show = (p: string) => tildePath(p, userHome, platform);
    const own = parsed.fromRoot ? undefined : parsed.store;
    const ownPath = parsed.fromRoot ? undefined : parsed.path;
    const root = parsed.fromRoot ? parsed.store : parsed.root?.store;
    const rootPath = parsed.fromRoot ? parsed.path : parsed.root?.path;
    const profileMode = parsed.fromRoot || parsed.root !== undefined;

    // providers.<id>: the profile's if present, else the root's.
    const issues: SchemaIssue[] = [];
    let rawState: unknown;
    let statePath: string | undefined;
    let stateFromRoot = false;
    if (slot(own, "providers") !== undefined) { rawState = slot(own, "providers"); statePath = ownPath; }
    else if (slot(root, "providers") !== undefined) { rawState = slot(root, "providers"); statePath = rootPath; stateFromRoot = true; }

    // credential_pool.<id>: the profile's only when it has at least one row.
    const ownPool = slot(own, "credential_pool");
    let rawPool: unknown;
    let poolPath: string | undefined;
    let poolFromRoot = false;
    if (ownPool !== undefined && !(Array.isArray(ownPool) && ownPool.length === 0)) { rawPool = ownPool; poolPath = ownPath; }
    else if (slot(root, "credential_pool") !== undefined) { rawPool = slot(root, "credential_pool"); poolPath = rootPath; poolFromRoot = true; }
    else if (ownPool !== undefined) { rawPool = ownPool; poolPath = ownPath; }

    let state: XaiProviderState | undefined;
    if (rawState !== undefined && rawState !== null) {
      const r = checkXaiProviderState(rawState, `providers["${XAI_PROVIDER_ID}"]`);
      if (r.ok) state = r.value;
      else issues.push(...r.issues);
    }
    let pool: PoolEntry[] = [];
    if (rawPool !== undefined && rawPool !== null) {
      const r = checkXaiPool(rawPool, `credential_pool["${XAI_PROVIDER_ID}"]`);
      if (r.ok) pool = r.value;
      else issues.push(...r.issues);
    }
    for (const s of secretValuesIn([rawState, rawPool])) ctx.services.secrets.add(s);

    const where = { ...(statePath ? { statePath } : {}), ...(poolPath ? { poolPath } : {}) };
    if (issues.length) {
      return {
        status: "fail",
        code: "state_invalid",
        summary: `The stored xAI login is malformed: ${issues.slice(0, 3).map((i) => `${i.path} (${i.message})`).join("; ")}${issues.length > 3 ? ` and ${issues.length - 3} more` : ""}`,
        details: { issues, ...where },
        fixes: [{ text: "Sign in again; Hermes rewrites the entry", command: RELOGIN_COMMAND }],
      };
    }

    const stateSource = profileMode ? (stateFromRoot ? "root" : "profile") : undefined;
    const view: XaiStoreView = {
      ...(state ? { state } : {}),
      ...(statePath ? { statePath } : {}),
      stateFromRoot,
      pool,
      ...(poolPath ? { poolPath } : {}),
      poolFromRoot,
      deviceCodeSuppressed: suppressesDeviceCode(parsed.store),
    };
    const tokens = state?.tokens;
    const hasAccess = !!tokens?.access_token?.trim();
    const hasRefresh = !!tokens?.refresh_token?.trim();
    const liveRows = pool.filter((e) => isOwnedXaiSource(e.source ?? "manual") && !!e.access_token?.trim());
    const usableRows = liveRows.filter((e) => e.last_status !== "dead");
    const legacyPruned = pool.filter((e) => e.source === "loopback_pkce");
    const legacyManual = pool.filter((e) => e.source === "manual:xai_pkce");
    const quarantined = !!state?.last_auth_error && !hasAccess;
    const tokenEndpoint = state?.discovery?.token_endpoint ?? undefined;
    const data: XaiStateData = {
      view, quarantined,
      ...(tokenEndpoint ? { tokenEndpoint } : {}),
      ...(state?.auth_mode ? { authMode: state.auth_mode } : {}),
    };

    const details: Record<string, unknown> = {
      singleton: state
        ? {
          from: stateSource ?? "store",
          authMode: state.auth_mode ?? null,
          hasAccessToken: hasAccess,
          hasRefreshToken: hasRefresh,
          lastRefresh: state.last_refresh ?? null,
          tokenEndpoint: tokenEndpoint ?? null,
          ...(state.redirect_uri ? { redirectUri: state.redirect_uri } : {}),
        }
        : null,
      pool: pool.map((e) => ({
        id: e.id ?? null, label: e.label ?? null, source: e.source ?? null, priority: e.priority ?? 0,
        lastStatus: e.last_status ?? null, hasAccessToken: !!e.access_token, hasRefreshToken: !!e.refresh_token,
      })),
      ...(profileMode ? { poolFrom: poolFromRoot ? "root" : "profile" } : {}),
      ...where,
      ...(view.deviceCodeSuppressed ? { suppressed: "device_code (hermes auth remove xai-oauth): Hermes does not seed the singleton login into the pool" } : {}),
    };

    if (!state && pool.length === 0) {
      return {
        status: "fail",
        code: "not_logged_in",
        summary: `No xAI login in ${show(parsed.path)}${profileMode && rootPath && rootPath !== parsed.path ? ` or the root ${show(rootPath)}` : ""}: Hermes says "No xAI OAuth credentials stored"`,
        details,
        fixes: [{ text: "Sign in to xAI (device-code login)", command: RELOGIN_COMMAND }],
      };
    }

    // Quarantine drops device_code rows and keeps manual:* ones (independent grants).
    const survivors = usableRows.filter((e) => (e.source ?? "manual").startsWith("manual"));
    if (quarantined && survivors.length === 0) {
      const e = state!.last_auth_error!;
      return {
        status: "fail",
        code: "session_quarantined",
        summary: `Hermes quarantined this xAI login${e.at ? ` at ${e.at}` : ""}: ${e.code ?? "refresh failed"}${e.reason ? ` (${e.reason})` : ""}; the dead tokens were removed`,
        details: {
          ...details,
          lastAuthError: {
            code: e.code ?? null, reason: e.reason ?? null, at: e.at ?? null,
            reloginRequired: e.relogin_required ?? null,
            ...(e.message ? { message: e.message.slice(0, 300) } : {}),
          },
        },
        fixes: [{ text: "Sign in again; the quarantine clears on the next successful login", command: RELOGIN_COMMAND }],
        data,
      };
    }

    if (!hasAccess && usableRows.length === 0) {
      const legacyOnly = legacyPruned.some((e) => !!e.access_token);
      if (legacyOnly) {
        return {
          status: "fail",
          code: "not_logged_in",
          summary: "The only xAI login is a legacy loopback_pkce pool row, which current Hermes drops on load (PR #57311)",
          details,
          fixes: [{ text: "Sign in again with the device-code flow", command: RELOGIN_COMMAND }],
        };
      }
      const allDead = liveRows.length > 0;
      if (allDead) {
        return {
          status: "fail",
          code: "session_quarantined",
          summary: `Every xAI pool credential is marked dead (${liveRows.map((e) => e.last_error_reason ?? "auth failed").join(", ")}) and there is no usable singleton login`,
          details,
          fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }],
          data,
        };
      }
      const missing = !tokens ? "tokens" : "access_token";
      return {
        status: "fail",
        code: "state_invalid",
        summary: `The stored xAI login has no ${missing}: Hermes says "xAI OAuth state is missing ${missing}. Re-authenticate"`,
        details,
        fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }],
        data,
      };
    }

    // The gate Hermes itself applies before using the login (auth_xai.py _read_xai_oauth_tokens):
    // whatever else looks fine, a store it refuses is not a usable login.
    const hermes = readXaiOauthTokens(own ?? {}, profileMode ? root ?? {} : undefined);
    if (!hermes.ok) {
      return {
        status: "fail",
        code: hermes.code === "xai_auth_missing" ? "not_logged_in" : "state_invalid",
        summary: `Hermes refuses this xAI login: "${hermes.message}" (${hermes.code}); it needs a singleton or a pool row with both an access token and a refresh token`,
        details: { ...details, hermesError: hermes.code },
        fixes: [{ text: "Sign in again", command: RELOGIN_COMMAND }],
        data,
      };
    }
    if (hermes.from === "root" && !stateFromRoot && profileMode) {
      details.hermesUses = "the root store: the profile's own xAI login has no complete token pair, so Hermes falls back to the root's";
    }

    const warnings: { code: string; message: string }[] = [];
    if (quarantined) {
      warnings.push({ code: "singleton_quarantined", message: `the singleton login was quarantined (${state!.last_auth_error!.code ?? "refresh failed"}); a manual pool credential remains in use` });
    }
    if (legacyPruned.length) {
      warnings.push({ code: "legacy_pkce_login", message: `${legacyPruned.length} legacy loopback_pkce pool row(s): current Hermes drops them on load (PR #57311), so they will disappear` });
    }
    if (legacyManual.length || state?.auth_mode === "oauth_pkce") {
      warnings.push({
        code: "legacy_pkce_login",
        message: `legacy loopback-PKCE login (${[legacyManual.length ? "manual:xai_pkce pool row" : "", state?.auth_mode === "oauth_pkce" ? "auth_mode oauth_pkce" : ""].filter(Boolean).join(", ")}): still refreshed by Hermes; a new \`${RELOGIN_COMMAND}\` replaces it with a device-code login`,
      });
    }
    if (view.deviceCodeSuppressed && hasAccess) {
      warnings.push({ code: "device_code_suppressed", message: "suppressed_sources lists device_code (hermes auth remove): Hermes does not put the singleton login into the pool" });
    }
    const summaryBase = [
      state ? `singleton${stateSource ? ` (from ${stateSource})` : ""}${hasAccess ? "" : " without access token"}` : "",
      pool.length ? `${pool.length} pool row(s)${profileMode ? ` (from ${poolFromRoot ? "root" : "profile"})` : ""}` : "",
    ].filter(Boolean).join(" + ");
    if (warnings.length) {
      return {
        status: "warn",
        code: warnings[0]!.code,
        summary: `xAI login found (${summaryBase}), but ${warnings[0]!.message}`,
        details: { ...details, findings: warnings },
        ...(warnings[0]!.code === "legacy_pkce_login" ? { fixes: [{ text: "Re-login with the current device-code flow", command: RELOGIN_COMMAND }] } : {}),
        data,
      };
    }
    return { status: "pass", summary: `xAI login found: ${summaryBase}`, details, data };
  },
};
