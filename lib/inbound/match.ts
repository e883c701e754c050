/**
 * Which sent message an inbound email answers. In order, first hit wins:
 *
 * 1. The signed reply token in a `reply+<token>@<inbound domain>` address among To, Cc and Delivered-To
 *    (and `envelopeTo`, when the provider reports the SMTP recipients). A token that does not verify is
 *    ignored (and named in the reason when nothing else matches); the next routes are still tried.
 * 2. Each In-Reply-To id, in header order (a client may list several).
 * 3. References ids, newest (last) first, each only when the normalized subjects agree: References carries
 *    a whole thread, and a person may start a new topic under an old reference.
 * 4. Unmatched. Never by subject alone.
 *
 * Lookups are capped (10 In-Reply-To ids, the 20 newest References) so a crafted header cannot make one
 * inbound email cost hundreds of reads.
 *
 * `fromRecipient` tells whether the From address was a recipient (To, Cc or Bcc) of the message. Addresses
 * compare case-insensitively and without a `+tag` (Gmail answers mail sent to `ana+crm@` from `ana@`); for
 * gmail.com and googlemail.com, dots in the local part are ignored too. A reply from anyone else is a third
 * party's (forwarded to them), not the recipient's reply. From is not authenticated here: whether to trust it
 * (SPF/DKIM verdicts from the provider) is the caller's decision.
 *
 * `autoReply` is `autoReplyReason(headers, subject)` for matched and unmatched mail alike.
 */
import { autoReplyReason } from "./auto_reply.ts";
import type { ParsedInbound } from "./parse.ts";
import type { ReplyTokenSigner } from "./reply_token.ts";
import { tokensFromAddresses } from "./reply_token.ts";
import { normalizeSubject } from "./subject.ts";

export { normalizeSubject };

export interface SentRef {
  teamId: string;
  messageId: string;
  /** `<…>` form, as sent. */
  rfcMessageId: string;
  subject: string;
  /** Lower-case emails of to/cc/bcc. */
  recipients: string[];
}

export interface Lookup {
  byRfcId(rfcMessageId: string): Promise<SentRef | null>;
  byId(teamId: string, messageId: string): Promise<SentRef | null>;
}

export type MatchVia = "token" | "in-reply-to" | "references";

export type MatchResult =
  | { matched: true; via: MatchVia; message: SentRef; fromRecipient: boolean; autoReply: string | null }
  | { matched: false; reason: string; autoReply: string | null };

export interface MatchContext {
  lookup: Lookup;
  tokens: ReplyTokenSigner;
  /** null when no inbound domain is configured: the token route is skipped. */
  inboundDomain: string | null;
  /** SMTP envelope recipients, when the inbound provider reports them (searched for a token too). */
  envelopeTo?: string[];
}

export const MAX_IN_REPLY_TO = 10;
export const MAX_REFERENCES = 20;

export async function matchReply(parsed: ParsedInbound, ctx: MatchContext): Promise<MatchResult> {
  const autoReply = autoReplyReason(parsed.headers, parsed.subject);
  const notes: string[] = [];
  const found = (via: MatchVia, message: SentRef): MatchResult => ({
    matched: true,
    via,
    message,
    fromRecipient: parsed.from !== null && isRecipient(parsed.from.address, message.recipients),
    autoReply,
  });

  if (ctx.inboundDomain) {
    const addresses = [...parsed.to, ...parsed.cc, ...parsed.deliveredTo, ...(ctx.envelopeTo ?? [])];
    for (const token of tokensFromAddresses(addresses, ctx.inboundDomain).slice(0, 5)) {
      const ref = await ctx.tokens.verify(token);
      if (!ref) {
        notes.push("its reply address is not one Beacon made (the reply token does not verify)");
        continue;
      }
      const message = await ctx.lookup.byId(ref.teamId, ref.messageId);
      if (message) return found("token", message);
      notes.push("it answers an email that has since been deleted");
    }
  }

  const tried = new Set<string>();
  for (const id of parsed.inReplyTo.slice(0, MAX_IN_REPLY_TO)) {
    tried.add(id);
    const message = await ctx.lookup.byRfcId(id);
    if (message) return found("in-reply-to", message);
  }

  const subject = normalizeSubject(parsed.subject);
  const references = parsed.references.filter((id) => !tried.has(id)).reverse().slice(0, MAX_REFERENCES);
  for (const id of references) {
    const message = await ctx.lookup.byRfcId(id);
    if (!message) continue;
    if (normalizeSubject(message.subject) === subject) return found("references", message);
    notes.push("it refers to a sent email, but under another subject (References header)");
  }

  const reason = notes[0] ??
    (parsed.inReplyTo.length || parsed.references.length
      ? "it answers an email Beacon didn't send (In-Reply-To and References headers)"
      : "it doesn't say which email it answers (it may be new mail, or come from a mail program that drops reply headers)");
  return { matched: false, reason, autoReply };
}

/** Whether an address is among the recipients, by `mailboxKey`. */
export function isRecipient(address: string, recipients: string[]): boolean {
  const key = mailboxKey(address);
  return recipients.some((recipient) => mailboxKey(recipient) === key);
}

/** The name the message gives the recipient at `address` (by `mailboxKey`), or "" when it gives none. */
export function recipientName(address: string, recipients: { email: string; name: string }[]): string {
  const key = mailboxKey(address);
  return recipients.find((r) => r.name && mailboxKey(r.email) === key)?.name ?? "";
}

/**
 * An address reduced to the mailbox it delivers to: lower case, `+tag` removed, and for Gmail the dots in the
 * local part removed and googlemail.com read as gmail.com.
 */
export function mailboxKey(address: string): string {
  const email = address.trim().toLowerCase();
  const at = email.lastIndexOf("@");
  if (at <= 0) return email;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1).replace(/\.$/, "");
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (domain === "gmail.com" || domain === "googlemail.com") {
    domain = "gmail.com";
    local = local.replaceAll(".", "");
  }
  return `${local}@${domain}`;
}
