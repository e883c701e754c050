/** Contacts: the people engagement is shown against. Emails are unique per team, case-insensitively. */
import {
  AppError,
  conflict,
  type FieldErrors,
  fieldErrorsFromIssues,
  invalid,
  notFound,
} from "../http/errors.ts";
import { findSuppression } from "../privacy/suppression.ts";
import { addCompany, findCompanyByName } from "./companies.ts";
import { newId } from "../storage/ids.ts";
import {
  changesNothing,
  commitOrConflict,
  fieldsIfUnchanged,
  getValues,
  listValues,
  type Page,
  pageIndex,
} from "../storage/kv.ts";
import { contactKeys as keys } from "./keys.ts";
import { ContactInput } from "./schemas.ts";
import type { ContactInput as ContactInputType } from "./schemas.ts";
import { type Company, type Contact, contactName, contactSortKey, sortKey } from "./types.ts";

const EMAIL_TAKEN = "Another contact already has this email address.";

/** Why a contact's tracking can't be set to "allow": the address is on the team's suppression list. */
export const RECIPIENT_OPTED_OUT =
  "This person asked not to be tracked (through the link in an email), so it stays “do not allow”. " +
  "Only an admin can lift that, when they ask to be tracked again.";

/**
 * The recipient's own objection wins over the form: on the suppression list, tracking is "do not allow".
 * Asking for "allow" explicitly is an error naming the field; otherwise the preference is set quietly.
 */
async function honourSuppression(kv: Deno.Kv, teamId: string, data: ContactInputType, asked: unknown) {
  if (data.tracking === "do_not_allow" || !(await findSuppression(kv, teamId, data.email))) return;
  if ((asked as { tracking?: unknown } | null)?.tracking === "allow") {
    throw invalid({ tracking: RECIPIENT_OPTED_OUT });
  }
  data.tracking = "do_not_allow";
}

const NO_SUCH_COMPANY = "Choose a company of your team.";

async function companyEntry(kv: Deno.Kv, teamId: string, companyId: string) {
  const entry = await kv.get<Company>(keys.company(teamId, companyId));
  if (!entry.value) throw invalid({ companyId: NO_SUCH_COMPANY });
  return entry as Deno.KvEntry<Company>;
}

/**
 * Adds to a contact's commit that it joins an existing company: still as it was read (not deleted meanwhile),
 * and not in the middle of its deletion. Only checks: contacts joining at once don't get in each other's way.
 */
function joinCompany(op: Deno.AtomicOperation, company: Deno.KvEntry<Company>) {
  op.check(company, { key: keys.companyClosing(company.value.teamId, company.value.id), versionstamp: null });
}

/** After a failed commit: refuses the save if the company the contact was joining was deleted meanwhile. */
async function checkJoinedCompany(kv: Deno.Kv, joining: Deno.KvEntry<Company> | null) {
  if (!joining) return;
  const { teamId, id } = joining.value;
  const [company, closing] = await kv.getMany([keys.company(teamId, id), keys.companyClosing(teamId, id)]);
  if (!company.value || closing.versionstamp) throw invalid({ companyId: NO_SUCH_COMPANY });
}

/**
 * The company a contact is saved with: the chosen one, or the one `companyName` names — the team's company
 * of that name, or a new one to be made in the same commit as the contact (so nothing typed is lost).
 */
async function contactCompany(
  kv: Deno.Kv,
  teamId: string,
  { companyId, companyName }: Pick<ContactInputType, "companyId" | "companyName">,
  now: number,
): Promise<{ companyId: string | null; newCompany: Company | null; joining: Deno.KvEntry<Company> | null }> {
  if (!companyName) {
    return {
      companyId,
      newCompany: null,
      joining: companyId ? await companyEntry(kv, teamId, companyId) : null,
    };
  }
  if (companyId) throw invalid({ companyName: "Choose a company or type a new one, not both." });
  const existing = await findCompanyByName(kv, teamId, companyName);
  if (existing) {
    return { companyId: existing.id, newCompany: null, joining: await companyEntry(kv, teamId, existing.id) };
  }
  const company: Company = {
    id: newId(now),
    teamId,
    name: companyName,
    domain: null,
    industry: "",
    createdAt: now,
    updatedAt: now,
  };
  return { companyId: company.id, newCompany: company, joining: null };
}

