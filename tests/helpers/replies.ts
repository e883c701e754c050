/**
 * Test stand-in for the inbound reply pipeline: stores a reply event on a sent message and counts it in the
 * message's counters in one checked commit, as lib/tracking/recorder.ts does for tracking hits.
 */
import { newId } from "../../lib/storage/ids.ts";
import { trackingKeys } from "../../lib/tracking/keys.ts";
import { addEvents } from "../../lib/tracking/event_log.ts";
import { applyEvent, type EngagementEvent, type MessageStats } from "../../lib/tracking/types.ts";
import type { Thread } from "../../lib/inbound/fixtures/mime.ts";

/** The thread a reply fixture answers: a sent message (as the API gives it), from Ana Lima unless told. */
export const threadOf = (
  message: { rfcMessageId: string; subject: string },
  sentAt: number,
  seller = { name: "Ana Lima", address: "ana@acme.example" },
): Thread => ({
  rfcMessageId: message.rfcMessageId,
  subject: message.subject,
  seller,
  sentAt: new Date(sentAt),
});

export async function recordReply(
  kv: Deno.Kv,
  teamId: string,
  messageId: string,
  at: number,
  { autoReply = null, fromRecipient = true }: { autoReply?: string | null; fromRecipient?: boolean } = {},
): Promise<void> {
  for (;;) {
    const entry = await kv.get<MessageStats>(trackingKeys.stats(teamId, messageId));
    if (!entry.value) throw new Error(`message ${messageId} has no counters: was it sent?`);
    const event: EngagementEvent = {
      id: newId(at),
      teamId,
      messageId,
      type: "reply",
      at,
      recipient: 0,
      index: null,
      url: null,
      method: "POST",
      userAgent: "",
      clientAddress: "",
      headers: {},
      sinceSendMs: Math.max(0, at - entry.value.sentAt),
      prefetch: false,
      reply: {
        from: "reply@example.com",
        fromName: "",
        subject: "Re:",
        text: "Sounds good",
        autoReply,
        fromRecipient,
        inboundId: newId(at),
      },
    };
    const op = kv.atomic().check(entry).set(entry.key, applyEvent(entry.value, event));
    addEvents(op, [event]);
    const ok = await op.commit();
    if (ok.ok) return;
  }
}
