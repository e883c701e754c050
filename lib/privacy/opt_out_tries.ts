/**
 * Addresses typed on one email's shared "Don't track me" page (an email with Cc, Bcc or several To): at most
 * OPT_OUT_TRIES an hour. The page answers a recipient's address and a stranger's alike, but a recipient's takes
 * a few KV writes longer; with this few tries no one holding the link can time their way to who else got the
 * email (a Bcc), or spray guesses at it.
 */
import { privacyKeys as keys } from "./keys.ts";

export const OPT_OUT_TRIES = 10;
export const OPT_OUT_WINDOW_MS = 3600_000;

interface Tries {
  count: number;
  resetAt: number;
}

/** Counts one try on this email's page; false (and nothing counted) once the hour's tries are used up. */
export async function takeOptOutTry(
  kv: Deno.Kv,
  teamId: string,
  messageId: string,
  now: number,
): Promise<boolean> {
  const key = keys.optOutTries(teamId, messageId);
  for (;;) {
    const entry = await kv.get<Tries>(key);
    const live = entry.value && entry.value.resetAt > now ? entry.value : null;
    if (live && live.count >= OPT_OUT_TRIES) return false;
    const next = live ? { ...live, count: live.count + 1 } : { count: 1, resetAt: now + OPT_OUT_WINDOW_MS };
    const done = await kv.atomic().check(entry).set(key, next, { expireIn: next.resetAt - now }).commit();
    if (done.ok) return true;
  }
}