/**
 * A contact's company fields checked on their own, as `contactCompany` checks them: the errors it would give.
 * Each field the schema refuses is left out (it has its own error already).
 */
async function companyErrors(kv: Deno.Kv, teamId: string, input: unknown): Promise<FieldErrors> {
  const raw = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const field = <K extends "companyId" | "companyName">(name: K) => {
    const parsed = ContactInput.shape[name].safeParse(raw[name]);
    return parsed.success ? parsed.data : null;
  };
  try {
    // Only reads: a company it would make is never written (so its time, 0, doesn't matter).
    await contactCompany(kv, teamId, { companyId: field("companyId"), companyName: field("companyName") }, 0);
    return {};
  } catch (error) {
    if (error instanceof AppError && error.status === 400 && error.fields) return error.fields;
    throw error;
  }
}

/**
 * The 400 for a contact's input refused with `fields`, naming an unknown company with them: one answer lists
 * everything to fix, though only the database knows the team's companies.
 */
export async function contactInvalid(
  kv: Deno.Kv,
  teamId: string,
  input: unknown,
  fields: FieldErrors,
): Promise<AppError> {
  return invalid({ ...await companyErrors(kv, teamId, input), ...fields });
}

/** A contact's fields, parsed; every bad one, an unknown company included, is named in one 400. */
async function parseContact(kv: Deno.Kv, teamId: string, input: unknown): Promise<ContactInputType> {
  const result = ContactInput.safeParse(input);
  if (!result.success) {
    throw await contactInvalid(kv, teamId, input, fieldErrorsFromIssues(result.error.issues));
  }
  return result.data;
}

/** Why a contact's commit failed when the email was free: the new company's name was taken meanwhile. */
const COMPANY_ADDED = "A company of this name was just added by someone else. Try again to use it.";

export async function createContact(
  kv: Deno.Kv,
  teamId: string,
  input: unknown,
  now: number,
): Promise<Contact> {
  const data = await parseContact(kv, teamId, input);
  const { companyId, newCompany, joining } = await contactCompany(kv, teamId, data, now);
  // A new contact for a listed address (say, after a deletion) starts as the recipient asked.
  await honourSuppression(kv, teamId, data, null);
  const { companyName: _, ...fields } = data;
  const contact: Contact = { id: newId(now), teamId, ...fields, companyId, createdAt: now, updatedAt: now };
  const op = kv.atomic()
    .check({ key: keys.contactByEmail(teamId, contact.email), versionstamp: null })
    .set(keys.contact(teamId, contact.id), contact)
    .set(keys.contactByEmail(teamId, contact.email), contact.id)
    .set(keys.contactByName(teamId, contactSortKey(contact), contact.id), contact.id);
  if (contact.companyId) {
    op.set(keys.contactByCompany(teamId, contact.companyId, contact.id), contact.id);
  }
  if (joining) joinCompany(op, joining);
  if (newCompany) addCompany(op, newCompany);
  if (!(await op.commit()).ok) {
    await checkJoinedCompany(kv, joining);
    if (!newCompany || (await findContactByEmail(kv, teamId, contact.email))) {
      throw conflict(EMAIL_TAKEN, { email: EMAIL_TAKEN });
    }
    throw conflict(COMPANY_ADDED, { companyName: COMPANY_ADDED });
  }
  return contact;
}

export async function getContact(kv: Deno.Kv, teamId: string, id: string): Promise<Contact> {
  const contact = (await kv.get<Contact>(keys.contact(teamId, id))).value;
  if (!contact) throw notFound("No such contact.");
  return contact;
}

export async function findContactByEmail(
  kv: Deno.Kv,
  teamId: string,
  email: string,
): Promise<Contact | null> {
  const id = (await kv.get<string>(keys.contactByEmail(teamId, email.trim().toLowerCase()))).value;
  return id ? (await kv.get<Contact>(keys.contact(teamId, id))).value : null;
}

export function getContacts(kv: Deno.Kv, teamId: string, ids: string[]) {
  return getValues<Contact>(kv, ids.map((id) => keys.contact(teamId, id)));
}

