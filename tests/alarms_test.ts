import assert from "node:assert/strict";
import { copyAlarmsToCopies } from "../lib/alarms/alarms.ts";
import { assistantKeys } from "../lib/assistant/keys.ts";
import { ManualClock } from "../lib/clock/clock.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client, teammate } from "./helpers/client.ts";
import { personRequest } from "./helpers/people.ts";
import { outbox, sendEmail, trackingPaths } from "./helpers/mail.ts";

const start = Date.parse("2026-03-02T09:00:00Z");
const hour = 3600_000;
const KEN = "ken@globex.example";

async function setup(draft: Record<string, unknown> = {}) {
  const t = await makeTestApp({ clock: new ManualClock(start) });
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example" });
  await ana.api("POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    timeZone: "Asia/Tokyo",
  });
  const { ids } = await sendEmail(t, ana, { to: ["ken@globex.example"], ...draft });
  const [email] = await outbox(t, me.team.id);
  const live: LiveEvent[] = [];
  t.deps.realtime.subscribe(me.team.id, (e) => live.push(e));
  const open = async () => {
    await personRequest(t, trackingPaths(email.html).pixel!);
    await t.deps.recorder.idle();
  };
  return { t, ana, me, id: ids[0], open, live };
}

const cards = async (c: Client) => (await c.api("GET", "/cards")).json;

Deno.test("alarms - 'not opened by' fires a card at the deadline when nobody opened", async () => {
  const { t, ana, id, live } = await setup();
  await using _ = t;
  const r = await ana.api("POST", `/messages/${id}/alarms`, {
    condition: "not_opened",
    at: start + 2 * hour,
    comment: "Call if silent",
  });
  assert.equal(r.status, 201);
  t.clock.set(start + 2 * hour - 1);
  await t.deps.scheduler.drain();
  assert.equal((await cards(ana)).items.length, 0, "not before the deadline");
  t.clock.set(start + 2 * hour);
  await t.deps.scheduler.drain();
  const { items, unread } = await cards(ana);
  assert.equal(items.length, 1);
  assert.equal(items[0].kind, "not_opened");
  assert.equal(items[0].headline, "Ken Sato hasn't opened your email yet");
  assert.equal(items[0].comment, "Call if silent");
  assert.equal(unread, 1);
  const alarm = (await ana.api("GET", `/messages/${id}/alarms`)).json.items[0];
  assert.equal(alarm.status, "fired");
  assert.ok(live.some((e) => e.type === "card.created"), "pushed live");
});

Deno.test("alarms - an open before the deadline resolves 'not opened' at once; no card", async () => {
  const { t, ana, id, open } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "not_opened", at: start + 2 * hour });
  await ana.api("POST", `/messages/${id}/alarms`, {
    condition: "reminder",
    at: start + 3 * hour,
    comment: "Check in",
  });
  t.clock.advance(hour);
  await open();
  const [notOpened, reminder] = (await ana.api("GET", `/messages/${id}/alarms`)).json.items;
  assert.equal(notOpened.status, "resolved");
  assert.equal(notOpened.outcome, "Opened by Ken Sato", "by the name the email went to");
  assert.equal(reminder.status, "pending", "reminders always go off");
  // Opened now, a new alarm for no open could never go off: refused, saying who opened it, nothing added.
  const again = await ana.api("POST", `/messages/${id}/alarms`, {
    condition: "not_opened",
    at: start + 5 * hour,
  });
  assert.equal(again.status, 400);
  assert.equal(
    again.json.error.fields.condition,
    "Opened by Ken Sato already, so this alarm would never go off. Use “Remind me at” instead.",
  );
  // Nor can the reminder be turned into one; a "no reply" alarm is still fine.
  assert.equal((await ana.api("PATCH", `/alarms/${reminder.id}`, { condition: "not_opened" })).status, 400);
  assert.equal(
    (await ana.api("POST", `/messages/${id}/alarms`, { condition: "no_reply", at: start + 5 * hour })).status,
    201,
  );
  assert.equal((await ana.api("GET", `/messages/${id}/alarms`)).json.items.length, 3);
  t.clock.set(start + 3 * hour);
  await t.deps.scheduler.drain();
  const kinds = (await cards(ana)).items.map((c: { kind: string }) => c.kind).sort();
  assert.deepEqual(kinds, ["email_opened", "reminder"]);
});

