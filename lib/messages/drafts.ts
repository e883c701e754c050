/** Drafts: what the composer saves. Only the sender edits a draft; the whole team can read messages. */
import type { Team, User } from "../accounts/types.ts";
import { teamSettings } from "../accounts/types.ts";
import { getCompany } from "../contacts/companies.ts";
import { findContactByEmail, getContact } from "../contacts/contacts.ts";
import { callName, type Contact, contactName, type TrackingPreference } from "../contacts/types.ts";
import { findSuppressions } from "../privacy/suppression.ts";
import { AppError, forbidden, invalid, notFound } from "../http/errors.ts";
import { addChunks, deleteChunks, readTextChunks } from "../storage/chunks.ts";
import { newId } from "../storage/ids.ts";
import { commitOrConflict } from "../storage/kv.ts";
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { parse } from "../validation/parse.ts";
import { followState } from "./follow.ts";
import { messageKeys as keys } from "./keys.ts";
import { htmlToPlainText, sanitizeEmailHtml } from "./render.ts";
import { bodySizeProblem } from "./limits.ts";
import { relist } from "./listing.ts";
import { listedAlike } from "./draft_rows.ts";
import { DraftInput } from "./schemas.ts";
import { templateKeys } from "../templates/keys.ts";
import type { Template } from "../templates/types.ts";
import type { Message, Recipient, Regarding } from "./types.ts";

export interface Viewer {
  user: User;
  team: Team;
}

export async function getMessage(kv: Deno.Kv, teamId: string, id: string): Promise<Message> {
  const message = (await kv.get<Message>(keys.message(teamId, id))).value;
  if (!message) throw notFound("No such message.");
  return message;
}

/**
 * A message as the viewer may read it: any of the team's once it has been sent or scheduled, a draft only by
 * its sender (it is nobody else's business until it goes out: to them it isn't there).
 */
export async function readableMessage(kv: Deno.Kv, viewer: Viewer, id: string): Promise<Message> {
  const message = await getMessage(kv, viewer.team.id, id);
  if (message.status === "draft" && message.senderId !== viewer.user.id) throw notFound("No such message.");
  return message;
}

/** The sanitized HTML body. Copies made by "send individually" share their group's body. */
export function getMessageBody(kv: Deno.Kv, message: Message): Promise<string> {
  return readTextChunks(kv, keys.body(message.teamId, bodyId(message)), message.bodyChunks);
}

export const bodyId = (m: Pick<Message, "id" | "groupId">) => m.groupId ?? m.id;

/**
 * Recipients with their contacts looked up: names, ids and tracking preferences. An address on the
 * team's suppression list (the recipient's own "don't track me") is "do not allow", contact or not.
 */
export async function resolveRecipients(kv: Deno.Kv, teamId: string, emails: string[]) {
  const suppressed = await findSuppressions(kv, teamId, emails);
  const out: (Recipient & { contact: Contact | null; tracking: TrackingPreference | null })[] = [];
  for (const [i, email] of emails.entries()) {
    const contact = await findContactByEmail(kv, teamId, email);
    const tracking = suppressed[i] ? "do_not_allow" : contact?.tracking ?? null;
    out.push({
      email,
      name: contact ? contactName(contact) : "",
      contactId: contact?.id ?? null,
      contact,
      tracking,
    });
  }
  return out;
}

/**
 * The record a draft is regarding. One the draft already had that has been deleted since is dropped (null),
 * so the draft can still be saved and sent; a new choice must exist.
 */
async function checkRegarding(
  kv: Deno.Kv,
  teamId: string,
  regarding: Regarding | null,
  saved: Regarding | null,
): Promise<{ contact: Contact | null; companyId: string | null; regarding: Regarding } | null> {
  if (!regarding) return null;
  try {
    return regarding.type === "contact"
      ? { contact: await getContact(kv, teamId, regarding.id), companyId: null, regarding }
      : { contact: null, companyId: (await getCompany(kv, teamId, regarding.id)).id, regarding };
  } catch (error) {
    if (!(error instanceof AppError && error.status === 404)) throw error;
    if (saved?.type === regarding.type && saved.id === regarding.id) return null;
    throw invalid({ regarding: "Choose a contact or company of your team." });
  }
}

/** The template a draft says it was written from: one of the team's, at a version it has had. */
async function checkTemplate(kv: Deno.Kv, teamId: string, template: Message["template"]) {
  if (!template) return;
  const found = (await kv.get<Template>(templateKeys.template(teamId, template.id))).value;
  if (!found || template.version > found.version) {
    throw invalid({ template: "Choose a template of your team, at a version it has had." });
  }
}

interface Resolved {
  fields: Pick<
    Message,
    | "to"
    | "cc"
    | "bcc"
    | "subject"
    | "regarding"
    | "followWanted"
    | "follow"
    | "blockedBy"
    | "sendIndividually"
    | "contactIds"
    | "companyIds"
    | "snippet"
    | "recipientTime"
    | "template"
  >;
  html: string;
}

