/**
 * "Reply as recipient" in the Outbox: a real MIME reply, built the way mail clients do
 * (In-Reply-To, References, "Re:", the original quoted below), so it goes through the same
 * pipeline as mail from the outside. An out-of-office is marked the way servers mark them.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import type { OutboxEntry } from "../mail/outbox.ts";

export async function buildOutboxReply(
  entry: OutboxEntry & { text: string },
  options: { text: string; autoReply: boolean; now: number },
): Promise<Uint8Array> {
  const original = entry.headers["Message-ID"];
  const quoted = entry.text.split("\n").map((line) => `> ${line}`).join("\n");
  const when = new Date(entry.createdAt).toUTCString();
  const mail = new MailComposer({
    from: entry.to[0],
    to: entry.replyTo ?? entry.from,
    subject: `${options.autoReply ? "Automatic reply" : "Re"}: ${entry.subject}`,
    date: new Date(options.now),
    inReplyTo: original,
    references: original ? [original] : undefined,
    text: options.autoReply
      ? options.text
      : `${options.text}\n\nOn ${when}, ${entry.from} wrote:\n${quoted}\n`,
    headers: options.autoReply ? { "Auto-Submitted": "auto-replied", "X-Autoreply": "yes" } : {},
  });
  return new Uint8Array(await mail.compile().build());
}
