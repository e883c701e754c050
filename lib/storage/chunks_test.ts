import assert from "node:assert/strict";
import { addChunks, CHUNK_SIZE, chunkCount, deleteChunks, readChunks, readTextChunks } from "./chunks.ts";

Deno.test("chunks - round-trips values at and around the chunk boundary", async () => {
  using kv = await Deno.openKv(":memory:");
  for (const size of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 7]) {
    const data = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)));
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += data.length || 1) {
      bytes.set(data.subarray(0, Math.min(data.length, size - i)), i);
    }
    const op = kv.atomic();
    const count = addChunks(op, ["blob", size], bytes);
    assert.equal(count, chunkCount(size));
    assert.ok((await op.commit()).ok);
    assert.deepEqual(await readChunks(kv, ["blob", size], count), bytes);
  }
});

Deno.test("chunks - text with multi-byte characters survives splitting", async () => {
  using kv = await Deno.openKv(":memory:");
  const text = "Olá, 東京 🚀 ".repeat(20_000);
  const op = kv.atomic();
  const count = addChunks(op, ["t"], text);
  await op.commit();
  assert.ok(count > 1);
  assert.equal(await readTextChunks(kv, ["t"], count), text);
  const del = kv.atomic();
  deleteChunks(del, ["t"], count);
  await del.commit();
  await assert.rejects(readChunks(kv, ["t"], count), /missing chunk/);
});
