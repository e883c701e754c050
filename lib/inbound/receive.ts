/**
 * One pipeline for every way a reply arrives (Resend's webhook, the raw endpoint, the
 * Outbox's "reply as recipient"): parse, match to the sent message, keep the mail, and —
 * when matched — record a reply event on the message. What follows (alarms, cards, live
 * updates) is the caller's `onReply`.
 */
import type { Clock } from "../clock/clock.ts";
import { messageKeys } from "../messages/keys.ts";
import type { Message } from "../messages/types.ts";
import type { BlobStore } from "../storage/blobs.ts";
import { newId } from "../storage/ids.ts";
import { appendEvent } from "../tracking/append.ts";
import { trackingKeys } from "../tracking/keys.ts";
import type { EngagementEvent, MessageStats } from "../tracking/types.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { inboundKeys as keys } from "./keys.ts";
import { isRecipient, type Lookup, matchReply, recipientName, type SentRef } from "./match.ts";
import { type ParsedInbound, parseInbound } from "./parse.ts";
import { autoReplyReason } from "./auto_reply.ts";
import type { ReplyTokenSigner } from "./reply_token.ts";
import { newText } from "./strip.ts";
import { clip } from "../text/clip.ts";

export interface InboundMail {
  id: string;
  teamId: string;
  via: "resend" | "raw" | "outbox";
  receivedAt: number;
  fromAddress: string;
  fromName: string;
  to: string[];
  cc: string[];
  subject: string;
  /** The new text, quoted history stripped. */
  text: string;
  /** The whole text part (for reading in full). */
  fullText: string;
  rawBlobId: string | null;
  rfcMessageId: string | null;
  /** The sent message it answers, once matched (automatically or by hand). */
  messageId: string | null;
  matchedVia: "token" | "in-reply-to" | "references" | "by_hand" | null;
  unmatchedReason: string | null;
  /** When an admin took unmatched mail off the list (spam, a newsletter); it stays readable at its page. */
  dismissedAt?: number | null;
  fromRecipient: boolean;
  autoReply: string | null;
  attachments: { filename: string | null; mimeType: string; size: number }[];
}

export interface ReceiveDeps {
  kv: Deno.Kv;
  clock: Clock;
  blobs: BlobStore;
  replyTokens: ReplyTokenSigner;
  inboundDomain: string | null;
}

export interface Received {
  /** `not_mail`: no From address, so not an email (bytes of something else); nothing is kept. */
  status: "matched" | "unmatched" | "duplicate" | "unrouted" | "not_mail";
  mail?: InboundMail;
  events: LiveEvent[];
}

/** The largest raw email Beacon takes (requests bigger than this are refused before they are read). */
export const MAX_RAW_BYTES = 25 * 1024 * 1024;
/**
 * The texts kept on the mail's record, in characters: KV stores a string in up to 2 bytes a character and a
 * value in at most 64 KiB, so together they stay well under it. Longer mail is cut ("…"); its original is
 * kept whole (Download original).
 */
const MAX_TEXT_CHARS = 8_000;
const MAX_FULL_TEXT_CHARS = 20_000;

/** Finds sent messages by RFC Message-ID (global index) or by id. */
export function messageLookup(kv: Deno.Kv): Lookup {
  const ref = (m: Message | null): SentRef | null =>
    m && m.rfcMessageId
      ? {
        teamId: m.teamId,
        messageId: m.id,
        rfcMessageId: m.rfcMessageId,
        subject: m.subject,
        recipients: [...m.to, ...m.cc, ...m.bcc].map((r) => r.email.toLowerCase()),
      }
      : null;
  return {
    async byRfcId(rfcMessageId) {
      const hit =
        (await kv.get<{ teamId: string; messageId: string }>(messageKeys.byRfcId(rfcMessageId))).value;
      return hit ? ref((await kv.get<Message>(messageKeys.message(hit.teamId, hit.messageId))).value) : null;
    },
    async byId(teamId, messageId) {
      return ref((await kv.get<Message>(messageKeys.message(teamId, messageId))).value);
    },
  };
}