Deno.test("alarms - an open landing between deadline and wake-up still settles it (late event)", async () => {
  const { t, ana, id, open } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "not_opened", at: start + hour });
  t.clock.set(start + hour + 5_000);
  await open(); // opened just after the deadline, before any wake-up ran
  await t.deps.scheduler.drain();
  assert.equal((await ana.api("GET", `/messages/${id}/alarms`)).json.items[0].status, "resolved");
  assert.deepEqual((await cards(ana)).items.map((c: { kind: string }) => c.kind), ["email_opened"]);
});

Deno.test("alarms - several alarms on one message, each settled on its own", async () => {
  const { t, ana, id } = await setup();
  await using _ = t;
  for (const [condition, at] of [["no_reply", 1], ["not_opened", 2], ["reminder", 3]] as const) {
    assert.equal(
      (await ana.api("POST", `/messages/${id}/alarms`, { condition, at: start + at * hour })).status,
      201,
    );
  }
  t.clock.set(start + 4 * hour);
  await t.deps.scheduler.drain();
  const kinds = (await cards(ana)).items.map((c: { kind: string }) => c.kind).sort();
  assert.deepEqual(kinds, ["no_reply", "not_opened", "reminder"]);
});

Deno.test("alarms - a recipients subset: only those recipients' opens count", async () => {
  const t = await makeTestApp({ clock: new ManualClock(start) });
  await using _ = t;
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example" });
  const { ids } = await sendEmail(t, ana, {
    to: ["ken@globex.example", "lee@globex.example"],
    sendIndividually: true,
  });
  const emails = await outbox(t, me.team.id);
  const kenCopy = ids[0];
  const forLee = await ana.api("POST", `/messages/${ids[0]}/alarms`, {
    condition: "not_opened",
    at: start + hour,
    recipients: ["lee@globex.example"],
  });
  assert.equal(forLee.status, 400, "a copy's alarm can only watch its own recipient");
  assert.match(forLee.json.error.fields.recipients, /not a To recipient/);
  const kenEmail = emails.find((e) => e.to[0] === "ken@globex.example")!;
  await ana.api("POST", `/messages/${kenCopy}/alarms`, {
    condition: "not_opened",
    at: start + hour,
    recipients: ["ken@globex.example"],
  });
  await personRequest(t, trackingPaths(kenEmail.html).pixel!);
  await t.deps.recorder.idle();
  assert.equal((await ana.api("GET", `/messages/${kenCopy}/alarms`)).json.items[0].status, "resolved");
});

Deno.test("alarms - on an email to several, a card is about whom its alarm watched: one person, or all", async () => {
  const { t, ana } = await setup();
  await using _ = t;
  const zoe = (await ana.api("POST", "/contacts", {
    firstName: "Zoë",
    lastName: "Martin",
    email: "zoe@example.example",
  })).json;
  // Ken (Asia/Tokyo) comes first in To: the cards used to take his name, zone and contact.
  const { ids: [id] } = await sendEmail(t, ana, { to: ["ken@globex.example", "zoe@example.example"] });
  await ana.api("POST", `/messages/${id}/alarms`, {
    condition: "not_opened",
    at: t.clock.now() + hour,
    recipients: ["zoe@example.example"],
  });
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "no_reply", at: t.clock.now() + hour });
  t.clock.advance(hour);
  await t.deps.scheduler.drain();
  const { items } = await cards(ana);
  const card = (kind: string) => items.find((c: { kind: string }) => c.kind === kind);
  assert.deepEqual(
    pickCard(card("not_opened")),
    {
      headline: "Zoë Martin hasn't opened your email yet",
      contactId: zoe.id,
      companyId: null,
      recipientZone: null,
    },
  );
  assert.deepEqual(pickCard(card("no_reply")), {
    headline: "No reply from any of the 2 recipients yet",
    contactId: null,
    companyId: null,
    recipientZone: null,
  });

  // With someone in Cc, whom alarms don't watch (the card's "to Ken +2" counts them), the group says "in To".
  const { ids: [copied] } = await sendEmail(t, ana, {
    to: ["ken@globex.example", "zoe@example.example"],
    cc: ["lee@globex.example"],
  });
  await ana.api("POST", `/messages/${copied}/alarms`, { condition: "no_reply", at: t.clock.now() + hour });
  t.clock.advance(hour);
  await t.deps.scheduler.drain();
  const again = (await cards(ana)).items.find((c: { messageId: string }) => c.messageId === copied);
  assert.equal(again.headline, "No reply from any of the 2 people in To yet");
});

