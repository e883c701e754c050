/**
 * Browsers an account has signed in from (OWASP's "device cookies", the answer to lockout by strangers): a
 * long-lived cookie holds a random token, and KV keeps its hash with a hash of the account's address, so it
 * holds no personal data. Failed sign-ins from a browser known to an account count against that browser, not
 * the account: someone guessing at a seller's address from elsewhere locks out browsers the account has never
 * used, never the seller's own.
 */
import { randomToken, sha256Hex } from "../crypto/tokens.ts";
import { accountKeys as keys } from "./keys.ts";

export const DEVICE_TTL_MS = 180 * 24 * 3600_000;

interface Device {
  accountHash: string;
  createdAt: number;
}

/** The device id (its token's hash) when `token` is a browser `account` signed in from, else null. */
export async function knownDevice(
  kv: Deno.Kv,
  token: string | undefined,
  account: string,
): Promise<string | null> {
  if (!token || token.length > 100) return null;
  const id = await sha256Hex(token);
  const device = (await kv.get<Device>(keys.device(id))).value;
  return device?.accountHash === await sha256Hex(account) ? id : null;
}

/** Remembers this browser for `account`; returns the token for its cookie (never stored as such). */
export async function rememberDevice(kv: Deno.Kv, account: string, now: number): Promise<string> {
  const token = randomToken(32);
  const device: Device = { accountHash: await sha256Hex(account), createdAt: now };
  await kv.set(keys.device(await sha256Hex(token)), device, { expireIn: DEVICE_TTL_MS });
  return token;
}
