/** The frame of a page that lists things: contacts, companies, the Outbox, unmatched replies, tasks. */
import type { ComponentChildren } from "preact";
import { EmptyState, PageHeader, type PageHeaderProps, Pager, SearchBox } from "./ui.tsx";

/**
 * The page's header, the search box when the list has one, then the list (the children) or, when there is
 * nothing in it, the empty state; "Next page" follows when there are more, "First page" on a later page.
 */
export function ListPage(
  { search, items, cursor = null, paged = false, empty, children, ...header }: PageHeaderProps & {
    /**
     * What is searched for, the box's placeholder, what the list holds ("companies"), and the list's other
     * query parameters (a filter), which a search and the pages keep.
     */
    search?: { q: string; placeholder: string; plural: string; params?: Record<string, string> };
    items: readonly unknown[];
    /** Where the next page starts, for lists shown a page at a time. */
    cursor?: string | null;
    /** This is a later page (reached with a cursor): a link back to the first follows. */
    paged?: boolean;
    /** Shown when there is nothing to list (a search that finds nothing says so instead). */
    empty: ComponentChildren;
    children: ComponentChildren;
  },
) {
  const q = search?.q ?? "";
  const params = search?.params ?? {};
  return (
    <>
      <PageHeader {...header} />
      {search && <SearchBox q={q} placeholder={search.placeholder} params={params} />}
      {items.length > 0
        ? children
        : search && q
        ? (
          <EmptyState icon="search" title={`No ${search.plural} match “${q}”`}>
            Try a shorter search.
          </EmptyState>
        )
        : empty}
      <Pager cursor={cursor} params={q ? { ...params, q } : params} paged={paged} />
    </>
  );
}
