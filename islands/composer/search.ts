/// <reference lib="dom" />
/** Type-ahead searches of the team's contacts and companies, debounced, answering only the latest query. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../lib/browser/api.ts";

export interface ContactHit {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface CompanyHit {
  id: string;
  name: string;
  domain: string | null;
}

export { contactLabel } from "../../lib/contacts/types.ts";

export async function searchContacts(q: string, limit = 8): Promise<ContactHit[]> {
  const page = await api<{ items: ContactHit[] }>(
    "GET",
    `/contacts?q=${encodeURIComponent(q)}&limit=${limit}`,
  );
  return page.items;
}

export async function searchCompanies(q: string, limit = 5): Promise<CompanyHit[]> {
  const page = await api<{ items: CompanyHit[] }>(
    "GET",
    `/companies?q=${encodeURIComponent(q)}&limit=${limit}`,
  );
  return page.items;
}

export const SEARCH_DELAY_MS = 200;

/** Results for `query` once typing pauses; empty for an empty query. Failed searches show nothing. */
export function useSearch<T>(query: string, search: (q: string) => Promise<T[]>) {
  const [state, setState] = useState<{ query: string; items: T[]; loading: boolean }>({
    query: "",
    items: [],
    loading: false,
  });
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setState({ query: "", items: [], loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      search(q).then(
        (items) => live && setState({ query: q, items, loading: false }),
        () => live && setState({ query: q, items: [], loading: false }),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query.trim()]);
  return state;
}
