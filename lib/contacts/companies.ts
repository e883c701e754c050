/** Companies: the organisations contacts belong to. */
import { conflict, notFound } from "../http/errors.ts";
import { MAX_ID_LENGTH, newId } from "../storage/ids.ts";
import {
  changesNothing,
  commitOrConflict,
  fieldsIfUnchanged,
  getValues,
  listValues,
  type Page,
  pageIndex,
} from "../storage/kv.ts";
import { parse } from "../validation/parse.ts";
import { contactKeys as keys } from "./keys.ts";
import { CompanyInput } from "./schemas.ts";
import { type Company, sortKey } from "./types.ts";

const DOMAIN_TAKEN = "Another company already has this domain.";

/** Company names are unique per team ignoring case (and, as the form trims them, surrounding spaces). */
export const companyNameKey = (name: string) => name.normalize("NFKC").trim().toLowerCase();

/**
 * The team's company with this name, ignoring case. Found through the sorted-name index, so companies
 * saved before names were unique (without a `company_by_unique_name` entry) are found too.
 */
export async function findCompanyByName(kv: Deno.Kv, teamId: string, name: string): Promise<Company | null> {
  const ids = await listValues<string>(kv, { prefix: keys.companyByName(teamId, sortKey(name)) });
  const companies = await getValues<Company>(kv, ids.map((id) => keys.company(teamId, id)));
  return companies.find((c) => c && companyNameKey(c.name) === companyNameKey(name)) ?? null;
}

const nameTaken = (existing: Company) => {
  const text = `A company called “${existing.name}” already exists.`;
  return conflict(`${text} Its id is ${existing.id}.`, { name: text });
};

/** Throws a 409 naming the field when another company has this name; the commit re-checks it. */
async function assertNameFree(kv: Deno.Kv, teamId: string, name: string, self?: string) {
  const existing = await findCompanyByName(kv, teamId, name);
  if (existing && existing.id !== self) throw nameTaken(existing);
}

/** After a failed commit: the name (or the domain) was taken meanwhile. */
async function takenError(kv: Deno.Kv, teamId: string, company: Company) {
  const existing = await findCompanyByName(kv, teamId, company.name);
  if (existing && existing.id !== company.id) return nameTaken(existing);
  return conflict(DOMAIN_TAKEN, { domain: DOMAIN_TAKEN });
}

/** A new company's record and indexes, added to `op`; the commit fails if its name or domain is taken. */
export function addCompany(op: Deno.AtomicOperation, company: Company): Deno.AtomicOperation {
  const { teamId, id } = company;
  const nameKey = keys.companyByUniqueName(teamId, companyNameKey(company.name));
  op.check({ key: nameKey, versionstamp: null })
    .set(nameKey, id)
    .set(keys.company(teamId, id), company)
    .set(keys.companyByName(teamId, sortKey(company.name), id), id);
  if (company.domain) {
    op.check({ key: keys.companyByDomain(teamId, company.domain), versionstamp: null })
      .set(keys.companyByDomain(teamId, company.domain), id);
  }
  return op;
}

export async function createCompany(kv: Deno.Kv, teamId: string, input: unknown, now: number) {
  const data = parse(CompanyInput, input);
  await assertNameFree(kv, teamId, data.name);
  const company: Company = { id: newId(now), teamId, ...data, createdAt: now, updatedAt: now };
  if (!(await addCompany(kv.atomic(), company).commit()).ok) throw await takenError(kv, teamId, company);
  return company;
}

export async function getCompany(kv: Deno.Kv, teamId: string, id: string): Promise<Company> {
  // A link's `?company=` may be any length.
  const company = id.length > MAX_ID_LENGTH ? null : (await kv.get<Company>(keys.company(teamId, id))).value;
  if (!company) throw notFound("No such company.");
  return company;
}

export async function findCompanyByDomain(kv: Deno.Kv, teamId: string, domain: string) {
  const id = (await kv.get<string>(keys.companyByDomain(teamId, domain.toLowerCase()))).value;
  return id ? (await kv.get<Company>(keys.company(teamId, id))).value : null;
}

