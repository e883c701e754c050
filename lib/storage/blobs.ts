/**
 * The Blob store port (attachments, raw inbound mail) and its embedded adapter: files
 * kept in KV as chunks under the 64 KiB value limit. A file is written chunk batch by
 * chunk batch, then made visible by one checked write of its record (`complete`), so a
 * half-written file is never served; an interrupted upload leaves an incomplete record
 * that the scheduler's clean-up job removes.
 */
import { AppError } from "../http/errors.ts";
import { CHUNK_SIZE } from "./chunks.ts";
import { newId } from "./ids.ts";

export interface BlobMeta {
  id: string;
  teamId: string;
  filename: string;
  contentType: string;
  size: number;
  chunks: number;
  complete: boolean;
  createdAt: number;
}

export interface BlobStore {
  /** Stores a file from a stream; throws 413 past `maxBytes` (nothing is kept). */
  put(
    teamId: string,
    file: { filename: string; contentType: string },
    body: ReadableStream<Uint8Array> | Uint8Array,
    options: { maxBytes: number; now: number; id?: string },
  ): Promise<BlobMeta>;
  /** A complete file's record, or null (unknown, or still being written). */
  meta(teamId: string, id: string): Promise<BlobMeta | null>;
  stream(meta: BlobMeta): ReadableStream<Uint8Array>;
  read(meta: BlobMeta): Promise<Uint8Array>;
  delete(teamId: string, id: string): Promise<void>;
  /** Removes a file that never completed (clean-up after interrupted uploads). */
  deleteIfIncomplete(teamId: string, id: string): Promise<boolean>;
}

const blobKey = (teamId: string, id: string) => ["team", teamId, "blob", id];
const chunkKey = (teamId: string, id: string, index: number) => ["team", teamId, "blob_chunk", id, index];
const CHUNKS_PER_COMMIT = 10;

export class KvBlobStore implements BlobStore {
  constructor(private kv: Deno.Kv) {}

  async put(
    teamId: string,
    file: { filename: string; contentType: string },
    body: ReadableStream<Uint8Array> | Uint8Array,
    { maxBytes, now, id }: { maxBytes: number; now: number; id?: string },
  ): Promise<BlobMeta> {
    const meta: BlobMeta = {
      id: id ?? newId(now),
      teamId,
      ...file,
      size: 0,
      chunks: 0,
      complete: false,
      createdAt: now,
    };
    await this.kv.set(blobKey(teamId, meta.id), meta);
    const pending: Uint8Array[] = [];
    let buffer = new Uint8Array(CHUNK_SIZE);
    let filled = 0;
    const flush = async (all: boolean) => {
      while (pending.length >= CHUNKS_PER_COMMIT || (all && pending.length)) {
        const op = this.kv.atomic();
        for (const chunk of pending.splice(0, CHUNKS_PER_COMMIT)) {
          op.set(chunkKey(teamId, meta.id, meta.chunks++), chunk);
        }
        await op.commit();
      }
    };
    const take = async (bytes: Uint8Array) => {
      meta.size += bytes.byteLength;
      if (meta.size > maxBytes) {
        await this.#remove(meta);
        throw new AppError(413, "too_large", `This file is larger than the ${maxBytes} bytes allowed.`);
      }
      let offset = 0;
      while (offset < bytes.byteLength) {
        const n = Math.min(CHUNK_SIZE - filled, bytes.byteLength - offset);
        buffer.set(bytes.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === CHUNK_SIZE) {
          pending.push(buffer);
          buffer = new Uint8Array(CHUNK_SIZE);
          filled = 0;
          await flush(false);
        }
      }
    };
    if (body instanceof Uint8Array) {
      await take(body);
    } else {
      try {
        for await (const part of body) await take(part);
      } catch (error) {
        if (error instanceof AppError) throw error;
        // The upload broke off: the record stays incomplete and is never served; clean-up removes it.
        throw new AppError(400, "upload_interrupted", "The upload was interrupted. Try again.");
      }
    }
    if (filled) pending.push(buffer.slice(0, filled));
    await flush(true);
    const done: BlobMeta = { ...meta, complete: true };
    await this.kv.set(blobKey(teamId, meta.id), done);
    return done;
  }

  async meta(teamId: string, id: string): Promise<BlobMeta | null> {
    const meta = (await this.kv.get<BlobMeta>(blobKey(teamId, id))).value;
    return meta?.complete ? meta : null;
  }

  stream(meta: BlobMeta): ReadableStream<Uint8Array> {
    let index = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (index >= meta.chunks) return controller.close();
        const keys = Array.from(
          { length: Math.min(10, meta.chunks - index) },
          (_, i) => chunkKey(meta.teamId, meta.id, index + i),
        );
        for (const entry of await this.kv.getMany<Uint8Array[]>(keys)) {
          if (!entry.value) return controller.error(new Error(`missing chunk of blob ${meta.id}`));
          controller.enqueue(entry.value);
        }
        index += keys.length;
      },
    });
  }

  async read(meta: BlobMeta): Promise<Uint8Array> {
    return new Uint8Array(await new Response(this.stream(meta)).arrayBuffer());
  }

  async delete(teamId: string, id: string): Promise<void> {
    const meta = (await this.kv.get<BlobMeta>(blobKey(teamId, id))).value;
    if (meta) await this.#remove(meta);
  }

  async deleteIfIncomplete(teamId: string, id: string): Promise<boolean> {
    const meta = (await this.kv.get<BlobMeta>(blobKey(teamId, id))).value;
    if (!meta || meta.complete) return false;
    await this.#remove(meta);
    return true;
  }

  async #remove(meta: BlobMeta) {
    let op = this.kv.atomic().delete(blobKey(meta.teamId, meta.id));
    let n = 1;
    for await (const entry of this.kv.list({ prefix: ["team", meta.teamId, "blob_chunk", meta.id] })) {
      op.delete(entry.key);
      if (++n === 500) {
        await op.commit();
        op = this.kv.atomic();
        n = 0;
      }
    }
    await op.commit();
  }
}
