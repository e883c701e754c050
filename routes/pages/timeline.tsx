/** Builds the timeline of a contact or company: its messages with their latest events. */
import { memberNames } from "../../lib/accounts/users.ts";
import { listEvents, listMessagesFor } from "../../lib/messages/list.ts";
import { toRow } from "../../lib/messages/rows.ts";
import { listKeyOf } from "../../lib/messages/listing.ts";
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
  // One more than the page, to know whether an older one follows.
  const listed = await listMessagesFor(kv, teamId, record, TIMELINE_PAGE + 1, before);
  const page = listed.slice(0, TIMELINE_PAGE);
  const messages = page.filter((m) => m.message.status !== "draft");
  const names = await memberNames(kv, teamId, messages.map((m) => m.message.senderId));
  return {
    items: await Promise.all(messages.map(async ({ message, stats }) => ({
      row: toRow(message, stats, names[message.senderId] ?? "a former member"),
      events: (await listEvents(kv, teamId, message.id, { limit: 5 })).map(publicEvent),
      attachmentNames: (message.attachments ?? []).map((a) => a.filename),
    }))),
    older: listed.length > TIMELINE_PAGE ? listKeyOf(page.at(-1)!.message) : null,
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
