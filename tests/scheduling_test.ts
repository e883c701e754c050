import assert from "node:assert/strict";
import { ManualClock } from "../lib/clock/clock.ts";
import { OutboxMailer } from "../lib/mail/outbox.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client, teammate } from "./helpers/client.ts";
import { outbox } from "./helpers/mail.ts";

const start = Date.parse("2026-03-02T09:00:00Z"); // a Monday

async function setup(options: Omit<NonNullable<Parameters<typeof makeTestApp>[0]>, "clock"> = {}) {
  const t = await makeTestApp({ clock: new ManualClock(start), ...options });
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example", timeZone: "Europe/Lisbon" });
  await ana.api("POST", "/contacts", {
    firstName: "Ken",
    email: "ken@globex.example",
    timeZone: "Asia/Tokyo",
  });
  const draft =
    (await ana.api("POST", "/messages", { to: ["ken@globex.example"], subject: "Later", html: "<p>Hi</p>" }))
      .json;
  return { t, ana, me, draft };
}

Deno.test("scheduling - a scheduled send goes out when due, not before", async () => {
  const { t, ana, me, draft } = await setup();
  await using _ = t;
  const at = start + 2 * 3600_000;
  const r = await ana.api("POST", `/messages/${draft.id}/schedule`, { at: new Date(at).toISOString() });
  assert.equal(r.status, 202);
  const scheduled = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(scheduled.status, "scheduled");
  assert.equal(scheduled.job.dueAt, at);
  assert.equal(scheduled.statusText, "Scheduled to send Mon 2 Mar, 11:00 (20:00 Ken's time)");
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 0);
  t.clock.set(at);
  await t.deps.scheduler.drain();
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.status, "sent");
  assert.equal((await outbox(t, me.team.id)).length, 1);
});

Deno.test("scheduling - times in the past or too far ahead are refused, naming the field", async () => {
  const { t, ana, draft } = await setup();
  await using _ = t;
  for (const at of [start - 1000, "not a date", start + 400 * 86_400_000]) {
    const r = await ana.api("POST", `/messages/${draft.id}/schedule`, { at });
    assert.equal(r.status, 400, String(at));
    assert.ok(r.json.error.fields.at);
  }
  // A time without its offset would be read in the server's zone (UTC on Deno Deploy): refused, not guessed.
  const local = await ana.api("POST", `/messages/${draft.id}/schedule`, { at: "2026-03-03T09:10" });
  assert.equal(local.status, 400);
  assert.match(local.json.error.fields.at, /^Give the time with its offset, like 2026-03-03T09:10:00Z\.$/);
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.status, "draft");
});

Deno.test("scheduling - reschedule moves the send; the old wake-up does nothing", async () => {
  const { t, ana, me, draft } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at: start + 3600_000 });
  const moved = await ana.api("PATCH", `/messages/${draft.id}/schedule`, { at: start + 5 * 3600_000 });
  assert.equal(moved.status, 200);
  t.clock.set(start + 3600_000);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 0, "the first time is gone");
  t.clock.set(start + 5 * 3600_000);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 1);
  const late = await ana.api("PATCH", `/messages/${draft.id}/schedule`, { at: start + 9 * 3600_000 });
  assert.equal(late.status, 409, "after sending the time can't change");
});

Deno.test("scheduling - cancel turns the message back into a draft, and nothing is sent", async () => {
  const { t, ana, me, draft } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at: start + 3600_000 });
  const cancelled = await ana.api("DELETE", `/messages/${draft.id}/schedule`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.json.status, "draft");
  t.clock.set(start + 7200_000);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 0);
  assert.equal((await ana.api("PATCH", `/messages/${draft.id}`, { subject: "Edited again" })).status, 200);
  assert.equal((await ana.api("DELETE", `/messages/${draft.id}/schedule`)).status, 409);
});

Deno.test("scheduling - only the sender reschedules or cancels; other teams get 404", async () => {
  const { t, ana, draft } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at: start + 3600_000 });
  const bo = await teammate(t, ana, "bo@acme.example", "Bo");
  assert.equal(
    (await bo.api("PATCH", `/messages/${draft.id}/schedule`, { at: start + 7200_000 })).status,
    403,
  );
  assert.equal((await bo.api("DELETE", `/messages/${draft.id}/schedule`)).status, 403);
  const eve = new Client(t);
  await eve.signUp();
  assert.equal((await eve.api("DELETE", `/messages/${draft.id}/schedule`)).status, 404);
});

Deno.test("scheduling - after downtime an overdue send goes out at once, marked late by how much", async () => {
  const { t, ana, draft } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at: start + 3600_000 });
  // Beacon was down for three hours past the due time; start-up runs what is overdue.
  t.clock.set(start + 4 * 3600_000);
  await t.deps.scheduler.drain();
  const sent = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(sent.status, "sent");
  assert.equal(sent.lateByMs, 3 * 3600_000);
  const page = await ana.page(`/messages/${draft.id}`);
  assert.match(page.html, /3 h late: Beacon was not running when it was due/);
});

