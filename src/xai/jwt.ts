// Local, unverified JWT decoding: enough to read claims Hermes itself reads (exp), never to trust them.

export type JwtDecodeResult =
  | { header: Record<string, unknown>; payload: Record<string, unknown> }
  | { error: string };

/** Standard or url-safe base64, padding optional (Python's urlsafe_b64decode after re-padding). */
const B64 = /^[A-Za-z0-9_\-+/]*={0,2}$/;

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!B64.test(segment)) return undefined;
  try {
    const text = Buffer.from(segment.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits `header.payload[.signature]` and decodes both JSON parts WITHOUT verifying the signature.
 * Errors never quote the token.
 */
export function decodeJwt(token: string): JwtDecodeResult {
  if (typeof token !== "string" || !token.includes(".")) return { error: "not a JWT (no '.'-separated parts)" };
  const parts = token.split(".");
  if (parts.length < 2 || parts.length > 3) return { error: `not a JWT (${parts.length} parts, expected 3)` };
  const header = decodeSegment(parts[0]!);
  if (!header) return { error: "the JWT header is not base64url-encoded JSON" };
  const payload = decodeSegment(parts[1]!);
  if (!payload) return { error: "the JWT payload is not base64url-encoded JSON" };
  return { header, payload };
}

/**
 * The `exp` claim as Hermes reads it (auth_xai.py `_xai_jwt_exp`): only a JSON number counts,
 * a string or missing exp means "never expiring" to Hermes.
 */
export function numericClaim(payload: Record<string, unknown>, name: string): number | undefined {
  const v = payload[name];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * `exp` of a JWT-shaped token, or undefined when absent/undecodable. Hermes' exact rule
 * (auth_xai.py `_xai_jwt_exp`): needs a '.', decodes only the second part, header ignored.
 */
export function jwtExp(token: string | undefined): number | undefined {
  if (typeof token !== "string" || !token.includes(".")) return undefined;
  const payload = decodeSegment(token.split(".")[1] ?? "");
  return payload ? numericClaim(payload, "exp") : undefined;
}