function editableFields(c: Contact): Record<keyof ContactInputType, unknown> {
  const { firstName, lastName, email, companyId, title, phone, timeZone, tracking, notes } = c;
  return {
    firstName,
    lastName,
    email,
    companyId,
    companyName: null,
    title,
    phone,
    timeZone,
    tracking,
    notes,
    businessHours: c.businessHours ?? null,
  };
}

/**
 * Changes the given fields (the rest stay); the record and all its indexes change in one checked commit. With a
 * `baseUpdatedAt` (the edit form's), refused when the contact changed since (`fieldsIfUnchanged`).
 */
export async function updateContact(
  kv: Deno.Kv,
  teamId: string,
  id: string,
  input: unknown,
  now: number,
): Promise<Contact> {
  const entry = await kv.get<Contact>(keys.contact(teamId, id));
  const old = entry.value;
  if (!old) throw notFound("No such contact.");
  const fields = fieldsIfUnchanged(input, old.updatedAt, "contact");
  // A new company typed by name replaces the one the contact was at (which `editableFields` carries).
  const company = fields.companyName && !("companyId" in fields) ? { companyId: null } : {};
  const data = await parseContact(kv, teamId, { ...editableFields(old), ...fields, ...company });
  const { companyId, newCompany, joining } = await contactCompany(kv, teamId, data, now);
  await honourSuppression(kv, teamId, data, input);
  const { companyName: _, ...saved } = data;
  const contact: Contact = { ...old, ...saved, companyId, updatedAt: now };
  if (changesNothing(old, contact)) return old;
  const op = kv.atomic().check(entry).set(keys.contact(teamId, id), contact);
  if (old.email !== contact.email) {
    op.check({ key: keys.contactByEmail(teamId, contact.email), versionstamp: null })
      .delete(keys.contactByEmail(teamId, old.email))
      .set(keys.contactByEmail(teamId, contact.email), id);
  }
  if (contactSortKey(old) !== contactSortKey(contact)) {
    op.delete(keys.contactByName(teamId, contactSortKey(old), id))
      .set(keys.contactByName(teamId, contactSortKey(contact), id), id);
  }
  if (old.companyId !== contact.companyId) {
    if (old.companyId) op.delete(keys.contactByCompany(teamId, old.companyId, id));
    if (contact.companyId) op.set(keys.contactByCompany(teamId, contact.companyId, id), id);
    if (joining) joinCompany(op, joining);
  }
  if (newCompany) addCompany(op, newCompany);
  if (!(await op.commit()).ok) {
    if (old.companyId !== contact.companyId) {
      await checkJoinedCompany(kv, joining);
    }
    const owner = await findContactByEmail(kv, teamId, contact.email);
    if (owner && owner.id !== id) throw conflict(EMAIL_TAKEN, { email: EMAIL_TAKEN });
    if (newCompany && (await findCompanyByName(kv, teamId, newCompany.name))) {
      throw conflict(COMPANY_ADDED, { companyName: COMPANY_ADDED });
    }
    throw conflict("This contact was changed by someone else. Reload and try again.");
  }
  return contact;
}

/** Sets one field without a full form, for preference changes made elsewhere (opt-out, bounce flags). */
export async function patchContact(
  kv: Deno.Kv,
  teamId: string,
  id: string,
  patch: (contact: Contact) => Partial<Contact>,
  now: number,
): Promise<Contact> {
  for (;;) {
    const entry = await kv.get<Contact>(keys.contact(teamId, id));
    if (!entry.value) throw notFound("No such contact.");
    const contact = { ...entry.value, ...patch(entry.value), updatedAt: now };
    const result = await kv.atomic().check(entry).set(entry.key, contact).commit();
    if (result.ok) return contact;
  }
}

export async function deleteContact(kv: Deno.Kv, teamId: string, id: string): Promise<void> {
  const entry = await kv.get<Contact>(keys.contact(teamId, id));
  const contact = entry.value;
  if (!contact) throw notFound("No such contact.");
  const op = kv.atomic().check(entry)
    .delete(keys.contact(teamId, id))
    .delete(keys.contactByEmail(teamId, contact.email))
    .delete(keys.contactByName(teamId, contactSortKey(contact), id));
  if (contact.companyId) op.delete(keys.contactByCompany(teamId, contact.companyId, id));
  await commitOrConflict(op);
}

