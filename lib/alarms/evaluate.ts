/** Whether an alarm's condition still holds, from the message's engagement. Pure. */
import type { Alarm } from "./types.ts";

/** What a condition is checked against: counted opens and replies, with who did them when known. */
export interface Engagement {
  /** To recipients of the message, in order (event recipient indexes point here). */
  to: string[];
  /** Counted (human) opens: recipient email, or null when the copy was shared and the opener unknown. */
  opens: { by: string | null; at: number }[];
  /** Replies from recipients (auto-replies and third parties excluded). */
  replies: { by: string; at: number }[];
  /** Recipients' names by lower-cased address, for saying who did what; an address without one is said. */
  names?: Record<string, string>;
}

export type Verdict = { holds: true } | { holds: false; outcome: string };

const lower = (s: string) => s.toLowerCase();

/** The recipients an alarm is about (its subset, or everyone in To). */
export function watched(alarm: Pick<Alarm, "recipients">, engagement: Engagement): string[] {
  return (alarm.recipients.length ? alarm.recipients : engagement.to).map(lower);
}

/**
 * "Not opened": settled by an open of any watched recipient. When opens can't be
 * attributed (one copy shared by several people), any open settles it — the UI says so.
 * "No reply": settled when any watched recipient replied. "Remind me": always holds.
 */
export function evaluate(alarm: Pick<Alarm, "condition" | "recipients">, engagement: Engagement): Verdict {
  const people = watched(alarm, engagement);
  const called = (email: string) => engagement.names?.[lower(email)] || email;
  if (alarm.condition === "reminder") return { holds: true };
  if (alarm.condition === "not_opened") {
    const open = engagement.opens.find((o) => o.by === null || people.includes(lower(o.by)));
    return open
      ? { holds: false, outcome: open.by ? `Opened by ${called(open.by)}` : "Opened" }
      : { holds: true };
  }
  const reply = engagement.replies.find((r) => people.includes(lower(r.by)));
  return reply ? { holds: false, outcome: `${called(reply.by)} replied` } : { holds: true };
}
