/** Every KV key of the contacts area, written once. All begin with the team. */
const t = (teamId: string) => ["team", teamId] as const;

export const contactKeys = {
  contact: (teamId: string, id?: string) => id ? [...t(teamId), "contact", id] : [...t(teamId), "contact"],
  contactByEmail: (teamId: string, email: string) => [...t(teamId), "contact_by_email", email],
  contactByName: (teamId: string, sortName?: string, id?: string) =>
    sortName === undefined
      ? [...t(teamId), "contact_by_name"]
      : [...t(teamId), "contact_by_name", sortName, id!],
  contactByCompany: (teamId: string, companyId: string, id?: string) =>
    id
      ? [...t(teamId), "contact_by_company", companyId, id]
      : [...t(teamId), "contact_by_company", companyId],
  company: (teamId: string, id?: string) => id ? [...t(teamId), "company", id] : [...t(teamId), "company"],
  /** Without an id: the prefix of the companies sharing that sort name. */
  companyByName: (teamId: string, sortName?: string, id?: string) =>
    sortName === undefined
      ? [...t(teamId), "company_by_name"]
      : id === undefined
      ? [...t(teamId), "company_by_name", sortName]
      : [...t(teamId), "company_by_name", sortName, id],
  /**
   * Set while a company is being deleted (between its "no contacts left?" check and its deletion); a contact's
   * commit that joins the company checks it is absent, so none can join in between. Expires on its own if the
   * deletion never finishes.
   */
  companyClosing: (teamId: string, id: string) => [...t(teamId), "company_closing", id],
  companyByDomain: (teamId: string, domain: string) => [...t(teamId), "company_by_domain", domain],
  /** Holds each company name once per team, compared by `companyNameKey`. */
  companyByUniqueName: (teamId: string, nameKey: string) => [...t(teamId), "company_by_unique_name", nameKey],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
