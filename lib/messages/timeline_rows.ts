/**
 * How a contact's or company's timeline changes with a live "message.updated": the message takes its place by
 * list key (an email that went out moves to the top, one sent meanwhile joins), leaves when it is a draft again,
 * as a reload would show it. Pure; the island (`islands/message_timeline.tsx`) reads the message.
 */
import type { Message } from "./types.ts";
import { type MessageRow, withLiveRow } from "./rows.ts";

/** Whose timeline it is: the contact, or the company and the people at it when the page was made. */
export interface TimelineOf {
  contactIds: string[];
  companyId?: string;
}

/**
 * Whether a message the page has not shown belongs on this timeline: to or about one of its contacts, or about
 * its company. (The server also lists emails sent to someone at the company then, since moved: those join on a
 * reload.)
 */
export function onTimeline(
  of: TimelineOf,
  m: Pick<Message, "status" | "to" | "cc" | "bcc" | "regarding">,
): boolean {
  if (m.status === "draft") return false;
  if (m.regarding?.type === "company") {
    if (m.regarding.id === of.companyId) return true;
  } else if (m.regarding && of.contactIds.includes(m.regarding.id)) return true;
  return [...m.to, ...m.cc, ...m.bcc].some((r) => r.contactId && of.contactIds.includes(r.contactId));
}

/**
 * The items with `row` (a message as it is now) in its place: dropped when it is a draft again; moved or joined
 * by list key on the newest page; on an older page changed in place only (a message new to the timeline belongs
 * on the newest). `belongs` says whether a message not shown yet is on this timeline.
 */
export function withTimelineRow<T extends { row: MessageRow }>(
  items: T[],
  row: MessageRow,
  { belongs, newest, item }: { belongs: boolean; newest: boolean; item: (row: MessageRow, was?: T) => T },
): T[] {
  const was = items.find((i) => i.row.id === row.id);
  if (row.status === "draft") return was ? items.filter((i) => i !== was) : items;
  if (!was && !(belongs && newest)) return items;
  if (!newest) return items.map((i) => i === was ? item(row, was) : i);
  const byId = new Map(items.map((i) => [i.row.id, i]));
  return withLiveRow(items.map((i) => i.row), row).map((r) => r === row ? item(row, was) : byId.get(r.id)!);
}