export async function updateCompany(
  kv: Deno.Kv,
  teamId: string,
  id: string,
  input: unknown,
  now: number,
): Promise<Company> {
  const entry = await kv.get<Company>(keys.company(teamId, id));
  const old = entry.value;
  if (!old) throw notFound("No such company.");
  const { name, domain, industry } = old;
  const data = parse(CompanyInput, {
    name,
    domain,
    industry,
    ...fieldsIfUnchanged(input, old.updatedAt, "company"),
  });
  const company: Company = { ...old, ...data, updatedAt: now };
  if (changesNothing(old, company)) return old;
  const op = kv.atomic().check(entry).set(keys.company(teamId, id), company);
  if (sortKey(old.name) !== sortKey(company.name)) {
    op.delete(keys.companyByName(teamId, sortKey(old.name), id))
      .set(keys.companyByName(teamId, sortKey(company.name), id), id);
  }
  if (companyNameKey(old.name) !== companyNameKey(company.name)) {
    await assertNameFree(kv, teamId, company.name, id);
    const nameKey = keys.companyByUniqueName(teamId, companyNameKey(company.name));
    op.delete(keys.companyByUniqueName(teamId, companyNameKey(old.name)))
      .check({ key: nameKey, versionstamp: null })
      .set(nameKey, id);
  }
  if (old.domain !== company.domain) {
    if (old.domain) op.delete(keys.companyByDomain(teamId, old.domain));
    if (company.domain) {
      const taken = await kv.get<string>(keys.companyByDomain(teamId, company.domain));
      if (taken.value && taken.value !== id) throw conflict(DOMAIN_TAKEN, { domain: DOMAIN_TAKEN });
      op.check(taken).set(keys.companyByDomain(teamId, company.domain), id);
    }
  }
  if (!(await op.commit()).ok) {
    const taken = await takenError(kv, teamId, company);
    if (taken.fields?.name) throw taken;
    throw conflict("This company was changed by someone else. Reload and try again.");
  }
  return company;
}

/** How long a deletion that never finished keeps contacts from joining its company. */
const CLOSING_MS = 60_000;

/**
 * Deletes a company that has no contacts left (contacts are never silently unlinked). It first marks the company
 * as closing, so that no contact can join it between the check for contacts and the deletion.
 */
export async function deleteCompany(kv: Deno.Kv, teamId: string, id: string): Promise<void> {
  const entry = await kv.get<Company>(keys.company(teamId, id));
  if (!entry.value) throw notFound("No such company.");
  const closingKey = keys.companyClosing(teamId, id);
  const marked = await kv.atomic().check(entry).set(closingKey, true, { expireIn: CLOSING_MS }).commit();
  if (!marked.ok) throw conflict("This company was changed by someone else. Reload and try again.");
  const closing = { key: closingKey, versionstamp: marked.versionstamp };
  for await (const _ of kv.list({ prefix: keys.contactByCompany(teamId, id) }, { limit: 1 })) {
    await kv.atomic().check(closing).delete(closingKey).commit();
    throw conflict("This company still has contacts. Move or delete them first.");
  }
  const op = kv.atomic().check(entry, closing).delete(closingKey)
    .delete(keys.company(teamId, id))
    .delete(keys.companyByName(teamId, sortKey(entry.value.name), id));
  // Only its own entry: a company saved before names were unique may share its name with another.
  const nameKey = await kv.get<string>(keys.companyByUniqueName(teamId, companyNameKey(entry.value.name)));
  if (nameKey.value === id) op.check(nameKey).delete(nameKey.key);
  if (entry.value.domain) op.delete(keys.companyByDomain(teamId, entry.value.domain));
  await commitOrConflict(op);
}

/** Companies by name, a page at a time, optionally filtered by a search text. */
export function listCompanies(
  kv: Deno.Kv,
  teamId: string,
  { q = "", limit = 50, cursor }: { q?: string; limit?: number; cursor?: string },
): Promise<Page<Company>> {
  const needle = sortKey(q);
  return pageIndex<Company>(kv, keys.companyByName(teamId), {
    limit,
    cursor,
    load: (ids) => getValues<Company>(kv, ids.map((id) => keys.company(teamId, id))),
    keep: (c) => !needle || sortKey(`${c.name} ${c.domain ?? ""} ${c.industry}`).includes(needle),
  });
}
