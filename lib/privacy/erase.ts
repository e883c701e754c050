/**
 * Erasing a contact: the contact and everything Beacon holds about them — emails sent only to
 * them (with their bodies, events, counters, alarms, cards, replies, outbox copies and the global
 * indexes that point at them), their replies, their tasks, and their live-feed entries. Emails
 * that also went to other people stay, with this recipient redacted. Deletes run in batches
 * (KV allows 1,000 mutations per commit); everything is found again from the records, so an
 * interrupted erasure simply runs again.
 */
import { alarmKeys } from "../alarms/keys.ts";
import type { Alarm } from "../alarms/types.ts";
import { assistantKeys } from "../assistant/keys.ts";
import { taskKeys } from "../assistant/tasks.ts";
import type { Card, Task } from "../assistant/types.ts";
import { contactKeys } from "../contacts/keys.ts";
import { type Contact, contactSortKey } from "../contacts/types.ts";
import { notFound } from "../http/errors.ts";
import { inboundKeys } from "../inbound/keys.ts";
import type { InboundMail } from "../inbound/receive.ts";
import { mailKeys } from "../mail/keys.ts";
import type { OutboxEntry } from "../mail/outbox.ts";
import { attachmentKeys } from "../attachments/keys.ts";
import { bodyId } from "../messages/drafts.ts";
import { listedKeys, listKeyOf } from "../messages/listing.ts";
import { messageKeys } from "../messages/keys.ts";
import { allRecipients, type Message, type Recipient } from "../messages/types.ts";
import { feedKey } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { dueKey } from "../scheduler/scheduler.ts";
import { listValues } from "../storage/kv.ts";
import { trackingKeys } from "../tracking/keys.ts";
import { eventEntries, rewriteEntry } from "../tracking/event_log.ts";

/** Collects deletes and commits them in batches. */
class Deleter {
  #keys: Deno.KvKey[] = [];
  constructor(private kv: Deno.Kv) {}
  add(...keys: Deno.KvKey[]) {
    this.#keys.push(...keys);
  }
  async prefix(prefix: Deno.KvKey) {
    for await (const entry of this.kv.list({ prefix })) this.#keys.push(entry.key);
  }
  async commit(): Promise<number> {
    const keys = this.#keys.splice(0);
    for (let i = 0; i < keys.length; i += 500) {
      const op = this.kv.atomic();
      for (const key of keys.slice(i, i + 500)) op.delete(key);
      await op.commit();
    }
    return keys.length;
  }
}

/** Bodies and files that emails staying after the erasure still use (by body id, by file id). */
interface InUse {
  bodies: Set<string>;
  files: Set<string>;
}

const REDACTED: Recipient = { email: "erased-recipient@invalid", name: "(erased)", contactId: null };

export interface ErasureReport {
  messagesDeleted: number;
  messagesRedacted: number;
  keysDeleted: number;
}

/**
 * The team's emails that erasing `contact` touches: to the contact, and to their address too (those sent while
 * an earlier, since deleted, contact held it). `onlyThem` tells the ones sent to nobody else (deleted) from
 * those that also went to others (the contact is taken out of them).
 */
async function emailsOf(kv: Deno.Kv, teamId: string, contact: Contact) {
  const email = contact.email.toLowerCase();
  const isThem = (r: Recipient) => r.contactId === contact.id || r.email.toLowerCase() === email;
  const all = await listValues<Message>(kv, { prefix: messageKeys.message(teamId) });
  const theirs = all.filter((m) => m.contactIds.includes(contact.id) || allRecipients(m).some(isThem));
  const onlyThem = (m: Message) => {
    const everyone = [...m.to, ...m.cc, ...m.bcc];
    return everyone.length > 0 && everyone.every(isThem);
  };
  return { all, theirs, isThem, onlyThem };
}

/** What erasing `contact` would do to emails, counted for its confirmation page. */
export async function erasurePreview(kv: Deno.Kv, teamId: string, contact: Contact) {
  const { theirs, onlyThem } = await emailsOf(kv, teamId, contact);
  const deleted = theirs.filter(onlyThem).length;
  return { deleted, redacted: theirs.length - deleted };
}