const pickCard = ({ headline, contactId, companyId, recipientZone }: Record<string, unknown>) => ({
  headline,
  contactId,
  companyId,
  recipientZone,
});

Deno.test("alarms - watching opens needs a followed email; reminders work on any", async () => {
  const { t, ana, id } = await setup({ followWanted: false });
  await using _ = t;
  const refused = await ana.api("POST", `/messages/${id}/alarms`, {
    condition: "not_opened",
    at: start + hour,
  });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.fields.condition, /Only followed emails/);
  assert.equal(
    (await ana.api("POST", `/messages/${id}/alarms`, { condition: "reminder", at: start + hour })).status,
    201,
  );
  const past = await ana.api("POST", `/messages/${id}/alarms`, { condition: "reminder", at: start - 1 });
  assert.equal(past.status, 400);
  assert.ok(past.json.error.fields.at);
});

Deno.test("alarms - edit moves the deadline (the old wake-up does nothing); remove cancels", async () => {
  const { t, ana, id } = await setup();
  await using _ = t;
  const a =
    (await ana.api("POST", `/messages/${id}/alarms`, { condition: "reminder", at: start + hour })).json;
  assert.equal(
    (await ana.api("PATCH", `/alarms/${a.id}`, { at: start + 3 * hour, comment: "later" })).status,
    200,
  );
  t.clock.set(start + 2 * hour);
  await t.deps.scheduler.drain();
  assert.equal((await cards(ana)).items.length, 0);
  const b =
    (await ana.api("POST", `/messages/${id}/alarms`, { condition: "reminder", at: start + 2.5 * hour })).json;
  assert.equal((await ana.api("DELETE", `/alarms/${b.id}`)).status, 204);
  t.clock.set(start + 3 * hour);
  await t.deps.scheduler.drain();
  const { items } = await cards(ana);
  assert.equal(items.length, 1);
  assert.equal(items[0].comment, "later");
});

Deno.test("alarms - duplicate wake-ups never make a second card; overdue alarms say they are late", async () => {
  const { t, ana, id } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "not_opened", at: start + hour });
  t.clock.set(start + 5 * hour); // Beacon was down past the deadline
  await Promise.all([t.deps.scheduler.runDue(), t.deps.scheduler.runDue(), t.deps.scheduler.drain()]);
  const { items } = await cards(ana);
  assert.equal(items.length, 1);
  assert.equal(items[0].lateByMs, 4 * hour);
  const page = await ana.page("/assistant");
  assert.match(page.html, /4 h late/);
});

Deno.test("cards - first open makes one 'Email opened' card and a toast for the sender only", async () => {
  const { t, ana, me, open, live } = await setup();
  await using _ = t;
  await open();
  await open();
  const { items } = await cards(ana);
  assert.equal(items.filter((c: { kind: string }) => c.kind === "email_opened").length, 1);
  assert.equal(items[0].headline, "Ken Sato opened your email");
  const alerts = live.filter((e) => e.type === "alert.first_open");
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].userId, me.user.id);
});

Deno.test("cards - an email with a Cc or Bcc shares one pixel: its first open is 'Someone', not the To person", async () => {
  for (const copy of [{ cc: ["bea@globex.example"] }, { bcc: ["bea@globex.example"] }]) {
    const { t, ana, open, live } = await setup(copy);
    await using _ = t;
    await open();
    const { items } = await cards(ana);
    assert.equal(items[0].headline, "Someone opened your email", JSON.stringify(copy));
    const alert = live.find((e) => e.type === "alert.first_open")!;
    assert.equal((alert.data as { who: string }).who, "Someone");
  }
});

Deno.test("cards - snooze brings a card back unread at its time; dismiss hides it", async () => {
  const { t, ana, open } = await setup();
  await using _ = t;
  await open();
  const [card] = (await cards(ana)).items;
  await ana.api("POST", `/cards/${card.id}/actions`, { action: "read" });
  assert.equal((await cards(ana)).unread, 0);
  const snooze = await ana.api("POST", `/cards/${card.id}/actions`, {
    action: "snooze",
    until: start + 2 * hour,
  });
  assert.equal(snooze.status, 204);
  assert.equal((await cards(ana)).items[0].status, "snoozed");
  t.clock.set(start + 2 * hour);
  await Promise.all([t.deps.scheduler.drain(), t.deps.scheduler.drain()]);
  const back = await cards(ana);
  assert.equal(back.items[0].status, "active");
  assert.equal(back.unread, 1, "back, unread");
  await ana.api("POST", `/cards/${card.id}/actions`, { action: "dismiss" });
  assert.equal((await cards(ana)).items.length, 0);
  assert.equal(
    (await ana.api("POST", `/cards/${card.id}/actions`, { action: "snooze", until: start - 1 })).status,
    400,
  );
});

