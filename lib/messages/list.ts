/** Reading messages with their engagement: the activity list, timelines, one message's events. */
import { getTeam } from "../accounts/users.ts";
import { DEFAULT_TEAM_SETTINGS } from "../accounts/types.ts";
import { listCompanyContactIds } from "../contacts/contacts.ts";
import { newestIdsAcross } from "../storage/merge_indexes.ts";
import { getValues, listValues, type Page, pageIndex } from "../storage/kv.ts";
import { trackingKeys } from "../tracking/keys.ts";
import { readEvents } from "../tracking/event_log.ts";
import type { EngagementEvent, MessageStats } from "../tracking/types.ts";
import { messageKeys as keys } from "./keys.ts";
import type { Message } from "./types.ts";
import { type ActivityFilter, listable, openedAsFiltered } from "./activity_filter.ts";
import { newestSavedFirst } from "./draft_rows.ts";
import { listKeyOf } from "./listing.ts";

export interface MessageWithStats {
  message: Message;
  stats: MessageStats | null;
}

/** A page of the activity list: the filter, and where the page starts. */
export type ActivityQuery = ActivityFilter & { limit?: number; cursor?: string };

export async function withStats(
  kv: Deno.Kv,
  messages: (Message | null)[],
): Promise<(MessageWithStats | null)[]> {
  const present = messages.filter((m): m is Message => !!m);
  const stats = await getValues<MessageStats>(kv, present.map((m) => trackingKeys.stats(m.teamId, m.id)));
  const byId = new Map(present.map((m, i) => [m.id, stats[i]]));
  return messages.map((m) => m ? { message: m, stats: byId.get(m.id) ?? null } : null);
}

/**
 * The activity list: messages newest first by list key (`listing.ts`: an email is as new as its sending; drafts
 * are not listed), filtered and searched while paging. Only the messages that pass their own tests have their
 * counters read; "opened" is judged on the counters, as the status and the Opens column count them
 * (privacy-proxy opens too when the team counts them).
 */
export async function listActivity(
  kv: Deno.Kv,
  teamId: string,
  filter: ActivityQuery,
): Promise<Page<MessageWithStats>> {
  const passes = listable(filter);
  const load = (messages: (Message | null)[]) => withStats(kv, messages.map((m) => passes(m) ? m : null));
  const countProxyOpens = filter.opened !== undefined && (filter.countProxyOpens ??
    (await getTeam(kv, teamId))?.settings?.countProxyOpens ?? DEFAULT_TEAM_SETTINGS.countProxyOpens);
  const options = {
    limit: filter.limit ?? 25,
    cursor: filter.cursor,
    reverse: true,
    keep: ({ message, stats }: MessageWithStats) =>
      openedAsFiltered({ ...filter, countProxyOpens }, stats, message.status),
  };
  const index = filter.scope === "mine" ? keys.bySender(teamId, filter.userId) : keys.listed(teamId);
  return await pageIndex<MessageWithStats>(kv, index, {
    ...options,
    load: async (ids) => load(await getValues<Message>(kv, ids.map((id) => keys.message(teamId, id)))),
  });
}

/** The viewer's drafts, however old, the most recently saved first. */
export async function listDrafts(kv: Deno.Kv, teamId: string, userId: string): Promise<Message[]> {
  const ids = await listValues<string>(kv, { prefix: keys.draftBySender(teamId, userId) });
  const messages = await getValues<Message>(kv, ids.map((id) => keys.message(teamId, id)));
  return messages.filter((m): m is Message => m?.status === "draft").sort(newestSavedFirst);
}

/**
 * Messages of a contact or company, newest first, with their stats (for timelines). A company's are those
 * regarding it or sent to someone while they were at it (its index, written at send time) and every
 * message to the people at it now, so a contact linked later brings their earlier emails along.
 */
export async function listMessagesFor(
  kv: Deno.Kv,
  teamId: string,
  record: { type: "contact" | "company"; id: string },
  limit = 50,
  /** Only messages older than this one: the last of the page before. */
  before?: string,
): Promise<MessageWithStats[]> {
  const prefixes = record.type === "contact" ? [keys.byContact(teamId, record.id)] : [
    keys.byCompany(teamId, record.id),
    ...(await listCompanyContactIds(kv, teamId, record.id)).map((contactId) =>
      keys.byContact(teamId, contactId)
    ),
  ];
  const ids = await newestIdsAcross(kv, prefixes, limit, before);
  const messages = await getValues<Message>(kv, ids.map((id) => keys.message(teamId, id)));
  return (await withStats(kv, messages)).filter((m): m is MessageWithStats => !!m);
}

/**
 * A page of a contact's or company's timeline, newest first: `limit` messages (drafts, their sender's alone,
 * left out) and the `older` cursor of the next page, null on the last.
 */
export async function timelinePage(
  kv: Deno.Kv,
  teamId: string,
  record: { type: "contact" | "company"; id: string },
  limit: number,
  before?: string,
): Promise<{ items: MessageWithStats[]; older: string | null }> {
  // One more than the page, to know whether another follows.
  const listed = await listMessagesFor(kv, teamId, record, limit + 1, before);
  const page = listed.slice(0, limit);
  return {
    items: page.filter(({ message }) => message.status !== "draft"),
    older: listed.length > limit ? listKeyOf(page.at(-1)!.message) : null,
  };
}

/** How many of a message's events a page of its history holds (the message page's, the API's by default). */
export const EVENTS_PAGE = 50;

/** A message's events, newest first. */
export function listEvents(
  kv: Deno.Kv,
  teamId: string,
  messageId: string,
  { limit = EVENTS_PAGE }: { limit?: number } = {},
): Promise<EngagementEvent[]> {
  return readEvents(kv, teamId, messageId, { reverse: true, limit });
}

export async function getStats(kv: Deno.Kv, teamId: string, messageId: string): Promise<MessageStats | null> {
  return (await kv.get<MessageStats>(trackingKeys.stats(teamId, messageId))).value;
}