export async function eraseContact(kv: Deno.Kv, teamId: string, contactId: string): Promise<ErasureReport> {
  const contact = (await kv.get<Contact>(contactKeys.contact(teamId, contactId))).value;
  if (!contact) throw notFound("No such contact.");
  const email = contact.email.toLowerCase();
  const del = new Deleter(kv);
  const report: ErasureReport = { messagesDeleted: 0, messagesRedacted: 0, keysDeleted: 0 };

  const gone = new Set<string>();
  const deletedEvents = new Set<string>();
  const { all, theirs: messages, isThem, onlyThem } = await emailsOf(kv, teamId, contact);
  const theirs = new Set(messages.map((m) => m.id));
  // What the emails that stay still use: a copy of "send individually" shares its body and files with the others.
  const kept = all.filter((m) => !(theirs.has(m.id) && onlyThem(m)));
  const inUse: InUse = {
    bodies: new Set(kept.map(bodyId)),
    files: new Set(kept.flatMap((m) => (m.attachments ?? []).map((file) => file.blobId))),
  };

  for (const m of messages) {
    if (onlyThem(m)) {
      gone.add(m.id);
      await deleteMessage(kv, del, m, inUse, deletedEvents);
      report.messagesDeleted++;
    } else {
      // Shared with others: the email stays, this recipient is redacted and their replies go.
      const redact = (list: Recipient[]) => list.map((r) => isThem(r) ? REDACTED : r);
      await kv.set(messageKeys.message(teamId, m.id), {
        ...m,
        to: redact(m.to),
        cc: redact(m.cc),
        bcc: redact(m.bcc),
        contactIds: m.contactIds.filter((id) => id !== contactId),
        regarding: m.regarding?.type === "contact" && m.regarding.id === contactId ? null : m.regarding,
        blockedBy: m.blockedBy.filter((e) => e.toLowerCase() !== email),
      });
      del.add(messageKeys.byContact(teamId, contactId, listKeyOf(m)));
      for await (const entry of eventEntries(kv, trackingKeys.event(teamId, m.id))) {
        const theirs = entry.events.filter((e) => e.reply?.from.toLowerCase() === email);
        if (!theirs.length) continue;
        for (const e of theirs) deletedEvents.add(e.id);
        const op = kv.atomic().check(entry);
        rewriteEntry(op, entry, entry.events.filter((e) => !theirs.includes(e)));
        if (!(await op.commit()).ok) throw new Error("events changed during erasure; run it again");
      }
      report.messagesRedacted++;
    }
  }

  // Their replies and other mail from them, matched or not.
  for (const mail of await listValues<InboundMail>(kv, { prefix: inboundKeys.mail(teamId) })) {
    if (mail.fromAddress.toLowerCase() === email || (mail.messageId && gone.has(mail.messageId))) {
      await deleteInbound(del, mail);
    }
  }
  // Tasks about them; tasks about their deleted emails lose the link.
  for (const task of await listValues<Task>(kv, { prefix: assistantKeys.task(teamId) })) {
    if (task.contactId === contactId) {
      del.add(...taskKeys(task));
    } else if (task.messageId && gone.has(task.messageId)) {
      await kv.set(assistantKeys.task(teamId, task.id), { ...task, messageId: null });
    }
  }
  // Cards about their emails, or about them.
  for (const card of await listValues<Card>(kv, { prefix: assistantKeys.card(teamId) })) {
    if (gone.has(card.messageId) || card.contactId === contactId) {
      del.add(assistantKeys.card(teamId, card.id), assistantKeys.cardByUser(teamId, card.userId, card.id));
      del.add(assistantKeys.cardOnce(teamId, card.kind, card.messageId, card.userId));
      if (card.job) del.add(dueKey(card.job.dueAt, card.job.id));
    }
  }
  // Live-feed entries (kept a week for catch-up) that mention them or their emails.
  for await (const entry of kv.list<LiveEvent>({ prefix: feedKey(teamId) })) {
    const data = entry.value.data as { messageId?: string; card?: Card };
    const text = JSON.stringify(entry.value.data);
    if (
      (data.messageId && gone.has(data.messageId)) ||
      (data.card && (gone.has(data.card.messageId) || data.card.contactId === contactId)) ||
      text.toLowerCase().includes(email) || text.includes(contactId)
    ) del.add(entry.key);
  }
  // Delivery-report guards that pointed at deleted events.
  for await (const entry of kv.list<string>({ prefix: ["team", teamId, "delivery_seen"] })) {
    if (deletedEvents.has(entry.value)) del.add(entry.key);
  }
  // The contact and its indexes.
  del.add(
    contactKeys.contact(teamId, contactId),
    contactKeys.contactByEmail(teamId, email),
    contactKeys.contactByName(teamId, contactSortKey(contact), contactId),
  );
  if (contact.companyId) del.add(contactKeys.contactByCompany(teamId, contact.companyId, contactId));
  report.keysDeleted = await del.commit();
  return report;
}

