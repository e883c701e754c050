/** The one-line status of a message, as sellers read it in lists and tiles. Pure; used by server and islands. */
import { formatDateTime, formatRelative, formatTimeBeside } from "../time/format.ts";
import { countedOpens, type MessageStats } from "../tracking/types.ts";
import { deliveryText } from "./delivery_status.ts";
import type { Message } from "./types.ts";

export type Tone = "grey" | "blue" | "green" | "amber" | "red";

export interface StatusLine {
  /** One short line: lists show it as it is. */
  text: string;
  tone: Tone;
  /** What a short text leaves out (a failed send's full reason), for a tooltip; the message page shows it. */
  detail?: string;
}

type StatusInput = Pick<Message, "status" | "follow" | "failure" | "job" | "sentAt"> & {
  recipientTime?: Message["recipientTime"];
  delivery?: Message["delivery"];
};

/**
 * The time a message's relative times are read against: now, or its latest event when that is later. A
 * browser clock behind the server's then still says "just now", never "in 2 minutes".
 */
export function seenAt(now: number, stats: MessageStats | null | undefined): number {
  return Math.max(now, stats?.lastActivityAt ?? 0, stats?.lastOpenedAt ?? 0);
}

export function statusLine(
  m: StatusInput,
  stats: MessageStats | null,
  now: number,
  zone: string,
  { countProxyOpens = false }: { countProxyOpens?: boolean } = {},
): StatusLine {
  switch (m.status) {
    case "draft":
      return { text: "Draft", tone: "grey" };
    case "scheduled": {
      if (!m.job) return { text: "Scheduled to send", tone: "blue" };
      const theirs = m.recipientTime && m.recipientTime.zone !== zone
        ? ` (${formatTimeBeside(m.job.dueAt, m.recipientTime.zone, zone)} ${m.recipientTime.name}'s time)`
        : "";
      return { text: `Scheduled to send ${formatDateTime(m.job.dueAt, zone, now)}${theirs}`, tone: "blue" };
    }
    case "sending":
      return { text: "Sending", tone: "blue" };
    case "failed": {
      // The provider's reason can run to several lines: the status says it in a few words.
      const failure = m.failure;
      if (!failure) return { text: "Failed", tone: "red" };
      return {
        text: failure.summary ? `Failed — ${failure.summary}` : "Failed",
        tone: "red",
        detail: failure.reason,
      };
    }
  }
  if (m.delivery && ["bounced", "failed", "complained"].includes(m.delivery.kind)) {
    return { text: deliveryText(m.delivery), tone: "red" };
  }
  if (m.follow !== "following") return { text: "Sent · not followed", tone: "grey" };
  if (!stats) return { text: "Sent", tone: "grey" };
  if (stats.replies > 0) {
    return { text: stats.replies === 1 ? "Replied" : `Replied ${stats.replies} times`, tone: "green" };
  }
  const opens = countedOpens(stats, countProxyOpens);
  if (opens === 0) {
    return (stats.privacyProxyOpens ?? 0) > 0
      ? { text: "Delivered, opened only by mail privacy proxies", tone: "amber" }
      : { text: "Not opened yet", tone: "amber" };
  }
  // With proxy opens counted and no person's open, "last opened" is the proxy's fetch at delivery.
  const lastAt = stats.lastOpenedAt ?? stats.sentAt;
  const last = formatRelative(lastAt, now, zone);
  return opens === 1
    ? { text: `Opened once · ${last}`, tone: "green" }
    : { text: `Opened ${opens} times · last opened ${last}`, tone: "green" };
}

/**
 * What the status line leaves out, for a phone where the counter columns don't fit: "2 link clicks · 1 file
 * view", and opens when it says "Replied". Null when there is nothing more to say.
 */
export function otherCounts(
  m: Pick<StatusInput, "follow">,
  stats: MessageStats | null,
  { countProxyOpens = false }: { countProxyOpens?: boolean } = {},
): string | null {
  if (!stats || m.follow !== "following") return null;
  const count = (n: number, one: string, many: string) =>
    n === 0 ? [] : [n === 1 ? `1 ${one}` : `${n} ${many}`];
  const opens = countedOpens(stats, countProxyOpens);
  const parts = [
    ...(stats.replies > 0 ? count(opens, "open", "opens") : []),
    ...count(stats.clicks, "link click", "link clicks"),
    ...count(stats.attachmentViews, "file view", "file views"),
  ];
  return parts.length ? parts.join(" · ") : null;
}
