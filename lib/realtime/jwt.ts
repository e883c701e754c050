/**
 * HS256 JSON Web Tokens on WebCrypto: Beacon signs the short-lived token a browser uses to join its
 * team's private Supabase Realtime channels, with the Supabase project's JWT secret. Verification is
 * here too (the tests and the local Supabase stand-in check tokens the way Supabase does).
 */
import { decodeBase64Url, encodeBase64Url } from "../crypto/base64url.ts";
import { hmac, importHmacKey, timingSafeEqual } from "../crypto/tokens.ts";

export type JwtClaims = Record<string, unknown> & { exp?: number; iat?: number; sub?: string; role?: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEADER = encodeBase64Url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));

/** Signs `claims` (seconds for `iat`/`exp`, as JWTs have them) with HMAC-SHA256. */
export async function signJwt(claims: JwtClaims, secret: string): Promise<string> {
  const body = `${HEADER}.${encodeBase64Url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = await hmac(await importHmacKey(secret), body);
  return `${body}.${encodeBase64Url(signature)}`;
}

export type JwtCheck =
  | { ok: true; claims: JwtClaims }
  | { ok: false; reason: "malformed" | "algorithm" | "signature" | "expired" | "not_yet_valid" };

/**
 * Checks an HS256 token: shape, algorithm (HS256 only: "none" and others are refused), signature,
 * `exp` (required) and `nbf`, against `nowMs`.
 */
export async function verifyJwt(token: string, secret: string, nowMs: number): Promise<JwtCheck> {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [headerPart, claimsPart, signaturePart] = parts;
  const header = parseJson(headerPart);
  const claims = parseJson(claimsPart);
  const signature = decodeBase64Url(signaturePart);
  if (!header || !claims || !signature) return { ok: false, reason: "malformed" };
  if (header.alg !== "HS256") return { ok: false, reason: "algorithm" };
  const expected = await hmac(await importHmacKey(secret), `${headerPart}.${claimsPart}`);
  if (!timingSafeEqual(expected, signature)) return { ok: false, reason: "signature" };
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== "number" || claims.exp <= now) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf > now) return { ok: false, reason: "not_yet_valid" };
  return { ok: true, claims: claims as JwtClaims };
}

/** The claims of a token without checking it (for display and scheduling only, never for trust). */
export function peekJwt(token: string): JwtClaims | null {
  return parseJson(token.split(".")[1] ?? "") as JwtClaims | null;
}

function parseJson(part: string): Record<string, unknown> | null {
  const bytes = decodeBase64Url(part);
  if (!bytes) return null;
  try {
    const value = JSON.parse(decoder.decode(bytes));
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
