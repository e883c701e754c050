/** Password hashing: PBKDF2-SHA256 on WebCrypto, self-describing so the cost can rise later. */
import { decodeBase64Url, encodeBase64Url, randomBytes, timingSafeEqual } from "../crypto/tokens.ts";

export const DEFAULT_ITERATIONS = 600_000;
export const MIN_PASSWORD_LENGTH = 10;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFKC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = DEFAULT_ITERATIONS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${encodeBase64Url(salt)}$${encodeBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterationsText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterationsText);
  const salt = decodeBase64Url(saltText ?? "");
  const expected = decodeBase64Url(hashText ?? "");
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || !salt || !expected) return false;
  return timingSafeEqual(await derive(password, salt, iterations), expected);
}