async function deleteMessage(
  kv: Deno.Kv,
  del: Deleter,
  m: Message,
  inUse: InUse,
  deletedEvents: Set<string>,
) {
  const t = m.teamId;
  del.add(
    messageKeys.message(t, m.id),
    ...listedKeys(m),
    messageKeys.draftBySender(t, m.senderId, m.id),
    trackingKeys.stats(t, m.id),
  );
  if (!inUse.bodies.has(bodyId(m))) await del.prefix(messageKeys.body(t, bodyId(m)));
  if (m.rfcMessageId) del.add(messageKeys.byRfcId(m.rfcMessageId));
  if (m.providerId) del.add(messageKeys.byProviderId(m.providerId));
  if (m.job) del.add(dueKey(m.job.dueAt, m.job.id));
  for await (const entry of eventEntries(kv, trackingKeys.event(t, m.id))) {
    del.add(entry.key);
    for (const e of entry.events) deletedEvents.add(e.id);
  }
  for (const alarmId of await listValues<string>(kv, { prefix: alarmKeys.byMessage(t, m.id) })) {
    const alarm = (await kv.get<Alarm>(alarmKeys.alarm(t, alarmId))).value;
    del.add(alarmKeys.alarm(t, alarmId), alarmKeys.byMessage(t, m.id, alarmId));
    if (alarm?.job) del.add(dueKey(alarm.job.dueAt, alarm.job.id));
  }
  for (const file of m.attachments ?? []) {
    del.add(attachmentKeys.messageByBlob(t, file.blobId, m.id));
    if (inUse.files.has(file.blobId)) continue;
    del.add(["team", t, "blob", file.blobId]);
    await del.prefix(["team", t, "blob_chunk", file.blobId]);
  }
  // The Outbox's copies of it (embedded mailer).
  for (const entry of await listValues<OutboxEntry>(kv, { prefix: mailKeys.outbox(t) })) {
    if (m.rfcMessageId && entry.headers["Message-ID"] === m.rfcMessageId) {
      del.add(mailKeys.outbox(t, entry.id), mailKeys.outboxByKey(t, entry.idempotencyKey));
      await del.prefix(mailKeys.outboxBody(t, entry.id));
      for (let i = 0; i < entry.attachments.length; i++) {
        await del.prefix(mailKeys.outboxAttachment(t, entry.id, i));
      }
    }
  }
}

async function deleteInbound(del: Deleter, mail: InboundMail) {
  const t = mail.teamId;
  del.add(inboundKeys.mail(t, mail.id), inboundKeys.unmatched(t, mail.id), [
    "team",
    t,
    "inbound_attached",
    mail.id,
  ]);
  if (mail.rfcMessageId) del.add(inboundKeys.byRfcId(t, mail.rfcMessageId));
  if (mail.rawBlobId) {
    del.add(["team", t, "blob", mail.rawBlobId]);
    await del.prefix(["team", t, "blob_chunk", mail.rawBlobId]);
  }
}
