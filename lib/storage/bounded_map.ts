/**
 * A Map that holds at most `limit` entries: adding a key to a full map drops the one set longest ago
 * (setting a key again counts as new).
 * For in-process caches of answers that never go stale (verified tokens, parsed addresses, a
 * sent message's links) or that a later check guards (counters with their versionstamp).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    this.delete(key);
    if (this.size >= this.limit) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}
