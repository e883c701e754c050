/**
 * Addresses typed on one email's shared "Don't track me" page (an email with Cc, Bcc or several To): at most
 * OPT_OUT_TRIES an hour. The page answers a recipient's address and a stranger's alike, but a recipient's takes
 * a few KV writes longer; with this few tries no one holding the link can time their way to who else got the
 * email (a Bcc), or spray guesses at it.
 */
import { addTry } from "../storage/window_count.ts";
import { privacyKeys as keys } from "./keys.ts";

export const OPT_OUT_TRIES = 10;
export const OPT_OUT_WINDOW_MS = 3600_000;

/** Counts one try on this email's page; false (and nothing counted) once the hour's tries are used up. */
export function takeOptOutTry(kv: Deno.Kv, teamId: string, messageId: string, now: number): Promise<boolean> {
  return addTry(kv, keys.optOutTries(teamId, messageId), {
    windowMs: OPT_OUT_WINDOW_MS,
    now,
    limit: OPT_OUT_TRIES,
  });
}
