/**
 * Reading several id indexes as one: the newest ids across them, each once. Index keys end in a
 * time-ordered key (a ULID; for messages their list key), so every index read newest-first is sorted, and
 * merging their heads by it gives the newest overall. Each index is read lazily in small batches: a page costs its own length in reads plus
 * at most one small batch per index, however long the indexes are.
 */
export async function newestIdsAcross(
  kv: Deno.Kv,
  prefixes: Deno.KvKey[],
  limit: number,
  /** Only entries keyed before this (the last key of the page before). */
  before?: string,
): Promise<string[]> {
  // Several indexes: small batches, since most of what each holds may not make the page; one: all it needs.
  const batchSize = Math.max(1, Math.min(limit, prefixes.length === 1 ? 500 : 10));
  const lists = prefixes.map((prefix) =>
    kv.list<string>(before ? { prefix, end: [...prefix, before] } : { prefix }, { reverse: true, batchSize })[
      Symbol.asyncIterator
    ]()
  );
  const heads = await Promise.all(lists.map((list) => list.next()));
  const keyOf = (i: number) => (heads[i].value as Deno.KvEntry<string>).key.at(-1) as string;
  const ids: string[] = [];
  while (ids.length < limit) {
    let newest = -1;
    for (const [i, head] of heads.entries()) {
      if (!head.done && (newest < 0 || keyOf(i) > keyOf(newest))) newest = i;
    }
    if (newest < 0) break;
    const id = (heads[newest].value as Deno.KvEntry<string>).value;
    // The same entry in several indexes (one key) comes out of them one after another.
    if (ids.at(-1) !== id) ids.push(id);
    heads[newest] = await lists[newest].next();
  }
  return ids;
}