/**
 * Receives one inbound email. `teamId` is known for the raw endpoint and the Outbox; for a
 * provider webhook it comes from the match. Mail that matches nothing and has no known team
 * is kept aside ("unrouted") for the operator, never shown to a team it may not belong to.
 */
export async function receiveInbound(
  deps: ReceiveDeps,
  raw: Uint8Array,
  source: { via: InboundMail["via"]; teamId?: string; envelopeTo?: string[] },
): Promise<Received> {
  const parsed = await parseInbound(raw);
  if (!parsed.from?.address) return { status: "not_mail", events: [] };
  const match = await matchReply(parsed, {
    lookup: messageLookup(deps.kv),
    tokens: deps.replyTokens,
    inboundDomain: deps.inboundDomain,
    envelopeTo: source.envelopeTo,
  });
  const teamId = match.matched ? match.message.teamId : source.teamId;
  const now = deps.clock.now();
  if (!teamId || (match.matched && source.teamId && source.teamId !== match.message.teamId)) {
    const id = newId(now);
    await deps.kv.set(keys.unrouted(id), {
      id,
      receivedAt: now,
      from: parsed.from?.address ?? null,
      subject: parsed.subject,
      reason: match.matched ? "matched another team's message" : match.reason,
    }, { expireIn: 30 * 86_400_000 });
    console.warn(`inbound mail ${id} could not be routed to a team`);
    return { status: "unrouted", events: [] };
  }
  if (parsed.messageId) {
    const seen = await deps.kv.get<string>(keys.byRfcId(teamId, parsed.messageId));
    if (seen.value) return { status: "duplicate", events: [] };
  }
  const blob = raw.byteLength <= MAX_RAW_BYTES
    ? await deps.blobs.put(teamId, { filename: "message.eml", contentType: "message/rfc822" }, raw, {
      maxBytes: MAX_RAW_BYTES,
      now,
    })
    : null;
  const mail: InboundMail = {
    id: newId(now),
    teamId,
    via: source.via,
    receivedAt: now,
    fromAddress: parsed.from?.address ?? "",
    fromName: parsed.from?.name ?? "",
    to: parsed.to,
    cc: parsed.cc,
    subject: parsed.subject,
    text: clip(newText(parsed), MAX_TEXT_CHARS),
    fullText: clip(parsed.text, MAX_FULL_TEXT_CHARS),
    rawBlobId: blob?.id ?? null,
    rfcMessageId: parsed.messageId,
    messageId: match.matched ? match.message.messageId : null,
    matchedVia: match.matched ? match.via : null,
    unmatchedReason: match.matched ? null : match.reason,
    fromRecipient: match.matched ? match.fromRecipient : false,
    autoReply: match.autoReply,
    attachments: parsed.attachments.map(({ filename, mimeType, size }) => ({ filename, mimeType, size })),
  };
  const result = await store(deps.kv, mail, parsed.messageId, now);
  // The same mail delivered twice at once (a webhook retried, a mailbox polled twice): the copy that lost keeps
  // nothing, its raw file included.
  if (result.status === "duplicate" && blob) await deps.blobs.delete(teamId, blob.id);
  return result;
}

/** Stores the mail, as a reply to its message or as unmatched; "duplicate" when it is already stored. */
async function store(kv: Deno.Kv, mail: InboundMail, rfcId: string | null, now: number): Promise<Received> {
  if (!mail.messageId) {
    const op = kv.atomic()
      .set(keys.mail(mail.teamId, mail.id), mail)
      .set(keys.unmatched(mail.teamId, mail.id), mail.id);
    if (rfcId) {
      op.check({ key: keys.byRfcId(mail.teamId, rfcId), versionstamp: null }).set(
        keys.byRfcId(mail.teamId, rfcId),
        mail.id,
      );
    }
    if (!(await op.commit()).ok) return { status: "duplicate", events: [] };
    return { status: "unmatched", mail, events: [] };
  }
  const events = await recordReply(kv, mail, rfcId, now);
  return events ? { status: "matched", mail, events } : { status: "duplicate", events: [] };
}

