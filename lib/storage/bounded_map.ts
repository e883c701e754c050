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

/**
 * A pure function of a string that remembers its answers for the last `limit` distinct inputs
 * (hits repeat addresses and user agents: each is worked out once). Answers are shared between
 * callers: read them, never change them.
 */
export function remembered<T>(fn: (input: string) => T, limit = 10_000): (input: string) => T {
  const answers = new BoundedMap<string, T>(limit);
  return (input) => {
    if (answers.has(input)) return answers.get(input)!;
    const answer = fn(input);
    answers.set(input, answer);
    return answer;
  };
}
