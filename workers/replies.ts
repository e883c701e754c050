/**
 * What follows a received reply: live updates, "no reply" alarms settled, the sender's
 * "Email replied" card (not for auto-replies or third parties). And the clean-up job for
 * uploads that never completed.
 */
import { settleAlarms } from "../lib/alarms/alarms.ts";
import { addCard, cardFor } from "../lib/assistant/cards.ts";
import type { Received } from "../lib/inbound/receive.ts";
import { receiveInbound } from "../lib/inbound/receive.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import type { Message } from "../lib/messages/types.ts";
import { liveEvent, publishAll } from "../lib/realtime/feed.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import type { Job } from "../lib/scheduler/scheduler.ts";
import { BLOB_CLEANUP_JOB } from "../lib/attachments/attachments.ts";
import { clip } from "../lib/text/clip.ts";
import type { AppDeps } from "../routes/deps.ts";
import { cardAbout } from "./alarms.ts";
import { notifyByEmail } from "./notifications.ts";

export function registerAttachmentCleanup(deps: AppDeps): void {
  deps.scheduler.handle(BLOB_CLEANUP_JOB, async (job) => {
    const { blobId } = (job as Job<{ blobId: string }>).payload;
    await deps.blobs.deleteIfIncomplete(job.teamId, blobId);
  });
}

/** Receives an inbound email through the one pipeline and runs what follows. */
export async function receiveAndFollowUp(
  deps: AppDeps,
  raw: Uint8Array,
  source: Parameters<typeof receiveInbound>[2],
): Promise<Received> {
  const received = await receiveInbound(
    {
      kv: deps.kv,
      clock: deps.clock,
      blobs: deps.blobs,
      replyTokens: deps.replyTokens,
      inboundDomain: deps.config.mail.inboundDomain ?? null,
    },
    raw,
    source,
  );
  await afterReply(deps, received);
  return received;
}

export async function afterReply(deps: AppDeps, received: Pick<Received, "mail" | "events">): Promise<void> {
  const { kv, clock, realtime } = deps;
  const events: LiveEvent[] = [...received.events];
  const mail = received.mail;
  if (mail?.messageId) {
    const message = (await kv.get<Message>(messageKeys.message(mail.teamId, mail.messageId))).value;
    if (message) {
      const now = clock.now();
      events.push(...await settleAlarms(kv, message, now));
      if (mail.fromRecipient && !mail.autoReply) {
        // About whoever replied (by their contact's name), not the first To recipient.
        const { people, links } = await cardAbout(kv, message, [mail.fromAddress]);
        const who = people[0]?.name ?? (mail.fromName || mail.fromAddress);
        const card = cardFor(
          message,
          {
            kind: "email_replied",
            headline: `${who} replied`,
            eventAt: mail.receivedAt,
            comment: "",
          },
          links,
          now,
        );
        card.comment = clip(mail.text, 280);
        const op = kv.atomic();
        events.push(addCard(op, card));
        await op.commit();
        events.push(
          liveEvent(
            message.teamId,
            "alert.reply",
            { messageId: message.id, subject: message.subject, who },
            now,
            message.senderId,
          ),
        );
      }
    }
  }
  await publishAll(realtime, events);
  for (const event of events) if (event.type === "card.created") await notifyByEmail(deps, event);
}
