/**
 * Values larger than KV's 64 KiB limit, stored as numbered chunks under a prefix.
 * `addChunks` adds the writes to the caller's atomic operation, so a record and
 * its chunks land together; readers go through the record, never see half a value.
 */
export const CHUNK_SIZE = 60 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function chunkCount(byteLength: number): number {
  return Math.max(1, Math.ceil(byteLength / CHUNK_SIZE));
}

/** Adds one `set` per chunk to `op`; returns the chunk count to keep on the record. */
export function addChunks(op: Deno.AtomicOperation, prefix: Deno.KvKey, data: Uint8Array | string): number {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const count = chunkCount(bytes.byteLength);
  for (let i = 0; i < count; i++) {
    op.set([...prefix, i], bytes.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE));
  }
  return count;
}

/** Adds the deletes of `count` chunks to `op`. */
export function deleteChunks(op: Deno.AtomicOperation, prefix: Deno.KvKey, count: number): void {
  for (let i = 0; i < count; i++) op.delete([...prefix, i]);
}

export async function readChunks(kv: Deno.Kv, prefix: Deno.KvKey, count: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i += 10) {
    const keys = Array.from({ length: Math.min(10, count - i) }, (_, j) => [...prefix, i + j]);
    for (const entry of await kv.getMany<Uint8Array[]>(keys)) {
      if (!entry.value) throw new Error(`missing chunk ${String(entry.key.at(-1))} of ${prefix.join("/")}`);
      parts.push(entry.value);
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export async function readTextChunks(kv: Deno.Kv, prefix: Deno.KvKey, count: number): Promise<string> {
  return decoder.decode(await readChunks(kv, prefix, count));
}