/** Validates a draft and works out everything derived from it: recipients, follow state, indexes. */
export async function resolveDraft(
  kv: Deno.Kv,
  teamId: string,
  input: unknown,
  defaults: {
    followWanted: boolean;
    /** What the draft is regarding as saved: dropped if since deleted (`checkRegarding`). */
    savedRegarding?: Regarding | null;
  },
): Promise<Resolved> {
  const data = parse(DraftInput, input);
  const [to, cc, bcc] = await Promise.all([
    resolveRecipients(kv, teamId, data.to),
    resolveRecipients(kv, teamId, data.cc),
    resolveRecipients(kv, teamId, data.bcc),
  ]);
  const [regarding] = await Promise.all([
    checkRegarding(kv, teamId, data.regarding, defaults.savedRegarding ?? null),
    checkTemplate(kv, teamId, data.template),
  ]);
  const everyone = [...to, ...cc, ...bcc];
  const followWanted = data.followWanted ?? defaults.followWanted;
  const { follow, blockedBy } = followState(
    followWanted,
    everyone.map((r) => ({ email: r.email, tracking: r.tracking })),
  );
  const contacts = [...everyone.map((r) => r.contact), regarding?.contact ?? null].filter((c): c is Contact =>
    !!c
  );
  const html = sanitizeEmailHtml(data.html);
  const tooLong = bodySizeProblem(html, "message");
  if (tooLong) throw invalid({ html: tooLong });
  const strip = ({ email, name, contactId }: Recipient): Recipient => ({ email, name, contactId });
  return {
    fields: {
      to: to.map(strip),
      cc: cc.map(strip),
      bcc: bcc.map(strip),
      subject: data.subject,
      regarding: regarding?.regarding ?? null,
      followWanted,
      follow,
      blockedBy,
      sendIndividually: data.sendIndividually,
      contactIds: unique(contacts.map((c) => c.id)),
      companyIds: unique([
        ...contacts.map((c) => c.companyId),
        regarding?.companyId ?? null,
      ].filter((id): id is string => !!id)),
      snippet: htmlToPlainText(html).slice(0, 200),
      template: data.template,
      recipientTime: everyone.length === 1 && everyone[0].contact?.timeZone
        ? { name: callName(everyone[0].contact), zone: everyone[0].contact.timeZone }
        : null,
    },
    html,
  };
}

const unique = <T>(list: T[]) => [...new Set(list)];

export async function createDraft(
  kv: Deno.Kv,
  viewer: Viewer,
  input: unknown,
  now: number,
  /** More for the same commit (it fails as a conflict when a check added here fails). */
  extra?: (op: Deno.AtomicOperation, message: Message) => void,
): Promise<{ message: Message; event: LiveEvent }> {
  const { fields, html } = await resolveDraft(kv, viewer.team.id, input, {
    followWanted: teamSettings(viewer.team).followByDefault,
  });
  const message: Message = {
    id: newId(now),
    teamId: viewer.team.id,
    senderId: viewer.user.id,
    status: "draft",
    ...fields,
    bodyChunks: 0,
    groupId: null,
    rfcMessageId: null,
    providerId: null,
    links: [],
    job: null,
    sendAttempt: 0,
    failure: null,
    lateByMs: null,
    attachments: [],
    createdAt: now,
    updatedAt: now,
    revision: 1,
    queuedAt: null,
    sentAt: null,
    listKey: null,
  };
  const op = kv.atomic();
  message.bodyChunks = addChunks(op, keys.body(message.teamId, message.id), html);
  op.set(keys.message(message.teamId, message.id), message)
    .set(keys.draftBySender(message.teamId, message.senderId, message.id), message.id);
  // For the sender's other tabs and devices: their Activity lists it among "Your drafts".
  const event = draftEvent(message, "draft", now);
  addToFeed(op, event);
  extra?.(op, message);
  await commitOrConflict(op);
  return { message, event };
}

/** A draft made or discarded, told to its sender's own pages only (drafts are nobody else's business). */
export const draftEvent = (m: Pick<Message, "id" | "teamId" | "senderId">, status: string, now: number) =>
  liveEvent(m.teamId, "message.updated", { messageId: m.id, status }, now, m.senderId);

/** How long a composer page's key names the draft it created: far longer than a page stays open. */
export const DRAFT_KEY_TTL_MS = 7 * 24 * 3600_000;

/** A key a composer page names its draft by: 16–64 characters of letters, digits, `-` and `_`. */
export const DRAFT_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/** The entry of a sender's draft key, and the message it names as it is now (null when none, or discarded since). */
async function keyedDraft(kv: Deno.Kv, viewer: Viewer, key: string) {
  const named = await kv.get<string>(keys.draftByKey(viewer.team.id, viewer.user.id, key));
  const message = named.value
    ? (await kv.get<Message>(keys.message(viewer.team.id, named.value))).value
    : null;
  return { named, message };
}

