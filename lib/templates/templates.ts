/**
 * Templates: create, edit (every change of name, subject or body is a new version; old versions stay
 * readable), duplicate, archive, lock. Team templates are seen by the whole team; personal ones only by their
 * owner — to anyone else they do not exist (404). A locked team template is changed by admins only.
 */
import { type Company, type Contact, contactName, sortKey } from "../contacts/types.ts";
import { AppError, conflict, forbidden, invalid, notFound } from "../http/errors.ts";
import { getCompany } from "../contacts/companies.ts";
import { getContact } from "../contacts/contacts.ts";
import { getMessage, type Viewer } from "../messages/drafts.ts";
import type { TemplateRef } from "../messages/types.ts";
import { bodySizeProblem } from "../messages/limits.ts";
import { sanitizeEmailHtml } from "../messages/render.ts";
import { addChunks, readTextChunks } from "../storage/chunks.ts";
import { newId } from "../storage/ids.ts";
import { commitOrConflict, getValues, listValues } from "../storage/kv.ts";
import { parse } from "../validation/parse.ts";
import { templateKeys as keys } from "./keys.ts";
import { type MergeContext, type Rendered, renderTemplate, validateTemplate } from "./merge.ts";
import {
  ArchiveInput,
  DuplicateInput,
  LockInput,
  PreviewInput,
  RenderInput,
  TemplateInput,
  TemplatePatch,
} from "./schemas.ts";
import type { Template, TemplateDetail, TemplateVersion, TemplateVersionDetail } from "./types.ts";

const NOT_FOUND = "No such template.";
const LOCKED = "This template is locked: only team admins can change it.";

/** Whether the viewer may see a template: team templates, and their own personal ones. */
export function canSee(template: Template, user: Viewer["user"]): boolean {
  return template.scope === "team" || template.ownerId === user.id;
}

/** Whether the viewer may change it (edit, archive): not when it is locked, unless they are an admin. */
export function canEdit(template: Template, user: Viewer["user"]): boolean {
  return canSee(template, user) && (!template.locked || user.role === "admin");
}

function assertCanEdit(template: Template, user: Viewer["user"]) {
  if (!canEdit(template, user)) throw forbidden(LOCKED);
}

/** The body after sanitizing, checked again for merge-field mistakes the sanitizer could have moved. */
function cleanBody(html: string): string {
  const clean = sanitizeEmailHtml(html);
  const problem = bodySizeProblem(clean, "template") ?? validateTemplate("", clean).html;
  if (problem) throw invalid({ html: problem });
  return clean;
}

async function readEntry(kv: Deno.Kv, viewer: Viewer, id: string) {
  const entry = await kv.get<Template>(keys.template(viewer.team.id, id));
  if (!entry.value || !canSee(entry.value, viewer.user)) throw notFound(NOT_FOUND);
  return entry as Deno.KvEntry<Template> & { value: Template };
}

function writeVersion(
  op: Deno.AtomicOperation,
  template: Template,
  html: string,
  createdBy: string,
  now: number,
): Template {
  const bodyChunks = addChunks(op, keys.body(template.teamId, template.id, template.version), html);
  const version: TemplateVersion = {
    templateId: template.id,
    version: template.version,
    name: template.name,
    subject: template.subject,
    bodyChunks,
    createdAt: now,
    createdBy,
  };
  op.check({ key: keys.version(template.teamId, template.id, template.version), versionstamp: null })
    .set(keys.version(template.teamId, template.id, template.version), version);
  return { ...template, bodyChunks };
}

async function insert(
  kv: Deno.Kv,
  viewer: Viewer,
  data: Pick<Template, "name" | "category" | "scope" | "subject"> & { html: string },
  duplicatedFrom: string | null,
  now: number,
): Promise<TemplateDetail> {
  const html = cleanBody(data.html);
  let template: Template = {
    id: newId(now),
    teamId: viewer.team.id,
    scope: data.scope,
    ownerId: viewer.user.id,
    name: data.name,
    category: data.category,
    subject: data.subject,
    version: 1,
    bodyChunks: 0,
    locked: false,
    archivedAt: null,
    duplicatedFrom,
    createdAt: now,
    updatedAt: now,
    updatedBy: viewer.user.id,
  };
  const op = kv.atomic();
  template = writeVersion(op, template, html, viewer.user.id, now);
  op.check({ key: keys.template(template.teamId, template.id), versionstamp: null })
    .set(keys.template(template.teamId, template.id), template)
    .set(keys.byName(template.teamId, sortKey(template.name), template.id), template.id);
  await commitOrConflict(op);
  return { ...template, html };
}

