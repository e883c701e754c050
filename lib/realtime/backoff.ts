/**
 * How long to wait before trying again: exponential (base, 2×base, 4×base… up to max), and spread
 * over the upper half of that, so that many waiters (pages after a restart, retries after an
 * outage) don't all come back in the same instant.
 */
export function backoffMs(
  attempt: number,
  { baseMs, maxMs }: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
