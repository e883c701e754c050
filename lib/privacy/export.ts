/** Everything Beacon holds about a contact, as one JSON document (a data-subject access request). */
import { listAlarms } from "../alarms/alarms.ts";
import { listContactTasks } from "../assistant/tasks.ts";
import type { Card } from "../assistant/types.ts";
import { assistantKeys } from "../assistant/keys.ts";
import { getCompany } from "../contacts/companies.ts";
import { getContact } from "../contacts/contacts.ts";
import { inboundKeys } from "../inbound/keys.ts";
import type { InboundMail } from "../inbound/receive.ts";
import { getMessageBody } from "../messages/drafts.ts";
import { listEvents, listMessagesFor } from "../messages/list.ts";
import { listValues } from "../storage/kv.ts";
import { findSuppression } from "./suppression.ts";
import { publicEvent } from "../tracking/types.ts";

export async function exportContact(kv: Deno.Kv, teamId: string, contactId: string, now: number) {
  const contact = await getContact(kv, teamId, contactId);
  const company = contact.companyId
    ? await getCompany(kv, teamId, contact.companyId).catch(() => null)
    : null;
  const email = contact.email.toLowerCase();
  const messages = await Promise.all(
    (await listMessagesFor(kv, teamId, { type: "contact", id: contactId }, 10_000)).map(
      async ({ message, stats }) => ({
        // The export goes to the contact: Bcc recipients other than them stay hidden, as they were in the email.
        message: { ...message, bcc: message.bcc.filter((r) => r.email.toLowerCase() === email) },
        body: await getMessageBody(kv, message),
        stats,
        events: (await listEvents(kv, teamId, message.id, { limit: 10_000 })).map(publicEvent),
        alarms: await listAlarms(kv, teamId, message.id),
      }),
    ),
  );
  const ids = new Set(messages.map((m) => m.message.id));
  // Their own replies only: a colleague's reply to the same email is the colleague's.
  const replies = (await listValues<InboundMail>(kv, { prefix: inboundKeys.mail(teamId) }))
    .filter((m) => m.fromAddress.toLowerCase() === email);
  const cards = (await listValues<Card>(kv, { prefix: assistantKeys.card(teamId) }))
    .filter((c) => c.contactId === contactId || ids.has(c.messageId));
  return {
    exportedAt: new Date(now).toISOString(),
    about:
      "Everything Beacon holds about this contact. Client addresses in events are truncated (IPv4 /24, IPv6 /48).",
    contact,
    /** Their own "don't track me", when they asked (kept by a hash of the address, not the address). */
    trackingOptOut: await findSuppression(kv, teamId, contact.email),
    company,
    messages,
    replies,
    tasks: await listContactTasks(kv, teamId, contactId),
    cards,
  };
}