Deno.test("scheduling - duplicate wake-ups of a scheduled send deliver once", async () => {
  const { t, ana, me, draft } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at: start + 60_000 });
  t.clock.set(start + 60_000);
  await Promise.all(Array.from({ length: 5 }, () => t.deps.scheduler.runDue()));
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 1);
});

Deno.test("scheduling - sends more than 30 days ahead work (beyond the KV queue's limit)", async () => {
  const { t, ana, me, draft } = await setup();
  await using _ = t;
  const at = start + 45 * 86_400_000;
  assert.equal((await ana.api("POST", `/messages/${draft.id}/schedule`, { at })).status, 202);
  t.clock.set(at - 1000);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 0);
  t.clock.set(at);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 1);
});

Deno.test("scheduling - a send is prepared ahead but goes out at its time, and a late cancel still holds", async () => {
  const { t, ana, me, draft } = await setup();
  await using _ = t;
  const at = start + 3600_000;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at });
  t.clock.set(at - 2000);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 0, "claimed and prepared, not sent early");
  assert.equal((await ana.api("DELETE", `/messages/${draft.id}/schedule`)).json.status, "draft");
  t.clock.set(at);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 0, "cancelled in its last seconds: nothing goes out");

  const again = start + 2 * 3600_000;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at: again });
  t.clock.set(again - 1000);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 0);
  t.clock.set(again);
  await t.deps.scheduler.drain();
  const sent = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(sent.status, "sent");
  assert.equal(sent.sentAt, again);
  assert.equal((await outbox(t, me.team.id)).length, 1);
});

Deno.test("scheduling - a copy of 'send individually' made a draft again can be edited or discarded; the others keep their text", async () => {
  const { t, ana, me, draft } = await setup();
  await using _ = t;
  await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@initech.example" });
  await ana.api("PATCH", `/messages/${draft.id}`, {
    to: ["ken@globex.example", "lee@initech.example"],
    html: "<p>The original text</p>",
    sendIndividually: true,
  });
  const at = start + 3600_000;
  const scheduled = await ana.api("POST", `/messages/${draft.id}/schedule`, { at });
  assert.equal(scheduled.status, 202);
  const ids: string[] = scheduled.json.items.map((m: { id: string }) => m.id);
  assert.equal(ids.length, 2);
  // The copy the draft became goes back to draft, gets a longer text (two chunks), and is discarded.
  const [first, kept] = ids;
  assert.equal((await ana.api("DELETE", `/messages/${first}/schedule`)).json.status, "draft");
  const edited = await ana.api("PATCH", `/messages/${first}`, {
    html: `<p>${"A new text. ".repeat(9000)}</p>`,
  });
  assert.equal(edited.status, 200);
  assert.equal((await ana.api("DELETE", `/messages/${first}`)).status, 204);
  const other = await ana.api("GET", `/messages/${kept}`);
  assert.equal(other.status, 200);
  assert.equal(other.json.html, "<p>The original text</p>");
  t.clock.set(at);
  await t.deps.scheduler.drain();
  const emails = await outbox(t, me.team.id);
  assert.equal(emails.length, 1);
  assert.deepEqual(emails[0].to, ["lee@initech.example"]);
  assert.match(emails[0].html, /The original text/);
  assert.equal((await ana.api("GET", `/messages/${kept}`)).json.status, "sent");
});

Deno.test("scheduling - a cancel that comes as the email is handed to the provider is refused: it went out", async () => {
  let handingOver = async () => {};
  const { t, ana, me, draft } = await setup({
    mailer: (kv, clock) => {
      const outbox = new OutboxMailer(kv, clock);
      return {
        name: "outbox",
        send: async (email, options) => (await handingOver(), outbox.send(email, options)),
      };
    },
  });
  await using _ = t;
  const at = start + 3600_000;
  await ana.api("POST", `/messages/${draft.id}/schedule`, { at });
  let cancel: { status: number; json: { error?: { message: string } } } | null = null;
  handingOver = async () => {
    cancel = await ana.api("DELETE", `/messages/${draft.id}/schedule`);
  };
  t.clock.set(at);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 1);
  assert.equal(cancel!.status, 409, "the seller isn't told it was cancelled");
  assert.match(cancel!.json.error!.message, /already being sent/);
  const sent = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(sent.status, "sent");
  const [ken] = (await ana.api("GET", "/contacts")).json.items;
  const timeline = await ana.page(`/contacts/${ken.id}`);
  assert.match(timeline.html, new RegExp(`/messages/${draft.id}`), "on Ken's timeline");
});
