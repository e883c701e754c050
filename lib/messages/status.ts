/** The one-line status of a message, as sellers read it in lists and tiles. Pure; used by server and islands. */
import { formatDateTime, formatRelative, formatTime } from "../time/format.ts";
import type { MessageStats } from "../tracking/types.ts";
import type { Message } from "./types.ts";

export type Tone = "grey" | "blue" | "green" | "amber" | "red";

export interface StatusLine {
  text: string;
  tone: Tone;
}

type StatusInput = Pick<Message, "status" | "follow" | "failure" | "job" | "sentAt"> & {
  recipientTime?: Message["recipientTime"];
};

export function statusLine(
  m: StatusInput,
  stats: MessageStats | null,
  now: number,
  zone: string,
): StatusLine {
  switch (m.status) {
    case "draft":
      return { text: "Draft", tone: "grey" };
    case "scheduled": {
      if (!m.job) return { text: "Scheduled to send", tone: "blue" };
      const theirs = m.recipientTime && m.recipientTime.zone !== zone
        ? ` (${formatTime(m.job.dueAt, m.recipientTime.zone)} ${m.recipientTime.name}'s time)`
        : "";
      return { text: `Scheduled to send ${formatDateTime(m.job.dueAt, zone, now)}${theirs}`, tone: "blue" };
    }
    case "sending":
      return { text: "Sending", tone: "blue" };
    case "failed":
      return { text: `Failed — ${m.failure?.reason ?? "unknown reason"}`, tone: "red" };
  }
  if (m.follow !== "following") return { text: "Sent · not followed", tone: "grey" };
  if (!stats) return { text: "Sent", tone: "grey" };
  if (stats.replies > 0) {
    return { text: stats.replies === 1 ? "Replied" : `Replied ${stats.replies} times`, tone: "green" };
  }
  if (stats.opens === 0) return { text: "Not opened yet", tone: "amber" };
  const last = formatRelative(stats.lastOpenedAt!, now, zone);
  return stats.opens === 1
    ? { text: `Opened once · ${last}`, tone: "green" }
    : { text: `Opened ${stats.opens} times · last opened ${last}`, tone: "green" };
}
