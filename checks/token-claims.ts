// token.claims: the access token's JWT claims, decoded locally WITHOUT verifying the signature.
// Expected values: hermes_cli/auth_constants.py (issuer, client_id, scope), issue #26847 (claims).
import type { DoctorCheck } from "./context.js";
import type { CredentialData } from "../src/hermes/credentials.js";
import { fingerprint } from "../src/engine/secrets.js";
import { decodeJwt, numericClaim } from "../src/xai/jwt.js";
import { XAI_API_SCOPE, XAI_OAUTH_CLIENT_ID, XAI_OAUTH_ISSUER } from "../src/xai/constants.js";
import { resolveEndpoints } from "../src/xai/endpoints.js";

export interface TokenClaimsData {
  isJwt: boolean;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  exp?: number;
  iat?: number;
  /** A refresh token exists for this credential. */
  hasRefreshToken: boolean;
}

const asList = (v: unknown): string[] =>
  typeof v === "string" ? v.split(/\s+/).filter(Boolean) : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export const tokenClaims: DoctorCheck<TokenClaimsData> = {
  id: "token.claims",
  title: "Access token claims",
  layer: "token",
  description: "Decodes the access token (unverified) and checks issuer, audience/client_id and the api:access scope.",
  dependsOn: ["xai.credential"],
  async run(ctx) {
    const cred = ctx.data<CredentialData>("xai.credential")!;
    const token = cred.accessToken;
    if (!token) {
      return { status: "skip", code: "no_access_token", summary: "No access token to decode (the credential Hermes uses has none)" };
    }
    ctx.services.secrets.add(token);
    const hasRefreshToken = !!cred.refreshToken;
    const decoded = decodeJwt(token);
    if ("error" in decoded) {
      return {
        status: "warn",
        code: "token_not_jwt",
        summary: `The access token (${fingerprint(token)}) is not a JWT (${decoded.error}): Hermes never considers it expiring, and nothing about it can be judged locally`,
        details: { fingerprint: fingerprint(token), length: token.length, problem: decoded.error },
        data: { isJwt: false, hasRefreshToken },
      };
    }
    const { header, payload } = decoded;
    const expectedIss = expectedIssuer(ctx.services.options.issuer, ctx.services.env);
    const iss = typeof payload.iss === "string" ? payload.iss : undefined;
    const aud = asList(payload.aud);
    const clientId = typeof payload.client_id === "string" ? payload.client_id : undefined;
    const scopes = asList(payload.scope ?? payload.scp);
    const tier = ["tier", "subscription_tier", "plan"].map((k) => [k, payload[k]] as const).find(([, v]) => v !== undefined && v !== null);
    const exp = numericClaim(payload, "exp");
    const iat = numericClaim(payload, "iat");

    const findings: { code: string; message: string }[] = [];
    if (scopes.length && !scopes.includes(XAI_API_SCOPE)) {
      findings.push({ code: "scope_missing_api_access", message: `its scope lacks ${XAI_API_SCOPE}, so it cannot call the xAI API (scopes: ${scopes.join(" ")})` });
    } else if (!scopes.length) {
      findings.push({ code: "scope_missing_api_access", message: `it carries no scope claim, so ${XAI_API_SCOPE} cannot be confirmed` });
    }
    if (iss?.replace(/\/+$/, "") !== expectedIss) {
      findings.push({ code: "token_issuer_unexpected", message: `it was issued by ${iss ?? "(no iss claim)"}, not ${expectedIss}` });
    }
    const audOk = aud.includes(XAI_OAUTH_CLIENT_ID) || clientId === XAI_OAUTH_CLIENT_ID;
    if (!audOk) {
      findings.push({ code: "token_audience_unexpected", message: `its audience/client_id (${[...aud, clientId].filter(Boolean).join(", ") || "none"}) is not Hermes' xAI client ${XAI_OAUTH_CLIENT_ID}` });
    }
    if (exp === undefined) {
      findings.push({ code: "token_no_exp", message: "it has no numeric exp claim: Hermes never refreshes it proactively" });
    }

    const details: Record<string, unknown> = {
      fingerprint: fingerprint(token),
      alg: header.alg ?? null,
      ...(header.kid !== undefined ? { kid: header.kid } : {}),
      iss: iss ?? null,
      aud: aud.length ? aud : null,
      client_id: clientId ?? null,
      scope: scopes,
      principal_type: payload.principal_type ?? null,
      team_id: payload.team_id ?? null,
      ...(tier ? { [tier[0]]: tier[1] } : {}),
      ...(findings.length ? { findings } : {}),
      note: "decoded locally without verifying the signature",
    };
    const data: TokenClaimsData = {
      isJwt: true, header, payload, hasRefreshToken,
      ...(exp !== undefined ? { exp } : {}),
      ...(iat !== undefined ? { iat } : {}),
    };
    const who = [payload.principal_type ? String(payload.principal_type) : "", tier ? `${tier[0]} ${String(tier[1])}` : ""].filter(Boolean).join(", ");
    if (findings.length) {
      return {
        status: "warn",
        code: findings[0]!.code,
        summary: `Access token ${fingerprint(token)}: ${findings[0]!.message}${findings.length > 1 ? ` (+${findings.length - 1} more)` : ""}`,
        details,
        ...(findings[0]!.code === "scope_missing_api_access"
          ? { fixes: [{ text: "Sign in again so xAI grants the api:access scope", command: "hermes auth add xai-oauth" }] }
          : {}),
        data,
      };
    }
    return {
      status: "pass",
      summary: `Access token ${fingerprint(token)}: issued by ${iss} for Hermes' client, scope includes ${XAI_API_SCOPE}${who ? ` (${who})` : ""}`,
      details,
      data,
    };
  },
};

/** The issuer the token should name: the override (flag or HERMES_DOCTOR_ISSUER) if any, else xAI's. */
function expectedIssuer(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  try {
    return resolveEndpoints({ issuer: flag }, env).issuer;
  } catch {
    return XAI_OAUTH_ISSUER; // a malformed override is the CLI's usage error, not this check's
  }
}
