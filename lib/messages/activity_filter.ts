/**
 * What the Activity list shows for a filter, as one rule for the server's pages and the page's live updates.
 * Pure: a message and its counters in, yes or no out.
 */
import { sortKey } from "../contacts/types.ts";
import { countedOpens, type MessageStats } from "../tracking/types.ts";
import { allRecipients, type Message } from "./types.ts";

export interface ActivityFilter {
  scope: "mine" | "team";
  userId: string;
  followed?: boolean;
  opened?: boolean;
  /**
   * Whether the team counts privacy-proxy opens as opens (its setting), so "opened" agrees with the status
   * and Opens column; read from the team when not given.
   */
  countProxyOpens?: boolean;
  /** Words the subject or a recipient's name or address must contain (case- and accent-insensitive). */
  q?: string;
}

type Listed = Pick<Message, "status" | "follow" | "subject" | "to" | "cc" | "bcc">;

/** What a message itself must be to be listed: sent (or on its way), followed or not, matching the words. */
export function listable(filter: Pick<ActivityFilter, "followed" | "q">) {
  const words = sortKey(filter.q ?? "").split(/\s+/).filter(Boolean);
  return <M extends Listed>(message: M | null): message is M => {
    if (!message || message.status === "draft") return false;
    if (filter.followed !== undefined && (message.follow === "following") !== filter.followed) return false;
    if (!words.length) return true;
    const text = sortKey(
      [message.subject, ...allRecipients(message).flatMap((r) => [r.name, r.email])].join(" "),
    );
    return words.every((word) => text.includes(word));
  };
}

/**
 * Whether a message's counters put it under the filter's "opened" / "not opened" (always, without one). "Not
 * opened" is for emails that went out: one scheduled, on its way or failed has had no chance to be opened.
 */
export function openedAsFiltered(
  filter: Pick<ActivityFilter, "opened" | "countProxyOpens">,
  stats: MessageStats | null,
  status: Message["status"],
) {
  if (filter.opened === undefined) return true;
  if (!filter.opened && status !== "sent") return false;
  return ((stats ? countedOpens(stats, filter.countProxyOpens ?? false) : 0) > 0) === filter.opened;
}

/** Whether the list for `filter` shows this message: whose it is, what it is, and its engagement. */
export function inActivity(
  filter: ActivityFilter,
  message: Listed & Pick<Message, "senderId">,
  stats: MessageStats | null,
): boolean {
  return (filter.scope === "team" || message.senderId === filter.userId) && listable(filter)(message) &&
    openedAsFiltered(filter, stats, message.status);
}
