/**
 * Sign-in throttling: failed attempts counted per account and per client address in fixed windows. A wrong
 * current password given to change the password counts against the account too (no address: whoever holds a
 * session or API token may try from anywhere).
 */
import { AppError } from "../http/errors.ts";
import { accountKeys as keys } from "./keys.ts";

export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const LIMITS = { account: 5, address: 30 } as const;
type Scope = keyof typeof LIMITS;
type Subjects = { account: string; address?: string };
/** The scopes a check or a failure counts in: the account, and the address when there is one. */
const scopesOf = (subjects: Subjects) => (["account", "address"] as const).filter((scope) => subjects[scope]);

interface Counter {
  count: number;
  resetAt: number;
}

async function current(kv: Deno.Kv, scope: Scope, id: string, now: number) {
  const entry = await kv.get<Counter>(keys.throttle(scope, id));
  const live = entry.value && entry.value.resetAt > now ? entry.value : null;
  return { entry, live };
}

/** Throws 429 with a clear message when either the account or the address is over its limit. */
export async function assertSignInAllowed(
  kv: Deno.Kv,
  subjects: Subjects,
  now: number,
): Promise<void> {
  for (const scope of scopesOf(subjects)) {
    const { live } = await current(kv, scope, subjects[scope]!, now);
    if (live && live.count >= LIMITS[scope]) {
      const minutes = Math.max(1, Math.ceil((live.resetAt - now) / 60_000));
      const who = scope === "account" ? "this account" : "your network address";
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
    for (let attempt = 0; attempt < 5; attempt++) {
      const { entry, live } = await current(kv, scope, subjects[scope]!, now);
      const next: Counter = live
        ? { count: live.count + 1, resetAt: live.resetAt }
        : { count: 1, resetAt: now + THROTTLE_WINDOW_MS };
      const ok = await kv.atomic().check(entry)
        .set(entry.key, next, { expireIn: next.resetAt - now })
        .commit();
      if (ok.ok) break;
    }
  }
}

/** A successful sign-in clears the account's counter (not the address's). */
export async function clearAccountFailures(kv: Deno.Kv, account: string): Promise<void> {
  await kv.delete(keys.throttle("account", account));
}
