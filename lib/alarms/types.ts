import type { JobRef } from "../scheduler/scheduler.ts";

/**
 * "If I don't get a reply from … by …", "If it isn't opened by … by …", "Remind me at …".
 * As many as the seller needs, on a draft, a scheduled or a sent message.
 */
export type AlarmCondition = "no_reply" | "not_opened" | "reminder";

export type AlarmStatus = "pending" | "fired" | "resolved" | "cancelled";

export interface Alarm {
  id: string;
  teamId: string;
  messageId: string;
  /** The seller who gets the card: the message's sender. */
  ownerId: string;
  condition: AlarmCondition;
  dueAt: number;
  comment: string;
  /** Emails of the recipients the condition is about; empty means every To recipient. */
  recipients: string[];
  status: AlarmStatus;
  job: JobRef | null;
  /** What settled it: "Opened by Ken Sato" / "Ken replied" / "Reminder shown". */
  outcome: string | null;
  cardId: string | null;
  lateByMs: number | null;
  createdAt: number;
  updatedAt: number;
  settledAt: number | null;
}

export const CONDITION_LABELS: Record<AlarmCondition, string> = {
  no_reply: "If I don't get a reply by",
  not_opened: "If it isn't opened by",
  reminder: "Remind me at",
};
