import assert from "node:assert/strict";
import { type Card, sortCards } from "./types.ts";

const card = (id: string, fields: Partial<Card>): Card => ({
  id,
  teamId: "t",
  userId: "u",
  kind: "reminder",
  messageId: "m",
  alarmId: null,
  subject: "",
  recipientLabel: "",
  contactId: null,
  companyId: null,
  recipientZone: null,
  headline: "",
  eventAt: 0,
  comment: "",
  lateByMs: null,
  status: "active",
  snoozedUntil: null,
  job: null,
  readAt: null,
  createdAt: 1_000,
  updatedAt: 1_000,
  ...fields,
});

Deno.test("cards order - active by urgency then newest, then snoozed by when they come back; ties by id", () => {
  const cards = [
    card("a1", {}),
    card("a2", {}),
    card("failed", { kind: "send_failed", createdAt: 500 }),
    card("newer", { createdAt: 2_000 }),
    card("back-later", { status: "snoozed", snoozedUntil: 9_000, kind: "send_failed" }),
    card("back-sooner", { status: "snoozed", snoozedUntil: 5_000 }),
  ];
  const expected = ["failed", "newer", "a2", "a1", "back-sooner", "back-later"];
  // The same order whatever order they come in (a live update puts its card first).
  for (const input of [cards, [...cards].reverse(), [cards[1], cards[0], ...cards.slice(2)]]) {
    assert.deepEqual(sortCards(input).map((c) => c.id), expected);
  }
});
