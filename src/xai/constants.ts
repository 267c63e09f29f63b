// xAI OAuth facts Hermes hardcodes. Source: NousResearch/hermes-agent hermes_cli/auth_constants.py
// (@ 09d3fbd4) and hermes_cli/auth_xai.py (@ 05451959).

/** The provider id under which Hermes stores the login (providers.* and credential_pool.*). */
export const XAI_PROVIDER_ID = "xai-oauth";

export const XAI_OAUTH_ISSUER = "https://auth.x.ai";
/** The public Grok CLI client id, shared with `grok` (so a `grok login` can revoke Hermes' grant). */
export const XAI_OAUTH_CLIENT_ID = "b1a00492-073a-47ea-816f-4c329264a828";
export const XAI_OAUTH_SCOPE = "openid profile email offline_access grok-cli:access api:access";
/** The scope that lets a token call the inference API. */
export const XAI_API_SCOPE = "api:access";
export const DEFAULT_XAI_OAUTH_BASE_URL = "https://api.x.ai/v1";

/** auth_constants.py XAI_ACCESS_TOKEN_REFRESH_SKEW_SECONDS. */
export const XAI_ACCESS_TOKEN_REFRESH_SKEW_SECONDS = 3600;
/** auth_xai.py _xai_proactive_refresh_skew_seconds: short-lived tokens use this skew instead. */
export const XAI_SHORT_TOKEN_REFRESH_SKEW_SECONDS = 120;
/** ...when 0 < remaining lifetime <= this. */
export const XAI_SHORT_TOKEN_WINDOW_SECONDS = 45 * 60;

/** The fix Hermes' docs give for every "log in again" case. */
export const RELOGIN_COMMAND = "hermes auth add xai-oauth";

/**
 * The other rail, written for the default home: src/diagnosis/fit-fixes.ts rewrites the path
 * and the command for the home and profile of the run.
 */
export const API_KEY_FIX = {
  text: "Use an xAI API key instead: create one at https://console.x.ai, put XAI_API_KEY=xai-... in ~/.hermes/.env and set `model.provider: xai` in config.yaml (or choose \"xAI\" in `hermes model`)",
} as const;
