/** The composer's state and the pure rules around it: chips, the save payload, field errors. */
import { sendProblems } from "../../lib/messages/send_rules.ts";
import type { FollowState, Recipient, Regarding, TemplateRef } from "../../lib/messages/types.ts";

export type RecipientField = "to" | "cc" | "bcc";
export const RECIPIENT_FIELDS: RecipientField[] = ["to", "cc", "bcc"];

/** A recipient as a chip: `error` is the server's message for an address it refused. */
export interface Chip {
  email: string;
  name: string;
  contactId: string | null;
  error: string | null;
}

export type RegardingChoice = Regarding & { label: string };

/** The template the email came from, with its name for "From template: …" (null when it can't be read). */
export type TemplateChoice = TemplateRef & { name: string | null };

export interface ComposerForm {
  to: Chip[];
  cc: Chip[];
  bcc: Chip[];
  subject: string;
  regarding: RegardingChoice | null;
  followWanted: boolean;
  sendIndividually: boolean;
  template: TemplateChoice | null;
}

/** What the API answers for a draft (the parts the composer reads). */
export interface DraftDetail {
  id: string;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  followWanted: boolean;
  follow: FollowState;
  blockedBy: string[];
  sendIndividually: boolean;
  updatedAt: number;
  /** Absent on drafts stored before revisions. */
  revision?: number;
}

/** The body of POST/PATCH /api/messages. */
export interface DraftPayload {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  regarding: Regarding | null;
  followWanted: boolean;
  sendIndividually: boolean;
  template: TemplateRef | null;
}

/** The follow state as last saved, with the recipients it was worked out for. */
export interface ServerFollow {
  followWanted: boolean;
  follow: FollowState;
  blockedBy: string[];
  recipients: Recipient[];
}

export const chipOf = (r: Recipient): Chip => ({ ...r, error: null });

/** Good enough to make a chip; the server has the last word (a refused address turns red). */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@,;<>()"']+@[^\s@,;<>()"']+$/.test(text.trim());
}

/** Addresses in pasted text: "Ana <ana@x.com>, bo@y.com; …". Returns the addresses and what was not one. */
export function parseAddresses(text: string): { emails: string[]; rest: string } {
  const emails: string[] = [];
  const rest: string[] = [];
  for (const raw of text.split(/[,;\n\r\t]+/)) {
    const part = raw.trim();
    if (!part) continue;
    const angled = part.match(/<([^<>\s]+)>/)?.[1];
    const candidate = (angled ?? part).replace(/^mailto:/i, "").trim();
    if (looksLikeEmail(candidate)) emails.push(candidate.toLowerCase());
    else rest.push(part);
  }
  return { emails, rest: rest.join(", ") };
}

/** Adds addresses to a field, skipping ones it already has. */
export function addChips(chips: Chip[], added: Chip[]): Chip[] {
  const out = [...chips];
  for (const chip of added) {
    if (!out.some((c) => c.email === chip.email)) out.push(chip);
  }
  return out;
}

export function payloadOf(form: ComposerForm, html: string): DraftPayload {
  const emails = (chips: Chip[]) => chips.filter((c) => !c.error).map((c) => c.email);
  return {
    to: emails(form.to),
    cc: emails(form.cc),
    bcc: emails(form.bcc),
    subject: form.subject,
    html,
    regarding: form.regarding && { type: form.regarding.type, id: form.regarding.id },
    followWanted: form.followWanted,
    sendIndividually: form.sendIndividually,
    template: form.template && { id: form.template.id, version: form.template.version },
  };
}

/** Names and contact ids the server found for the addresses (the chips keep what the user did since). */
export function mergeRecipients(chips: Chip[], saved: Recipient[]): Chip[] {
  let changed = false;
  const out = chips.map((chip) => {
    const r = saved.find((s) => s.email === chip.email);
    if (!r || chip.error || (r.name === chip.name && r.contactId === chip.contactId)) return chip;
    changed = true;
    return { ...chip, name: r.name || chip.name, contactId: r.contactId };
  });
  return changed ? out : chips;
}

/**
 * Splits the server's field errors: `to.2` names the third address sent in To, which becomes a red chip;
 * the rest stay field messages. Returns the chips with errors marked and whether any were.
 */
export function markRefusedAddresses(
  form: ComposerForm,
  payload: DraftPayload,
  fields: Record<string, string>,
): { form: ComposerForm; marked: boolean; other: Record<string, string> } {
  const next = { ...form };
  const other: Record<string, string> = {};
  let marked = false;
  for (const [key, message] of Object.entries(fields)) {
    const m = key.match(/^(to|cc|bcc)\.(\d+)$/);
    const field = m?.[1] as RecipientField | undefined;
    const email = field ? payload[field][Number(m![2])] : undefined;
    if (field && email !== undefined) {
      next[field] = next[field].map((c) => c.email === email ? { ...c, error: message } : c);
      marked = true;
    } else {
      other[key] = message;
    }
  }
  return { form: next, marked, other };
}

/**
 * The one send rule the composer shows before sending (Cc or Bcc with "send individually"), from the same pure
 * rules the server checks (lib/messages/send_rules.ts). The server's message replaces it after a send.
 */
export function individualProblem(form: ComposerForm): string | null {
  return sendProblems(form, "").cc ?? null;
}

/** Fields in the order they appear, for focusing the first one with an error. */
export const FIELD_ORDER = ["to", "cc", "bcc", "subject", "regarding", "html"] as const;
export type FieldName = typeof FIELD_ORDER[number];

/** Server field keys → composer fields ("to.3" → "to"; anything unknown → null). */
export function fieldOf(key: string): FieldName | null {
  const base = key.split(".")[0];
  return (FIELD_ORDER as readonly string[]).includes(base) ? base as FieldName : null;
}

/** Unique addresses across To, Cc and Bcc. */
export function recipientCount(form: Pick<ComposerForm, RecipientField>): number {
  return new Set([...form.to, ...form.cc, ...form.bcc].map((c) => c.email)).size;
}
