/**
 * Re-reads triggered by live events can answer out of order: a read started on an early event may come
 * back after one started on a later event, and would put the older state back on the page. `newestRead`
 * gives every caller the answer of the newest read of the same key: a caller whose read was overtaken
 * waits for the newer one instead.
 */
const reads = new Map<string, { newest: Promise<unknown>; waiting: number }>();

export async function newestRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  const mine = read();
  const entry = reads.get(key) ?? { newest: mine, waiting: 0 };
  entry.newest = mine;
  entry.waiting++;
  reads.set(key, entry);
  try {
    let current: Promise<unknown>;
    do {
      current = entry.newest;
      await current.catch(() => {});
    } while (current !== entry.newest);
    return await (current as Promise<T>);
  } finally {
    if (--entry.waiting === 0) reads.delete(key);
  }
}
