/**
 * The team's tracking suppression list: addresses whose owner asked, through the "Don't track me" link,
 * not to be tracked. It is kept apart from contacts so that deleting or erasing a contact never undoes the
 * objection, and it holds no address: each entry is keyed by an HMAC of the normalized address under a
 * random per-team secret (kept in KV, so rotating the app's secrets never forgets an objection). Checking
 * an address means hashing it again; the list itself can't be read back as addresses.
 */
import { encodeBase64Url, hmac, importHmacKey, randomToken } from "../crypto/tokens.ts";
import { getValues } from "../storage/kv.ts";
import { privacyKeys as keys } from "./keys.ts";

export interface Suppression {
  /** When the recipient asked (the first time). */
  at: number;
  /** Who asked: always the recipient themselves, through the link in an email. */
  source: "recipient";
}

/** How addresses are compared: the same mailbox however it was typed. */
export const normalizeAddress = (email: string) => email.normalize("NFC").trim().toLowerCase();

const secrets = new WeakMap<Deno.Kv, Map<string, Promise<CryptoKey>>>();

async function teamSecret(kv: Deno.Kv, teamId: string): Promise<CryptoKey> {
  for (;;) {
    const entry = await kv.get<string>(keys.suppressionSecret(teamId));
    if (entry.value) return importHmacKey(entry.value);
    const fresh = randomToken(32);
    if ((await kv.atomic().check(entry).set(entry.key, fresh).commit()).ok) return importHmacKey(fresh);
  }
}

/** The keyed hash an address is listed under (the secret is read once per team and process). */
async function addressHash(kv: Deno.Kv, teamId: string, email: string): Promise<string> {
  const byTeam = secrets.get(kv) ?? new Map<string, Promise<CryptoKey>>();
  secrets.set(kv, byTeam);
  let key = byTeam.get(teamId);
  if (!key) {
    byTeam.set(teamId, key = teamSecret(kv, teamId));
    key.catch(() => byTeam.delete(teamId));
  }
  return encodeBase64Url(await hmac(await key, normalizeAddress(email)));
}

/** Lists an address as not to be tracked; asking again keeps the first date. */
export async function suppressTracking(
  kv: Deno.Kv,
  teamId: string,
  email: string,
  now: number,
): Promise<void> {
  const key = keys.suppression(teamId, await addressHash(kv, teamId, email));
  const entry: Suppression = { at: now, source: "recipient" };
  await kv.atomic().check({ key, versionstamp: null }).set(key, entry).commit();
}

/** The suppression entry of each address (null: not listed), in order. */
export async function findSuppressions(
  kv: Deno.Kv,
  teamId: string,
  emails: string[],
): Promise<(Suppression | null)[]> {
  const hashes = await Promise.all(emails.map((email) => addressHash(kv, teamId, email)));
  return getValues<Suppression>(kv, hashes.map((hash) => keys.suppression(teamId, hash)));
}

export async function findSuppression(
  kv: Deno.Kv,
  teamId: string,
  email: string,
): Promise<Suppression | null> {
  return (await findSuppressions(kv, teamId, [email]))[0];
}

/** Takes an address off the list: only for when the recipient asked to be tracked again (admins). */
export async function liftSuppression(kv: Deno.Kv, teamId: string, email: string): Promise<void> {
  await kv.delete(keys.suppression(teamId, await addressHash(kv, teamId, email)));
}
