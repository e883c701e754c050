import { AppError, conflict, invalid } from "../http/errors.ts";
import { decodeBase64Url, encodeBase64Url } from "../crypto/base64url.ts";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Opens the KV database: a file path, ":memory:", a KV Connect URL, or the platform default. */
export function openKv(path?: string): Promise<Deno.Kv> {
  return path ? Deno.openKv(path) : Deno.openKv();
}

/** Collects the values of a list selector, in order. */
export async function listValues<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  options?: Deno.KvListOptions,
): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of kv.list<T>(selector, options)) out.push(entry.value);
  return out;
}

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

/** Reads many keys, in batches of the 10 that `getMany` allows; returns entries in key order (to check). */
export async function getEntries<T>(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
  const out: Deno.KvEntryMaybe<T>[] = [];
  for (let i = 0; i < keys.length; i += 10) out.push(...await kv.getMany<T[]>(keys.slice(i, i + 10)));
  return out;
}

/** Reads many keys, in batches of the 10 that `getMany` allows; returns values in key order. */
export async function getValues<T>(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<(T | null)[]> {
  return (await getEntries<T>(kv, keys)).map((entry) => entry.value);
}

/** Commits an atomic operation; a failed check becomes a 409 with the given message. */
export async function commitOrConflict(
  op: Deno.AtomicOperation,
  message = "This record was changed by someone else. Reload and try again.",
): Promise<Deno.KvCommitResult> {
  const result = await op.commit();
  if (!result.ok) throw new AppError(409, "conflict", message);
  return result;
}

/**
 * An update's fields without its `baseUpdatedAt` (the record's `updatedAt` as the caller last read it), refused
 * as a conflict when the record changed since: a form opened before someone else's save would put back what
 * they changed. Without one, the update applies as it is.
 */
export function fieldsIfUnchanged(input: unknown, updatedAt: number, what: string): Record<string, unknown> {
  const { baseUpdatedAt, ...fields } = (input ?? {}) as { baseUpdatedAt?: unknown };
  if (baseUpdatedAt !== undefined && Number(baseUpdatedAt) !== updatedAt) {
    throw conflict(
      `Someone changed this ${what} since you opened it. Reload to see their changes, then make yours.`,
    );
  }
  return fields;
}

/**
 * Whether an update changes nothing but `updatedAt`: then it isn't written, so it neither moves the record's
 * `updatedAt` nor makes someone else's save, based on the one before, a conflict. `updated` is `old` spread
 * with the changes (`{ ...old, ...changes }`), so its fields come in `old`'s order and the JSON compares alike.
 */
export function changesNothing<T extends { updatedAt: number }>(old: T, updated: T): boolean {
  return JSON.stringify({ ...updated, updatedAt: old.updatedAt }) === JSON.stringify(old);
}

/** Deletes every key under a prefix, in atomic batches (KV allows 1,000 mutations per commit). */
export async function deletePrefix(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let count = 0;
  let op = kv.atomic();
  let pending = 0;
  for await (const entry of kv.list({ prefix })) {
    op.delete(entry.key);
    count++;
    if (++pending === 500) {
      await op.commit();
      op = kv.atomic();
      pending = 0;
    }
  }
  if (pending) await op.commit();
  return count;
}

/** A page's cursor: its last key, as base64url JSON (no characters a URL must escape, so links stay short). */
function encodeCursor(key: Deno.KvKey): string {
  return encodeBase64Url(utf8.encode(JSON.stringify(key)));
}

/** A cursor's key; cursors of earlier versions (URI-encoded JSON, in bookmarked links) still read. */
function decodeCursor(cursor: string | undefined): Deno.KvKey | null {
  if (!cursor) return null;
  try {
    const bytes = cursor.startsWith("%") ? null : decodeBase64Url(cursor);
    const key = JSON.parse(bytes ? fromUtf8.decode(bytes) : decodeURIComponent(cursor));
    return Array.isArray(key) && key.every((p) => typeof p === "string" || typeof p === "number")
      ? key
      : null;
  } catch {
    return null;
  }
}

/**
 * Pages through an index whose values are record ids: loads the records, keeps
 * those that pass `keep`, and returns a cursor (the last index key shown) to
 * resume after, only when at least one more record passes. Filtering happens
 * while paging, so a search still fills a page and never offers an empty next one.
 */
export async function pageIndex<T, V = string>(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  options: {
    limit: number;
    cursor?: string;
    reverse?: boolean;
    /** Turns the index values (usually record ids) into records. */
    load: (values: V[]) => Promise<(T | null)[]>;
    keep?: (item: T) => boolean;
  },
): Promise<Page<T>> {
  const after = decodeCursor(options.cursor);
  // A cursor of another list (or team), or no cursor at all, is the caller's mistake: KV would refuse its key.
  if (options.cursor && !(after && after.length > prefix.length && prefix.every((p, i) => p === after[i]))) {
    throw invalid(
      { cursor: "Use the cursor of the page before." },
      "That page of the list is not valid: start again from its first page.",
    );
  }
  const selector: Deno.KvListSelector = !after
    ? { prefix }
    : options.reverse
    ? { prefix, end: after }
    : { prefix, start: after };
  const items: T[] = [];
  let lastKey: Deno.KvKey | null = null;
  let more = false;
  let batch: Deno.KvEntry<V>[] = [];
  const flush = async () => {
    const loaded = await options.load(batch.map((e) => e.value));
    for (let i = 0; i < loaded.length; i++) {
      const item = loaded[i];
      if (!item || (options.keep && !options.keep(item))) continue;
      // A next page only when something is left to show on it.
      if (items.length === options.limit) {
        more = true;
        break;
      }
      items.push(item);
      lastKey = batch[i].key;
    }
    batch = [];
  };
  for await (const entry of kv.list<V>(selector, { reverse: options.reverse, batchSize: 100 })) {
    if (after && !options.reverse && sameKey(entry.key, after)) continue;
    batch.push(entry);
    if (batch.length === 50) await flush();
    if (more) break;
  }
  if (!more && batch.length) await flush();
  return { items, cursor: more && lastKey ? encodeCursor(lastKey) : null };
}

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}
