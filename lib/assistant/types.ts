import type { JobRef } from "../scheduler/scheduler.ts";

export type CardKind =
  | "email_opened"
  | "email_replied"
  | "no_reply"
  | "not_opened"
  | "reminder"
  | "send_failed";
export type CardStatus = "active" | "snoozed" | "dismissed";

/** An action card in a seller's assistant. */
export interface Card {
  id: string;
  teamId: string;
  userId: string;
  kind: CardKind;
  messageId: string;
  alarmId: string | null;
  subject: string;
  /** Who the message went to (display), and the records it concerns. */
  recipientLabel: string;
  /** The one person it is about, by name; null when about several (absent on cards made before it was kept). */
  personName?: string | null;
  contactId: string | null;
  companyId: string | null;
  /** The recipient's zone, to show the event time in their local time too. */
  recipientZone: string | null;
  /** What happened, in words: "Ken Sato opened your email", "No reply from Ken Sato yet". */
  headline: string;
  /** When the triggering event happened (the open, the reply, the alarm's deadline). */
  eventAt: number;
  comment: string;
  /** Set when an alarm fired late (after downtime), by how much. */
  lateByMs: number | null;
  status: CardStatus;
  snoozedUntil: number | null;
  job: JobRef | null;
  readAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export const CARD_TITLES: Record<CardKind, string> = {
  email_opened: "Email opened",
  email_replied: "Email replied",
  no_reply: "No reply yet",
  not_opened: "Not opened yet",
  reminder: "Reminder",
  send_failed: "Not sent",
};

/** Higher first: what needs action before what is news. */
export const URGENCY: Record<CardKind, number> = {
  send_failed: 4,
  no_reply: 3,
  not_opened: 3,
  email_replied: 2,
  reminder: 2,
  email_opened: 1,
};

/** A phone call (or other follow-up) to do, from a card or by hand. */
export interface Task {
  id: string;
  teamId: string;
  userId: string;
  kind: "call";
  subject: string;
  notes: string;
  dueAt: number;
  contactId: string | null;
  messageId: string | null;
  cardId: string | null;
  done: boolean;
  doneAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A card the seller hasn't seen yet: active, never read (the bell counts these). */
export const isUnread = (c: Card) => c.status === "active" && c.readAt === null;

/**
 * Active cards first, by urgency, then newest; then the snoozed, the soonest back first. Ties go by id, so the
 * order is the same however the list was put together (a live update puts its card first before sorting).
 * Pure.
 */
export function sortCards(cards: Card[]): Card[] {
  const back = (c: Card) => c.status === "snoozed" ? c.snoozedUntil ?? 0 : 0;
  return [...cards].sort((a, b) =>
    Number(b.status === "active") - Number(a.status === "active") ||
    back(a) - back(b) ||
    URGENCY[b.kind] - URGENCY[a.kind] ||
    b.createdAt - a.createdAt ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}
