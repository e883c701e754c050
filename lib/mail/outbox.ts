/**
 * The embedded Mailer: emails are kept in KV and shown at the Outbox page exactly
 * as a recipient would see them. Idempotent: the same key stores one email.
 */
import type { Clock } from "../clock/clock.ts";
import { newId } from "../storage/ids.ts";
import { addChunks, CHUNK_SIZE, chunkCount, readChunks, readTextChunks } from "../storage/chunks.ts";
import { GroupCommit } from "../storage/group_commit.ts";
import { listValues, type Page, pageIndex } from "../storage/kv.ts";
import { mailKeys as keys } from "./keys.ts";
import type { Mailer, OutgoingEmail, SendOptions, SendResult } from "./mailer.ts";

export interface OutboxEntry {
  id: string;
  teamId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string;
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; size: number; chunks: number }[];
  bodyChunks: number;
  idempotencyKey: string;
  createdAt: number;
}

const CHUNKS_PER_COMMIT = 12;

export class OutboxMailer implements Mailer {
  readonly name = "outbox" as const;
  /** Emails sent in the same moment (a scheduled batch) are stored in shared commits. */
  #writes: GroupCommit;
  constructor(private kv: Deno.Kv, private clock: Clock) {
    this.#writes = new GroupCommit(kv);
  }

  async send(email: OutgoingEmail, { teamId, idempotencyKey }: SendOptions): Promise<SendResult> {
    const byKey = keys.outboxByKey(teamId, idempotencyKey);
    // With attachments to store, look before writing them; otherwise the checked commit tells.
    const existing = email.attachments.length ? (await this.kv.get<string>(byKey)).value : null;
    if (existing) return { providerId: existing };
    const now = this.clock.now();
    const id = newId(now);
    // Attachments can exceed one commit; they go first and only the entry makes them visible.
    const attachments: OutboxEntry["attachments"] = [];
    for (const [index, file] of email.attachments.entries()) {
      const prefix = keys.outboxAttachment(teamId, id, index);
      for (let start = 0; start < file.content.byteLength; start += CHUNK_SIZE * CHUNKS_PER_COMMIT) {
        const op = this.kv.atomic();
        const part = file.content.subarray(start, start + CHUNK_SIZE * CHUNKS_PER_COMMIT);
        const first = start / CHUNK_SIZE;
        for (let i = 0; i * CHUNK_SIZE < part.byteLength; i++) {
          op.set([...prefix, first + i], part.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE));
        }
        await op.commit();
      }
      attachments.push({
        filename: file.filename,
        contentType: file.contentType,
        size: file.content.byteLength,
        chunks: file.content.byteLength ? chunkCount(file.content.byteLength) : 0,
      });
    }
    const body = new TextEncoder().encode(JSON.stringify({ html: email.html, text: email.text }));
    const entry: OutboxEntry = {
      id,
      teamId,
      from: email.from,
      to: email.to,
      cc: email.cc,
      bcc: email.bcc,
      replyTo: email.replyTo,
      subject: email.subject,
      headers: email.headers,
      attachments,
      bodyChunks: chunkCount(body.byteLength),
      idempotencyKey,
      createdAt: now,
    };
    const stored = await this.#writes.commit(JSON.stringify(byKey), (op) => {
      op.check({ key: byKey, versionstamp: null });
      addChunks(op, keys.outboxBody(teamId, id), body);
      op.set(keys.outbox(teamId, id), entry).set(byKey, id, { expireIn: 24 * 3600_000 });
    });
    if (!stored) {
      // Another attempt with the same key won the race; its email is the one.
      return { providerId: (await this.kv.get<string>(byKey)).value! };
    }
    return { providerId: id };
  }
}

export function listOutbox(kv: Deno.Kv, teamId: string, limit = 100): Promise<OutboxEntry[]> {
  return listValues<OutboxEntry>(kv, { prefix: keys.outbox(teamId) }, { reverse: true, limit });
}

/** A page of the Outbox, newest first, and the cursor of the next. */
export function pageOutbox(
  kv: Deno.Kv,
  teamId: string,
  { cursor, limit = 50 }: { cursor?: string; limit?: number },
): Promise<Page<OutboxEntry>> {
  return pageIndex<OutboxEntry, OutboxEntry>(kv, keys.outbox(teamId), {
    cursor,
    limit,
    reverse: true,
    load: (entries) => Promise.resolve(entries),
  });
}

/** An Outbox email's record (what it carries), without its body. */
export async function getOutboxRecord(kv: Deno.Kv, teamId: string, id: string): Promise<OutboxEntry | null> {
  return (await kv.get<OutboxEntry>(keys.outbox(teamId, id))).value;
}

export async function getOutboxEntry(kv: Deno.Kv, teamId: string, id: string) {
  const entry = await getOutboxRecord(kv, teamId, id);
  if (!entry) return null;
  const body = JSON.parse(await readTextChunks(kv, keys.outboxBody(teamId, id), entry.bodyChunks)) as {
    html: string;
    text: string;
  };
  return { ...entry, ...body };
}

export function readOutboxAttachment(kv: Deno.Kv, entry: OutboxEntry, index: number) {
  const meta = entry.attachments[index];
  return readChunks(kv, keys.outboxAttachment(entry.teamId, entry.id, index), meta.chunks);
}