/** Stores the mail and its reply event on the message in one commit. */
async function recordReply(
  kv: Deno.Kv,
  mail: InboundMail,
  rfcId: string | null,
  now: number,
): Promise<LiveEvent[] | null> {
  const event: EngagementEvent = {
    id: newId(now),
    teamId: mail.teamId,
    messageId: mail.messageId!,
    type: "reply",
    at: now,
    recipient: null,
    index: null,
    url: null,
    method: "SMTP",
    userAgent: "",
    clientAddress: "",
    headers: {},
    sinceSendMs: 0,
    prefetch: false,
    reply: {
      from: mail.fromAddress,
      fromName: mail.fromName,
      subject: mail.subject,
      text: mail.text.slice(0, 4000),
      autoReply: mail.autoReply,
      fromRecipient: mail.fromRecipient,
      inboundId: mail.id,
    },
  };
  const [stats, message] = await kv.getMany<[MessageStats, Message]>([
    trackingKeys.stats(mail.teamId, mail.messageId!),
    messageKeys.message(mail.teamId, mail.messageId!),
  ]);
  if (stats.value) event.sinceSendMs = Math.max(0, now - stats.value.sentAt);
  // A reply says who wrote it, as a shared pixel can't: a To recipient's is theirs.
  const from = mail.fromAddress.toLowerCase();
  const index = message.value?.to.findIndex((r) => r.email.toLowerCase() === from) ?? -1;
  if (index >= 0) event.recipient = index;
  // Mail without a display name is named as the email named its recipient, as the Assistant's card names them.
  if (!mail.fromName && message.value) {
    const { to, cc, bcc } = message.value;
    event.reply!.fromName = recipientName(mail.fromAddress, [...to, ...cc, ...bcc]);
  }
  const result = await appendEvent(kv, event, {
    extra: (op) => op.set(keys.mail(mail.teamId, mail.id), mail).delete(keys.unmatched(mail.teamId, mail.id)),
    once: rfcId ? keys.byRfcId(mail.teamId, rfcId) : ["team", mail.teamId, "inbound_attached", mail.id],
  });
  return result ? [result.live] : null;
}

/** An admin attaches unmatched mail to a message by hand; it then counts like any reply. */
export async function attachInbound(
  kv: Deno.Kv,
  teamId: string,
  inboundId: string,
  message: Message,
  now: number,
): Promise<{ mail: InboundMail; events: LiveEvent[] } | null> {
  const mail = (await kv.get<InboundMail>(keys.mail(teamId, inboundId))).value;
  if (!mail || mail.messageId) return null;
  const recipients = [...message.to, ...message.cc, ...message.bcc].map((r) => r.email.toLowerCase());
  const attached: InboundMail = {
    ...mail,
    messageId: message.id,
    matchedVia: "by_hand",
    unmatchedReason: null,
    fromRecipient: isRecipient(mail.fromAddress, recipients),
    autoReply: mail.autoReply ?? autoReplyReason({}, mail.subject),
  };
  const events = await recordReply(kv, attached, null, now);
  return events ? { mail: attached, events } : null;
}

/**
 * An admin takes unmatched mail off the list, or puts it back (`dismissed` false). Null when the mail is
 * unknown, already attached to an email, or changed meanwhile.
 */
export async function setDismissed(
  kv: Deno.Kv,
  teamId: string,
  inboundId: string,
  dismissed: boolean,
  now: number,
): Promise<InboundMail | null> {
  const entry = await kv.get<InboundMail>(keys.mail(teamId, inboundId));
  const mail = entry.value;
  if (!mail || mail.messageId) return null;
  const next: InboundMail = { ...mail, dismissedAt: dismissed ? now : null };
  const op = kv.atomic().check(entry).set(entry.key, next);
  if (dismissed) op.delete(keys.unmatched(teamId, mail.id));
  else op.set(keys.unmatched(teamId, mail.id), mail.id);
  return (await op.commit()).ok ? next : null;
}

export type { ParsedInbound };
