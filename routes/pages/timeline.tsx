/** Builds the timeline of a contact or company: its messages with their latest events. */
import { memberNames } from "../../lib/accounts/users.ts";
import { listEvents, timelinePage } from "../../lib/messages/list.ts";
import { toRow } from "../../lib/messages/rows.ts";
import { publicEvent } from "../../lib/tracking/types.ts";
import type { TimelineItem } from "../../islands/message_timeline.tsx";
import { useContext } from "preact/hooks";
import { Page } from "../../components/page_context.ts";
import { isId } from "../../lib/storage/ids.ts";

/** Messages on one page of a timeline. */
export const TIMELINE_PAGE = 50;

export interface Timeline {
  items: TimelineItem[];
  /** The `older` cursor of the next page: null on the last. */
  older: string | null;
  /** Reached with a cursor: not the newest page. */
  paged: boolean;
  /** The team's members (and the senders shown) by id: names for emails that join live. */
  members: Record<string, string>;
}

/** A page of a contact's or company's timeline, newest first: the newest, or those older than `before`. */
export async function timeline(
  kv: Deno.Kv,
  teamId: string,
  record: { type: "contact" | "company"; id: string },
  before?: string,
): Promise<Timeline> {
  const { items: messages, older } = await timelinePage(kv, teamId, record, TIMELINE_PAGE, before);
  const names = await memberNames(kv, teamId, messages.map((m) => m.message.senderId));
  return {
    items: await Promise.all(messages.map(async ({ message, stats }) => ({
      row: toRow(message, stats, names[message.senderId] ?? "a former member"),
      events: (await listEvents(kv, teamId, message.id, { limit: 5 })).map(publicEvent),
      attachmentNames: (message.attachments ?? []).map((a) => a.filename),
    }))),
    older,
    paged: before !== undefined,
    members: names,
  };
}

/** The `older` cursor a timeline page was asked for, when it is one. */
export const olderCursor = (value: string | undefined) => value && isId(value) ? value : undefined;

/** "Older emails" while there are more; "Newest emails" on any page after the first. Other query kept. */
export function TimelinePager({ older, paged }: Pick<Timeline, "older" | "paged">) {
  const query = useContext(Page).query;
  if (!older && !paged) return null;
  const at = (cursor: string | null) => {
    const next = new URLSearchParams(query);
    if (cursor) next.set("older", cursor);
    else next.delete("older");
    return `?${next}#timeline-title`;
  };
  return (
    <nav class="pager" aria-label="Timeline pages">
      {paged && <a class="button button-ghost" href={at(null)}>← Newest emails</a>}
      {older && <a class="button button-secondary" href={at(older)} rel="next">Older emails →</a>}
    </nav>
  );
}
