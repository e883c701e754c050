import assert from "node:assert/strict";
import { CHUNK_SIZE } from "./chunks.ts";
import { KvBlobStore } from "./blobs.ts";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

function streamOf(data: Uint8Array, piece: number, breakAt?: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (breakAt !== undefined && offset >= breakAt) return controller.error(new Error("connection reset"));
      if (offset >= data.byteLength) return controller.close();
      controller.enqueue(data.slice(offset, offset + piece));
      offset += piece;
    },
  });
}

Deno.test("blobs - files round-trip at and around chunk boundaries, from streams of any piece size", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvBlobStore(kv);
  for (
    const size of [
      0,
      1,
      CHUNK_SIZE - 1,
      CHUNK_SIZE,
      CHUNK_SIZE + 1,
      10 * CHUNK_SIZE,
      10 * CHUNK_SIZE + 5,
      23 * CHUNK_SIZE + 9,
    ]
  ) {
    const data = bytes(size);
    for (const piece of [1000, 65536, 300_001]) {
      const meta = await store.put(
        "t",
        { filename: "f.bin", contentType: "application/octet-stream" },
        streamOf(data, piece),
        {
          maxBytes: 10_000_000,
          now: Date.now(),
        },
      );
      assert.equal(meta.size, size);
      assert.deepEqual(await store.read(meta), data, `size ${size} piece ${piece}`);
    }
  }
});

Deno.test("blobs - too large: 413 and nothing kept", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvBlobStore(kv);
  await assert.rejects(
    store.put(
      "t",
      { filename: "big.pdf", contentType: "application/pdf" },
      streamOf(bytes(3 * CHUNK_SIZE), 50_000),
      {
        maxBytes: 2 * CHUNK_SIZE,
        now: Date.now(),
      },
    ),
    (e: Error & { status?: number }) => e.status === 413 && /larger than the 122880 bytes/.test(e.message),
  );
  assert.equal((await Array.fromAsync(kv.list({ prefix: [] }))).length, 0);
});

Deno.test("blobs - an interrupted upload is never served and is cleaned up", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvBlobStore(kv);
  await assert.rejects(
    store.put(
      "t",
      { filename: "a.pdf", contentType: "application/pdf" },
      streamOf(bytes(15 * CHUNK_SIZE), 60_000, 12 * CHUNK_SIZE),
      {
        maxBytes: 10_000_000,
        now: Date.now(),
      },
    ),
    /interrupted/,
  );
  const [record] = await Array.fromAsync(
    kv.list<{ id: string; complete: boolean }>({ prefix: ["team", "t", "blob"] }),
  );
  assert.equal(record.value.complete, false);
  assert.equal(await store.meta("t", record.value.id), null, "not served");
  assert.equal(await store.deleteIfIncomplete("t", record.value.id), true);
  assert.equal((await Array.fromAsync(kv.list({ prefix: [] }))).length, 0);
});
