/**
 * Sign-in throttling: failed attempts counted per account and per client address in fixed windows. From a
 * browser the account has signed in from before (`devices.ts`) they count per that browser instead of per
 * account, so strangers' guesses can't lock the seller out of their own browser. A wrong current password given
 * to change the password counts on a counter of its own, which alone decides whether a change may be tried (no
 * address: whoever holds a session or API token may try from anywhere), and against the account as well: so
 * strangers' guesses at sign-in can't stop the owner changing it, and a session gives no extra guesses.
 */
import { AppError } from "../http/errors.ts";
import { addTry, liveCount } from "../storage/window_count.ts";
import { accountKeys as keys } from "./keys.ts";

export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const LIMITS = { account: 5, device: 5, address: 30 } as const;
type Scope = keyof typeof LIMITS;
/** `device`: the id of a browser the account has signed in from (`knownDevice`), when this is one. */
type Subjects = { account: string; device?: string | null; address?: string };
/** The scopes a check or a failure counts in: the known browser or else the account, and the address. */
const scopesOf = (subjects: Subjects): Scope[] =>
  [subjects.device ? "device" as const : "account" as const, "address" as const].filter((scope) =>
    subjects[scope]
  );

/** Throws 429 with a clear message when either the account or the address is over its limit. */
export async function assertSignInAllowed(
  kv: Deno.Kv,
  subjects: Subjects,
  now: number,
): Promise<void> {
  for (const scope of scopesOf(subjects)) {
    const { live } = await liveCount(kv, keys.throttle(scope, subjects[scope]!), now);
    if (live && live.count >= LIMITS[scope]) {
      const minutes = Math.max(1, Math.ceil((live.resetAt - now) / 60_000));
      const who = scope === "address" ? "your network address" : "this account";
      throw new AppError(
        429,
        "too_many_attempts",
        `Too many failed sign-in attempts for ${who}. Try again in ${minutes} minute${
          minutes === 1 ? "" : "s"
        }.`,
        undefined,
        { "Retry-After": String(minutes * 60) },
      );
    }
  }
}

export async function recordSignInFailure(
  kv: Deno.Kv,
  subjects: Subjects,
  now: number,
): Promise<void> {
  for (const scope of scopesOf(subjects)) {
    await addTry(kv, keys.throttle(scope, subjects[scope]!), { windowMs: THROTTLE_WINDOW_MS, now });
  }
}

/** A successful sign-in clears the account's counter and the browser's (not the address's). */
export async function clearAccountFailures(kv: Deno.Kv, subjects: Subjects): Promise<void> {
  await kv.delete(keys.throttle("account", subjects.account));
  if (subjects.device) await kv.delete(keys.throttle("device", subjects.device));
}