export function createTemplate(kv: Deno.Kv, viewer: Viewer, input: unknown, now: number) {
  const data = parse(TemplateInput, input);
  return insert(kv, viewer, data, null, now);
}

/** A template the viewer may see (404 otherwise, also for another team's or someone's personal one). */
export async function getTemplate(kv: Deno.Kv, viewer: Viewer, id: string): Promise<Template> {
  return (await readEntry(kv, viewer, id)).value;
}

export function templateBody(kv: Deno.Kv, template: Template): Promise<string> {
  return readTextChunks(kv, keys.body(template.teamId, template.id, template.version), template.bodyChunks);
}

export async function getTemplateDetail(kv: Deno.Kv, viewer: Viewer, id: string): Promise<TemplateDetail> {
  const template = await getTemplate(kv, viewer, id);
  return { ...template, html: await templateBody(kv, template) };
}

/** Every version, oldest first, without bodies. */
export async function listVersions(kv: Deno.Kv, viewer: Viewer, id: string): Promise<TemplateVersion[]> {
  const template = await getTemplate(kv, viewer, id);
  return listValues<TemplateVersion>(kv, { prefix: keys.version(template.teamId, template.id) });
}

/** One version as it was written, with its body. */
export async function getVersion(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string,
  version: number,
): Promise<TemplateVersionDetail> {
  const template = await getTemplate(kv, viewer, id);
  const record = (await kv.get<TemplateVersion>(keys.version(template.teamId, id, version))).value;
  if (!record) throw notFound(`This template has no version ${version}.`);
  const { bodyChunks, ...rest } = record;
  return { ...rest, html: await readTextChunks(kv, keys.body(template.teamId, id, version), bodyChunks) };
}

export interface TemplateFilter {
  /** Matches name, category and subject. */
  q?: string;
  category?: string;
  scope?: "team" | "personal";
  /** false (default): active only; true: archived only; "all": both. */
  archived?: boolean | "all";
}

/** Whether a template passes a library filter. */
export function matchesFilter(t: Template, filter: TemplateFilter): boolean {
  const needle = sortKey(filter.q ?? "");
  const category = sortKey(filter.category ?? "");
  const archived = filter.archived ?? false;
  return (archived === "all" || (t.archivedAt !== null) === archived) &&
    (!filter.scope || t.scope === filter.scope) &&
    (!category || sortKey(t.category) === category) &&
    (!needle || sortKey(`${t.name} ${t.category} ${t.subject}`).includes(needle));
}

/** The templates the viewer may see, by name. A team has tens of templates, not thousands: no paging. */
export async function listTemplates(
  kv: Deno.Kv,
  viewer: Viewer,
  filter: TemplateFilter = {},
): Promise<Template[]> {
  const teamId = viewer.team.id;
  const ids = await listValues<string>(kv, { prefix: keys.byName(teamId) });
  const templates = await getValues<Template>(kv, ids.map((id) => keys.template(teamId, id)));
  return templates.filter((t): t is Template => !!t && canSee(t, viewer.user) && matchesFilter(t, filter));
}

/** The categories in use among the viewer's templates, sorted. */
export function categoriesOf(templates: Template[]): string[] {
  const seen = new Map<string, string>();
  for (const t of templates) {
    if (t.category && !seen.has(sortKey(t.category))) seen.set(sortKey(t.category), t.category);
  }
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
}

/**
 * Changes the given fields. A change of name, subject or body starts version n + 1 (the old one stays
 * readable); category and scope changes do not. `baseVersion`, when given, must still be the current version.
 */
