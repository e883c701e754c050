/**
 * A count of tries in a fixed window, kept in KV (failed sign-ins, addresses typed on an opt-out page): the window
 * starts with its first try and the entry expires with it.
 */
export interface WindowCount {
  count: number;
  resetAt: number;
}

/** The count at `key` while its window lasts, or null; with the entry it was read from. */
export async function liveCount(kv: Deno.Kv, key: Deno.KvKey, now: number) {
  const entry = await kv.get<WindowCount>(key);
  return { entry, live: entry.value && entry.value.resetAt > now ? entry.value : null };
}

/**
 * Adds one try at `key`, starting a window of `windowMs` when none is live. False, and nothing added, once the
 * window already holds `limit` tries.
 */
export async function addTry(
  kv: Deno.Kv,
  key: Deno.KvKey,
  { windowMs, now, limit = Infinity }: { windowMs: number; now: number; limit?: number },
): Promise<boolean> {
  for (;;) {
    const { entry, live } = await liveCount(kv, key, now);
    if (live && live.count >= limit) return false;
    const next = live ? { ...live, count: live.count + 1 } : { count: 1, resetAt: now + windowMs };
    if ((await kv.atomic().check(entry).set(key, next, { expireIn: next.resetAt - now }).commit()).ok) {
      return true;
    }
  }
}