export const draftOfKey = async (kv: Deno.Kv, viewer: Viewer, key: string) =>
  (await keyedDraft(kv, viewer, key)).message;

/**
 * Creates a draft once per key: a repeat with the same key (a retried request whose answer was lost, or one a page
 * sent as it was left) answers with the draft the key made, as it is now, changes nothing, and has no event. A
 * key whose draft was discarded makes a new one.
 */
export async function createDraftOnce(
  kv: Deno.Kv,
  viewer: Viewer,
  input: unknown,
  now: number,
  key: string,
): Promise<{ message: Message; event: LiveEvent | null }> {
  for (let attempt = 0;; attempt++) {
    const { named, message: existing } = await keyedDraft(kv, viewer, key);
    if (existing) return { message: existing, event: null };
    try {
      return await createDraft(kv, viewer, input, now, (op, made) => {
        op.check(named).set(named.key, made.id, { expireIn: DRAFT_KEY_TTL_MS });
      });
    } catch (error) {
      // The same key's request made its draft meanwhile: answer with that one.
      if (!(error instanceof AppError && error.code === "conflict") || attempt >= 3) throw error;
    }
  }
}

/** The draft as composer input (for merging partial updates). */
export async function draftInput(kv: Deno.Kv, message: Message) {
  return {
    to: message.to.map((r) => r.email),
    cc: message.cc.map((r) => r.email),
    bcc: message.bcc.map((r) => r.email),
    subject: message.subject,
    html: await getMessageBody(kv, message),
    regarding: message.regarding,
    followWanted: message.followWanted,
    sendIndividually: message.sendIndividually,
    template: message.template ?? null,
  };
}

/**
 * `old` (scheduled, or failed) as a draft again, with what that takes added to `op`: a copy made by "send
 * individually" gets a body of its own (it shared its group's), and it leaves the Activity list and the contact
 * and company timelines until it is sent again (its recipients may change).
 */
export async function backToDraft(
  op: Deno.AtomicOperation,
  kv: Deno.Kv,
  old: Message,
  now: number,
): Promise<Message> {
  const message: Message = {
    ...old,
    status: "draft",
    job: null,
    queuedAt: null,
    groupId: null,
    updatedAt: now,
    listKey: null,
  };
  if (old.groupId) {
    const html = await readTextChunks(kv, keys.body(old.teamId, bodyId(old)), old.bodyChunks);
    message.bodyChunks = addChunks(op, keys.body(old.teamId, old.id), html);
  }
  relist(op, old, message);
  op.set(keys.message(old.teamId, old.id), message)
    .set(keys.draftBySender(old.teamId, old.senderId, old.id), old.id);
  return message;
}

/** Reads a draft the viewer may edit: their own, still a draft. */
export async function editableDraft(kv: Deno.Kv, viewer: Viewer, id: string) {
  const entry = await kv.get<Message>(keys.message(viewer.team.id, id));
  const message = entry.value;
  if (!message) throw notFound("No such message.");
  if (message.senderId !== viewer.user.id) throw forbidden("Only the sender can change a draft.");
  if (message.status !== "draft") {
    throw new AppError(
      409,
      "not_a_draft",
      "This email was already sent or scheduled; it can no longer be edited.",
    );
  }
  return entry as Deno.KvEntry<Message> & { value: Message };
}

export async function updateDraft(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string,
  input: unknown,
  now: number,
): Promise<{ message: Message; event: LiveEvent | null }> {
  const { baseRevision, ...changes } = (input ?? {}) as { baseRevision?: unknown };
  if (baseRevision !== undefined && !(Number.isInteger(baseRevision) && (baseRevision as number) >= 0)) {
    throw invalid({ baseRevision: "The revision the change was made to: a whole number." });
  }
  const entry = await editableDraft(kv, viewer, id);
  const old = entry.value;
  const revision = old.revision ?? 0;
  if (baseRevision !== undefined && baseRevision !== revision) {
    throw new AppError(
      409,
      "draft_changed",
      "This draft was changed in another tab or on another device after this version was opened.",
    );
  }
  const merged = { ...(await draftInput(kv, old)), ...changes };
  const { fields, html } = await resolveDraft(kv, viewer.team.id, merged, {
    followWanted: old.followWanted,
    savedRegarding: old.regarding,
  });
  const message: Message = { ...old, ...fields, updatedAt: now, revision: revision + 1 };
  const op = kv.atomic().check(entry);
  deleteChunks(op, keys.body(old.teamId, old.id), old.bodyChunks);
  message.bodyChunks = addChunks(op, keys.body(old.teamId, old.id), html);
  op.set(entry.key, message);
  // The sender's other tabs list it with its new subject or recipients; saves that change neither aren't told.
  const event = listedAlike(old, message) ? null : draftEvent(message, "draft", now);
  if (event) addToFeed(op, event);
  await commitOrConflict(op, "This draft was changed in another window. Reload to see the latest version.");
  return { message, event };
}