export async function updateTemplate(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string,
  input: unknown,
  now: number,
): Promise<TemplateDetail> {
  const entry = await readEntry(kv, viewer, id);
  const old = entry.value;
  assertCanEdit(old, viewer.user);
  const patch = parse(TemplatePatch, input);
  if (patch.baseVersion !== undefined && patch.baseVersion !== old.version) {
    throw conflict(
      `Someone saved a newer version of this template (version ${old.version}) while you were editing. ` +
        "Copy your changes, reload, and apply them again.",
    );
  }
  if (patch.scope && patch.scope !== old.scope) {
    if (patch.scope === "personal" && old.ownerId !== viewer.user.id) {
      throw forbidden("Only the person who created a team template can make it personal.");
    }
    if (old.locked) throw forbidden("Unlock this template before making it personal.");
  }
  const oldHtml = await templateBody(kv, old);
  const data = parse(TemplateInput, {
    name: old.name,
    category: old.category,
    scope: old.scope,
    subject: old.subject,
    html: oldHtml,
    ...Object.fromEntries(Object.entries(patch).filter(([k, v]) => k !== "baseVersion" && v !== undefined)),
  });
  const html = patch.html === undefined ? oldHtml : cleanBody(data.html);
  const newVersion = data.name !== old.name || data.subject !== old.subject || html !== oldHtml;
  let template: Template = {
    ...old,
    name: data.name,
    category: data.category,
    scope: data.scope,
    subject: data.subject,
    version: newVersion ? old.version + 1 : old.version,
    updatedAt: now,
    updatedBy: viewer.user.id,
  };
  const op = kv.atomic().check(entry);
  if (newVersion) template = writeVersion(op, template, html, viewer.user.id, now);
  op.set(entry.key, template);
  if (sortKey(old.name) !== sortKey(template.name)) {
    op.delete(keys.byName(old.teamId, sortKey(old.name), id))
      .set(keys.byName(old.teamId, sortKey(template.name), id), id);
  }
  await commitOrConflict(op, "This template was changed by someone else. Reload and try again.");
  return { ...template, html };
}

/** A copy of the current version, owned by the viewer, unlocked, as version 1. */
export async function duplicateTemplate(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string,
  input: unknown,
  now: number,
): Promise<TemplateDetail> {
  const source = await getTemplateDetail(kv, viewer, id);
  const data = parse(DuplicateInput, input ?? {});
  const name = data.name ?? `Copy of ${source.name}`.slice(0, 120);
  return insert(
    kv,
    viewer,
    {
      name,
      category: source.category,
      scope: data.scope ?? source.scope,
      subject: source.subject,
      html: source.html,
    },
    source.id,
    now,
  );
}

async function patchRecord(
  kv: Deno.Kv,
  entry: Deno.KvEntry<Template>,
  next: Template,
): Promise<Template> {
  await commitOrConflict(
    kv.atomic().check(entry).set(entry.key, next),
    "This template was changed by someone else. Reload and try again.",
  );
  return next;
}

/** Archives or restores a template: archived ones leave the picker; their results stay. */
export async function setArchived(kv: Deno.Kv, viewer: Viewer, id: string, input: unknown, now: number) {
  const { archived } = parse(ArchiveInput, input);
  const entry = await readEntry(kv, viewer, id);
  assertCanEdit(entry.value, viewer.user);
  return patchRecord(kv, entry, {
    ...entry.value,
    archivedAt: archived ? entry.value.archivedAt ?? now : null,
    updatedAt: now,
    updatedBy: viewer.user.id,
  });
}

/** Locks or unlocks a team template (admins only). */
export async function setLocked(kv: Deno.Kv, viewer: Viewer, id: string, input: unknown, now: number) {
  const { locked } = parse(LockInput, input);
  const entry = await readEntry(kv, viewer, id);
  if (viewer.user.role !== "admin") {
    throw new AppError(403, "forbidden", "Only team admins can lock templates.");
  }
  if (entry.value.scope !== "team") {
    throw invalid({ locked: "Only team templates can be locked." }, "Only team templates can be locked.");
  }
  return patchRecord(kv, entry, { ...entry.value, locked, updatedAt: now, updatedBy: viewer.user.id });
}

// ---------------------------------------------------------------------------------------------------------------
// Filling in: previews and the picker