Deno.test("alarms, snoozes and calls - take times with an offset, and refuse a past time naming the field", async () => {
  const { t, ana, id, open } = await setup();
  await using _ = t;
  await open();
  const [card] = (await cards(ana)).items;
  const fields = async (path: string, body: Record<string, unknown>) => {
    const r = await ana.api("POST", path, body);
    assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}`);
    return r.json.error.fields;
  };
  // Without an offset the server would read it in its own zone (UTC on Deno Deploy): refused.
  const noOffset = /Give the time with its offset/;
  assert.match(
    (await fields(`/messages/${id}/alarms`, { condition: "reminder", at: "2026-03-02T12:00" })).at,
    noOffset,
  );
  assert.match(
    (await fields(`/cards/${card.id}/actions`, { action: "snooze", until: "2026-03-02T12:00" })).until,
    noOffset,
  );
  assert.match((await fields("/tasks", { subject: "Call Ken", dueAt: "2026-03-02T12:00" })).dueAt, noOffset);
  const alarm = await ana.api("POST", `/messages/${id}/alarms`, {
    condition: "reminder",
    at: "2026-03-02T21:00+09:00",
  });
  assert.equal(alarm.json.dueAt, Date.parse("2026-03-02T12:00:00Z"));

  // A past time is refused the same way everywhere, and nothing is made.
  const past = "Choose a time in the future.";
  assert.equal((await fields("/tasks", { subject: "Call Ken", dueAt: "2020-01-01T10:00:00Z" })).dueAt, past);
  assert.equal(
    (await fields(`/cards/${card.id}/actions`, { action: "snooze", until: start - 1 })).until,
    past,
  );
  assert.equal((await fields(`/messages/${id}/alarms`, { condition: "reminder", at: start - 1 })).at, past);
  assert.deepEqual((await ana.api("GET", "/tasks")).json.items, []);
  assert.equal((await cards(ana)).items[0].status, "active");
});

Deno.test("cards and tasks - per user; other teams get 404; a call task shows on the contact", async () => {
  const { t, ana, open } = await setup();
  await using _ = t;
  await open();
  const [card] = (await cards(ana)).items;
  const task = await ana.api("POST", "/tasks", {
    subject: "Call Ken about the proposal",
    dueAt: start + 24 * hour,
    notes: "Ask about budget",
    contactId: card.contactId,
    messageId: card.messageId,
    cardId: card.id,
  });
  assert.equal(task.status, 201);
  const contactPage = await ana.page(`/contacts/${card.contactId}`);
  assert.match(contactPage.html, /Call Ken about the proposal/);
  assert.equal((await ana.api("PATCH", `/tasks/${task.json.id}`, { done: true })).json.done, true);

  const bo = await teammate(t, ana, "bo@acme.example", "Bo");
  assert.equal((await cards(bo)).items.length, 0, "cards are per user");
  const others = await bo.api("POST", `/cards/${card.id}/actions`, { action: "dismiss" });
  assert.equal(others.status, 404, "another seller's card isn't there for them, as a missing one");
  assert.equal(others.json.error.message, "No such card.");
  // A request without what it needs says so in words.
  const noTime = await ana.api("POST", `/cards/${card.id}/actions`, { action: "snooze" });
  assert.deepEqual(noTime.json.error.fields, { until: "Give a time, like 2026-03-03T09:00:00Z." });
  const noAction = await ana.api("POST", `/cards/${card.id}/actions`, { action: "explode" });
  assert.deepEqual(noAction.json.error.fields, { action: "Choose read, dismiss or snooze." });
  assert.equal((await bo.api("PATCH", `/tasks/${task.json.id}`, { done: false })).status, 403);
  const eve = new Client(t);
  await eve.signUp();
  assert.equal((await eve.api("POST", `/cards/${card.id}/actions`, { action: "dismiss" })).status, 404);
  assert.equal((await eve.api("PATCH", `/tasks/${task.json.id}`, { done: false })).status, 404);
  assert.equal((await eve.api("GET", `/messages/${card.messageId}/alarms`)).status, 404);
});

Deno.test("notifications - immediate emails go to the seller through the Mailer; off by default", async () => {
  const { t, ana, me, open } = await setup();
  await using _ = t;
  assert.deepEqual((await ana.api("GET", "/me/notifications")).json, { browser: false, email: "off" });
  assert.equal(
    (await ana.api("PATCH", "/me/notifications", { email: "immediate", browser: true })).status,
    200,
  );
  await open();
  await t.deps.scheduler.drain();
  const mails = (await outbox(t, me.team.id)).filter((e) => e.to[0] === "ana@acme.example");
  assert.equal(mails.length, 1);
  assert.match(mails[0].subject, /Email opened — Proposal for Q3/);
});

Deno.test("notifications - the daily digest goes out at 08:00 the seller's time with new cards", async () => {
  const { t, ana, me, open } = await setup();
  await using _ = t;
  await ana.api("PATCH", "/me", { name: "Ana", timeZone: "Europe/Lisbon" });
  await ana.api("PATCH", "/me/notifications", { email: "digest" });
  await open();
  t.clock.set(Date.parse("2026-03-03T08:00:00Z")); // 08:00 in Lisbon (WET)
  await t.deps.scheduler.drain();
  const digest = (await outbox(t, me.team.id)).filter((e) => e.to[0] === "ana@acme.example");
  assert.equal(digest.length, 1);
  assert.match(digest[0].subject, /1 card in your assistant/);
  t.clock.set(Date.parse("2026-03-04T08:00:00Z"));
  await t.deps.scheduler.drain();
  assert.equal(
    (await outbox(t, me.team.id)).filter((e) => e.to[0] === "ana@acme.example").length,
    1,
    "no new cards, no email",
  );
});

Deno.test("notifications - a seller who changes time zone gets the next digest at 08:00 in the new one", async () => {
  const { t, ana, me, open } = await setup();
  await using _ = t;
  await ana.api("PATCH", "/me", { name: "Ana", timeZone: "Europe/Lisbon" });
  await ana.api("PATCH", "/me/notifications", { email: "digest" });
  await open();
  // Moved to New York through the settings page: 08:00 in Lisbon is 03:00 there.
  const form = await ana.form("/settings/profile", { name: "Ana", timeZone: "America/New_York" });
  assert.equal(form.status, 303);
  const digests = async () =>
    (await outbox(t, me.team.id)).filter((e) =>
      e.to[0] === "ana@acme.example" && /assistant/.test(e.subject)
    );
  t.clock.set(Date.parse("2026-03-02T12:59:00Z"));
  await t.deps.scheduler.drain();
  assert.equal((await digests()).length, 0);
  t.clock.set(Date.parse("2026-03-02T13:00:00Z")); // 08:00 in New York (EST), this morning there
  await t.deps.scheduler.drain();
  assert.equal((await digests()).length, 1);
  t.clock.set(Date.parse("2026-03-03T08:00:00Z")); // 08:00 in Lisbon, 03:00 in New York
  await t.deps.scheduler.drain();
  assert.equal((await digests()).length, 1, "nothing at 08:00 in the old zone");
});

Deno.test("alarms - an open or reply deadline before the send is refused, and so is a send time after one; a deadline that passes unsent says so", async () => {
  await using t = await makeTestApp({ clock: new ManualClock(start) });
  const ana = new Client(t);
  await ana.signUp();
  const draft = async () =>
    (await ana.api("POST", "/messages", { to: ["ken@globex.example"], subject: "Pilot", html: "<p>Hi</p>" }))
      .json.id as string;
  const scheduled = await draft();
  await ana.api("POST", `/messages/${scheduled}/schedule`, { at: start + 3 * hour });
  const alarm = (condition: string, at: number, id = scheduled) =>
    ana.api("POST", `/messages/${id}/alarms`, { condition, at });

  // Ken can't reply at 10:00 to an email that goes out at noon: refused, naming the time, nothing kept.
  const early = await alarm("no_reply", start + hour);
  assert.equal(early.status, 400);
  assert.match(early.json.error.fields.at, /scheduled to go out after this time/);
  assert.equal((await alarm("not_opened", start + 3 * hour)).status, 400, "not even at the send time");
  assert.deepEqual((await ana.api("GET", `/messages/${scheduled}/alarms`)).json.items, []);
  assert.equal((await alarm("reminder", start + hour)).status, 201, "a reminder needs no sent email");
  const later = await alarm("no_reply", start + 4 * hour);
  assert.equal(later.status, 201);
  const moved = await ana.api("PATCH", `/alarms/${later.json.id}`, { at: start + 2 * hour });
  assert.equal(moved.status, 400, "nor moved before the send");

  // Nor is the send moved past it, or a draft scheduled past its own: the refusal names the alarm.
  const moved2 = await ana.api("PATCH", `/messages/${scheduled}/schedule`, { at: start + 5 * hour });
  assert.equal(moved2.status, 400);
  assert.equal(
    moved2.json.error.fields.at,
    "Your alarm “If I don't get a reply by Mon 2 Mar, 13:00” would go off before the email goes out: " +
      "choose an earlier time, or move the alarm.",
  );
  const stillDraft = await draft();
  assert.equal((await alarm("not_opened", start + hour, stillDraft)).status, 201);
  const late = await ana.api("POST", `/messages/${stillDraft}/schedule`, { at: start + 2 * hour });
  assert.equal(late.status, 400);
  assert.match(late.json.error.fields.at, /“If it isn't opened by Mon 2 Mar, 10:00” would go off before/);
  assert.equal((await ana.api("GET", `/messages/${stillDraft}`)).json.status, "draft", "nothing changed");

  // The draft's alarm goes off while it is still a draft: the card says the email never went out, not that
  // Ken didn't open it.
  t.clock.set(start + hour);
  await t.deps.scheduler.drain();
  const headlines = (await cards(ana)).items.map((c: { headline: string }) => c.headline).sort();
  assert.deepEqual(headlines, ["Your email was never sent: it is still a draft", "Your reminder"]);
});

Deno.test("alarms - a recipient's time beside the seller's names their day when it is another date", async () => {
  // Monday 19:30 in Lisbon is Tuesday 04:30 in Tokyo.
  await using t = await makeTestApp({ clock: new ManualClock(Date.parse("2026-03-02T19:30:00Z")) });
  const ana = new Client(t);
  await ana.signUp({ timeZone: "Europe/Lisbon" });
  await ana.api("POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: KEN,
    timeZone: "Asia/Tokyo",
  });
  const { ids: [id] } = await sendEmail(t, ana, { to: [KEN] });
  const at = Date.parse("2026-03-02T20:00:00Z");
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "not_opened", at: at + hour });
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "reminder", at });
  const text = async (path: string) =>
    (await ana.page(path)).html.replace(/<[^>]+>/g, "").replace(/&amp;#x27;|&#x27;/g, "'");

  const page = await text(`/messages/${id}`);
  assert.match(page, /Mon 2 Mar, 19:30 · Tue 04:30 for Ken in Tokyo/, "the history");
  assert.match(page, /Tue 06:00 for Ken Sato in Tokyo/, "a pending alarm");
  t.clock.set(at);
  await t.deps.scheduler.drain();
  assert.match(await text("/assistant"), /Mon 2 Mar, 20:00 · Tue 05:00 in Tokyo/, "the card");
});

Deno.test("cards - a snoozed card comes back after hundreds of newer cards were dismissed", async () => {
  const { t, ana, me, id, open } = await setup();
  await using _ = t;
  await open();
  const [opened] = (await cards(ana)).items;
  const week = start + 7 * 24 * hour;
  await ana.api("POST", `/cards/${opened.id}/actions`, { action: "snooze", until: week });
  // A busy week: 210 reminders go off, and each card is dealt with.
  for (let i = 1; i <= 210; i++) {
    await ana.api("POST", `/messages/${id}/alarms`, { condition: "reminder", at: start + hour + i * 60_000 });
  }
  t.clock.set(start + 5 * hour);
  await t.deps.scheduler.drain();
  const reminders = (await cards(ana)).items;
  assert.equal(reminders.length, 200, "the board shows at most 200");
  for (const card of reminders) await ana.api("POST", `/cards/${card.id}/actions`, { action: "dismiss" });
  const rest = (await cards(ana)).items as { id: string; kind: string; status: string }[];
  assert.deepEqual(
    rest.map((c) => c.status === "snoozed" ? c.id : c.kind).sort(),
    [...Array(10).fill("reminder"), opened.id].sort(),
    "the other reminders and the snoozed card show once there is room",
  );
  for (const card of rest.filter((c) => c.kind === "reminder")) {
    await ana.api("POST", `/cards/${card.id}/actions`, { action: "dismiss" });
  }
  t.clock.set(week);
  await t.deps.scheduler.drain();
  const back = (await cards(ana)).items;
  assert.deepEqual(back.map((c: { id: string; status: string }) => [c.id, c.status]), [[
    opened.id,
    "active",
  ]]);
  // A card dismissed while dismissing left it on the seller's index is taken off when it is met.
  const stale = assistantKeys.cardByUser(me.team.id, me.user.id, reminders[0].id);
  await t.kv.set(stale, reminders[0].id);
  assert.equal((await cards(ana)).items.length, 1);
  assert.equal((await t.kv.get(stale)).versionstamp, null);
});

Deno.test("tasks - an open task stays on the list however many newer ones were done", async () => {
  const { t, ana } = await setup();
  await using _ = t;
  const plan = async (subject: string) =>
    (await ana.api("POST", "/tasks", { subject, dueAt: start + 30 * 24 * hour })).json.id as string;
  const old = await plan("Call Ken about the renewal");
  for (let i = 0; i < 505; i++) {
    assert.equal((await ana.api("PATCH", `/tasks/${await plan(`Call ${i}`)}`, { done: true })).status, 200);
  }
  const list = async () => (await ana.api("GET", "/tasks")).json.items as { id: string; done: boolean }[];
  const [first, ...rest] = await list();
  assert.deepEqual([first.id, first.done], [old, false], "the open task first");
  assert.equal(rest.length, 500, "then the 500 most recently planned of those done");
  // Done, it leaves the open ones; undone, it is back.
  assert.equal((await ana.api("PATCH", `/tasks/${old}`, { done: true })).status, 200);
  assert.ok((await list()).every((task) => task.done));
  assert.equal((await ana.api("PATCH", `/tasks/${old}`, { done: false })).status, 200);
  assert.equal((await list())[0].id, old);
});

Deno.test("tasks - a task's subject, notes and time change, by the API and its edit page; deleted, nothing is left", async () => {
  const { t, ana } = await setup();
  await using _ = t;
  const ken = (await ana.api("GET", "/contacts")).json.items[0];
  const task = (await ana.api("POST", "/tasks", {
    subject: "Call Ken",
    dueAt: start + 24 * hour,
    notes: "Budget",
    contactId: ken.id,
  })).json;
  assert.deepEqual((await ana.api("GET", `/tasks/${task.id}`)).json, task);
  // About a contact or an email the team doesn't have: the fields are named, nothing is made.
  const unknown = await ana.api("POST", "/tasks", {
    subject: "Call",
    dueAt: start + hour,
    contactId: "01M998VJ3DXYKXD9E3JDMSJD7Z",
    messageId: "01M998VJ3DXYKXD9E3JDMSJD7Z",
  });
  assert.deepEqual([unknown.status, Object.keys(unknown.json.error.fields)], [400, [
    "contactId",
    "messageId",
  ]]);
  assert.equal((await ana.api("GET", "/tasks")).json.items.length, 1);
  const moved = await ana.api("PATCH", `/tasks/${task.id}`, {
    subject: "Call Ken Sato",
    dueAt: "2026-03-04T10:00:30Z",
  });
  assert.deepEqual(
    [moved.status, moved.json.subject, moved.json.dueAt, moved.json.notes, moved.json.done],
    [200, "Call Ken Sato", Date.parse("2026-03-04T10:00:30Z"), "Budget", false],
  );
  const past = await ana.api("PATCH", `/tasks/${task.id}`, { subject: "Call", dueAt: start - hour });
  assert.equal(past.status, 400);
  assert.equal(past.json.error.fields.dueAt, "Choose a time in the future.");
  assert.equal(
    (await ana.api("GET", `/tasks/${task.id}`)).json.subject,
    "Call Ken Sato",
    "nothing of it saved",
  );

  // The page: an Edit link on the list; the form shows the time in the seller's zone (Lisbon: UTC in March).
  assert.match((await ana.page("/tasks")).html, new RegExp(`href="/tasks/${task.id}/edit"`));
  assert.match(
    (await ana.page(`/tasks/${task.id}/edit`)).html,
    /name="dueAt" type="datetime-local" value="2026-03-04T10:00"/,
  );
  // Overdue, it is renamed with its time as shown (to the minute): that is its own time, kept to the second,
  // not a new one in the past.
  t.clock.set(Date.parse("2026-03-05T09:00:00Z"));
  const fields = { subject: "Call Ken, again", dueAt: "2026-03-04T10:00", notes: "Budget" };
  assert.equal((await ana.form(`/tasks/${task.id}`, fields)).status, 303);
  const renamed = (await ana.api("GET", `/tasks/${task.id}`)).json;
  assert.deepEqual([renamed.subject, renamed.dueAt], ["Call Ken, again", Date.parse("2026-03-04T10:00:30Z")]);
  // A new time that has passed is refused beside its field, with what was typed kept.
  const refused = await ana.form(`/tasks/${task.id}`, { ...fields, dueAt: "2026-03-05T08:00" });
  assert.equal(refused.status, 400);
  const html = await refused.text();
  assert.match(html, /Choose a time in the future\./);
  assert.match(
    html,
    /name="dueAt" type="datetime-local" value="2026-03-05T08:00" required aria-invalid="true"/,
  );
  assert.equal((await ana.form(`/tasks/${task.id}`, { ...fields, dueAt: "" })).status, 400);
  assert.equal(
    (await ana.form(`/tasks/${task.id}`, { ...fields, dueAt: "2026-03-06T15:30", notes: "" })).status,
    303,
  );
  const now = (await ana.api("GET", `/tasks/${task.id}`)).json;
  assert.deepEqual([now.dueAt, now.notes], [Date.parse("2026-03-06T15:30:00Z"), ""]);

  // Another seller's task is not theirs to read, change or delete.
  const bo = await teammate(t, ana, "bo@acme.example", "Bo");
  for (const [method, body] of [["GET"], ["PATCH", { subject: "Mine" }], ["DELETE"]] as const) {
    assert.equal((await bo.api(method, `/tasks/${task.id}`, body)).status, 403, method);
  }
  assert.equal((await bo.page(`/tasks/${task.id}/edit`)).status, 403);
  assert.equal((await bo.form(`/tasks/${task.id}/delete`, {})).status, 403);

  const deleted = await ana.form(`/tasks/${task.id}/delete`, {});
  assert.equal(deleted.headers.get("location"), "/tasks?focus=list");
  // None left: the focus is on the empty list, not on the page.
  assert.match(
    (await ana.page("/tasks?focus=list")).html,
    /<section aria-label="Tasks" tabindex="-1" autofocus><div class="empty">/,
  );
  assert.equal((await ana.api("GET", `/tasks/${task.id}`)).status, 404);
  assert.deepEqual((await ana.api("GET", "/tasks")).json.items, []);
  const left = (await Array.fromAsync(t.kv.list({ prefix: [] }))).filter((e) => e.key.includes(task.id));
  assert.deepEqual(left.map((e) => e.key), [], "no index keeps it");
  assert.equal((await ana.api("DELETE", `/tasks/${task.id}`)).status, 404);
});

Deno.test("alarms - an alarm changed in another tab while 'send individually' copies it fails the send, not the change", async () => {
  const t = await makeTestApp({ clock: new ManualClock(start) });
  await using _ = t;
  const ana = new Client(t);
  const me = await ana.signUp();
  const draft = (await ana.api("POST", "/messages", {
    to: [KEN, "lee@globex.example"],
    subject: "Pilot",
    html: "<p>Hi</p>",
    sendIndividually: true,
  })).json;
  const alarm = (await ana.api("POST", `/messages/${draft.id}/alarms`, {
    condition: "no_reply",
    at: start + 24 * hour,
  })).json;
  const to = (email: string) => [{ email, name: "", contactId: null }];
  const copies = [{ id: draft.id, to: to(KEN) }, { id: "copy", to: to("lee@globex.example") }];
  const op = t.kv.atomic();
  await copyAlarmsToCopies(t.kv, t.deps.scheduler, op, { teamId: me.team.id, id: draft.id }, copies, start);
  // Meanwhile, another tab moves the deadline.
  const moved = await ana.api("PATCH", `/alarms/${alarm.id}`, { at: start + 48 * hour });
  assert.equal(moved.status, 200);
  assert.equal((await op.commit()).ok, false, "the send's commit is refused");
  assert.equal((await ana.api("GET", `/messages/${draft.id}/alarms`)).json.items[0].dueAt, start + 48 * hour);
});