export interface ContactListOptions {
  q?: string;
  limit?: number;
  cursor?: string;
  /** Only the people at this company. */
  companyId?: string;
}

/** Contacts by name, a page at a time; `q` matches name, email, title and company name or domain. */
export async function listContacts(
  kv: Deno.Kv,
  teamId: string,
  { companyId, ...options }: ContactListOptions,
): Promise<Page<Contact>> {
  if (companyId) return await listCompanyContactsPage(kv, teamId, companyId, options);
  const { limit = 50, cursor } = options;
  return pageIndex<Contact>(kv, keys.contactByName(teamId), {
    limit,
    cursor,
    load: (ids) => getContacts(kv, teamId, ids),
    keep: await contactSearch(kv, teamId, options.q),
  });
}

/** Whether a contact matches a search `q`. */
async function contactSearch(kv: Deno.Kv, teamId: string, q = ""): Promise<(c: Contact) => boolean> {
  const needle = sortKey(q);
  if (!needle) return () => true;
  const companies = await companyMap(kv, teamId, companySearchText);
  return (c) =>
    sortKey(`${contactName(c)} ${c.email} ${c.title} ${companies.get(c.companyId ?? "") ?? ""}`)
      .includes(needle);
}

/** What a contact search matches of their company: its name and its domain ("acme.com"). */
const companySearchText = (c: Company) => `${c.name} ${c.domain ?? ""}`;

export interface CompanyContactsPage extends Page<Contact> {
  /** The ids of everyone at the company now, not only this page's. */
  contactIds: string[];
}

/**
 * The people at a company by name, a page at a time, in the order (and with the cursors) of the team's list.
 * The company's own index has them by id, so a page walks the team's name index reading only their records;
 * when they all fit on the first page, they are read and sorted at once instead (most companies).
 */
export async function listCompanyContactsPage(
  kv: Deno.Kv,
  teamId: string,
  companyId: string,
  { q, limit = 50, cursor }: Omit<ContactListOptions, "companyId">,
): Promise<CompanyContactsPage> {
  const contactIds = await listCompanyContactIds(kv, teamId, companyId);
  const search = await contactSearch(kv, teamId, q);
  // Someone who left the company since its index was read is not shown.
  const keep = (c: Contact) => c.companyId === companyId && search(c);
  if (!cursor && contactIds.length <= limit) {
    const all = (await getContacts(kv, teamId, contactIds)).filter((c): c is Contact => !!c && keep(c));
    return { items: all.sort(byNameKey), cursor: null, contactIds };
  }
  const members = new Set(contactIds);
  const page = await pageIndex<Contact>(kv, keys.contactByName(teamId), {
    limit,
    cursor,
    load: async (ids) => {
      const found = await getContacts(kv, teamId, ids.filter((id) => members.has(id)));
      const byId = new Map(found.filter((c) => c !== null).map((c) => [c.id, c]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    keep,
  });
  return { ...page, contactIds };
}

/** The order of the name index (`contactByName`): by sort name, then id. */
function byNameKey(a: Contact, b: Contact): number {
  const [x, y] = [contactSortKey(a), contactSortKey(b)];
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The ids of the people at a company now. */
export function listCompanyContactIds(kv: Deno.Kv, teamId: string, companyId: string): Promise<string[]> {
  return listValues<string>(kv, { prefix: keys.contactByCompany(teamId, companyId) });
}

/** Everyone at a company now, in no particular order (pages list them with `listCompanyContactsPage`). */
export async function listCompanyContacts(kv: Deno.Kv, teamId: string, companyId: string) {
  const ids = await listCompanyContactIds(kv, teamId, companyId);
  return (await getContacts(kv, teamId, ids)).filter((c): c is Contact => !!c);
}

/** id → `text` of every company of the team. */
async function companyMap<T>(kv: Deno.Kv, teamId: string, text: (c: Company) => T): Promise<Map<string, T>> {
  const companies = await listValues<Company>(kv, { prefix: keys.company(teamId) });
  return new Map(companies.map((c) => [c.id, text(c)]));
}

/** id → name of every company of the team, for showing contacts. */
export function companyNameMap(kv: Deno.Kv, teamId: string): Promise<Map<string, string>> {
  return companyMap(kv, teamId, (c) => c.name);
}