/** A contact of the team and their company (null when it was deleted). */
export async function contactWithCompany(kv: Deno.Kv, teamId: string, contactId: string) {
  const contact = await getContact(kv, teamId, contactId);
  const company = contact.companyId
    ? await getCompany(kv, teamId, contact.companyId).catch(() => null)
    : null;
  return { contact, company };
}

/** The merge context for one recipient (or none), with the viewer as the sender. */
export function mergeContext(
  sender: Pick<Viewer["user"], "name" | "email">,
  contact: Contact | null,
  company: Company | null,
  email?: string,
): MergeContext {
  const person = contact
    ? {
      firstName: contact.firstName,
      lastName: contact.lastName,
      email: contact.email,
      title: contact.title,
      company: company?.name ?? null,
      industry: company?.industry ?? null,
    }
    : email
    ? { firstName: "", lastName: "", email, title: "", company: null, industry: null }
    : null;
  return { contact: person, sender: { name: sender.name, email: sender.email } };
}

/** A draft's recipient may have been deleted since it was added: fill as if there were none. */
function ignoreMissing(error: unknown) {
  if (!(error instanceof AppError && error.status === 404)) throw error;
}

export interface Filled extends Rendered {
  template: TemplateRef;
  /** Who contact fields were filled from; null for a shared copy or no recipient (fallbacks are used). */
  recipient: { contactId: string | null; email: string; name: string } | null;
}

/**
 * The template's current version filled in for a draft's recipient (`messageId`) or a contact (`contactId`),
 * with the viewer as sender. A draft with one To recipient fills from them (an address without a contact fills
 * `contact.email` only); with several To recipients (one shared body) contact fields need their fallbacks; with
 * none, the contact it is regarding is used.
 */
export async function fillTemplate(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string,
  input: unknown,
): Promise<Filled> {
  const { messageId, contactId } = parse(RenderInput, input ?? {});
  const template = await getTemplateDetail(kv, viewer, id);
  const teamId = viewer.team.id;
  let recipient: Filled["recipient"] = null;
  let context = mergeContext(viewer.user, null, null);
  const forContact = async (cid: string) => {
    const { contact, company } = await contactWithCompany(kv, teamId, cid);
    recipient = { contactId: contact.id, email: contact.email, name: contactName(contact) };
    context = mergeContext(viewer.user, contact, company);
  };
  if (messageId) {
    const message = await getMessage(kv, teamId, messageId);
    const one = message.to.length === 1 ? message.to[0] : null;
    if (one?.contactId) await forContact(one.contactId).catch(ignoreMissing);
    else if (one) {
      recipient = { contactId: null, email: one.email, name: one.name };
      context = mergeContext(viewer.user, null, null, one.email);
    } else if (message.to.length === 0 && message.regarding?.type === "contact") {
      await forContact(message.regarding.id).catch(ignoreMissing);
    }
  } else if (contactId) {
    await forContact(contactId);
  }
  const rendered = renderTemplate(template.subject, template.html, context);
  return { ...rendered, template: { id: template.id, version: template.version }, recipient };
}

/** A preview of a saved template (or of unsaved `subject`/`html`) for a contact, or with fallbacks only. */
export async function previewTemplate(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string | null,
  input: unknown,
): Promise<Rendered & { version: number | null }> {
  const data = parse(PreviewInput, input ?? {});
  let subject = data.subject;
  let html = data.html;
  let version: number | null = null;
  if (id) {
    const saved = data.version
      ? await getVersion(kv, viewer, id, data.version)
      : await getTemplateDetail(kv, viewer, id);
    subject ??= saved.subject;
    html ??= saved.html;
    version = data.html === undefined && data.subject === undefined ? saved.version : null;
  }
  if (subject === undefined || html === undefined) {
    throw invalid({ html: "Give the subject and body to preview." });
  }
  const who = data.contactId ? await contactWithCompany(kv, viewer.team.id, data.contactId) : null;
  const rendered = renderTemplate(
    subject,
    sanitizeEmailHtml(html),
    mergeContext(viewer.user, who?.contact ?? null, who?.company ?? null),
  );
  return { ...rendered, version };
}
