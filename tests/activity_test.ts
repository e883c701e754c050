import assert from "node:assert/strict";
import { ManualClock } from "../lib/clock/clock.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import { listOlderMessages } from "../lib/messages/listing.ts";
import type { Message } from "../lib/messages/types.ts";

/** The pager's links on an Activity page, unescaped. */
function pager(html: string) {
  const link = (label: string) =>
    html.match(new RegExp(`href="([^"]*)"[^>]*>\\s*${label}`))?.[1].replaceAll("&amp;", "&") ?? null;
  return { first: link("← First page"), previous: link("← Previous page"), next: link("Next page →") };
}

const subjects = (html: string) => [...html.matchAll(/class="row-link"[^>]*>([^<]*)</g)].map((m) => m[1]);

Deno.test("activity - pages go forward, back one page at a time and to the first, keeping the filters", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  for (let i = 0; i < 60; i++) {
    const draft = await ana.api("POST", "/messages", {
      to: ["ken@globex.example"],
      subject: `Email ${String(i).padStart(2, "0")}`,
      html: "<p>Hi</p>",
    });
    assert.equal((await ana.api("POST", `/messages/${draft.json.id}/send`)).status, 202);
  }
  const visit = async (query: string) => {
    const { status, html } = await ana.page(`/${query}`);
    assert.equal(status, 200);
    return { subjects: subjects(html), ...pager(html) };
  };
  const one = await visit("?scope=mine&q=email");
  assert.deepEqual([one.first, one.previous], [null, null], "the first page has no way back");
  assert.equal(one.subjects[0], "Email 59");
  const two = await visit(one.next!);
  assert.equal(two.subjects[0], "Email 34");
  assert.equal(two.first, "?scope=mine&q=email");
  assert.equal(two.previous, null, "on the second page, the previous page is the first");
  const three = await visit(two.next!);
  assert.deepEqual(three.subjects, [
    "Email 09",
    "Email 08",
    "Email 07",
    "Email 06",
    "Email 05",
    "Email 04",
    "Email 03",
    "Email 02",
    "Email 01",
    "Email 00",
  ]);
  assert.equal(three.next, null);
  assert.equal(three.first, "?scope=mine&q=email");
  const back = await visit(three.previous!);
  assert.deepEqual(back, two, "Previous page is the page before, with its own links");
  assert.deepEqual(await visit(back.first!), one);
});

/** The drafts the Activity page lists: [subject, line under it], and its "Show all" link. */
function drafts(html: string) {
  const section = html.match(/<section[^>]*data-testid="drafts"[\s\S]*?<\/section>/)?.[0] ?? "";
  return {
    rows: [...section.matchAll(/<a href="\/compose\/[^"]+">([^<]*)<\/a><div class="muted small">([^<]*)/g)]
      .map((m) => [m[1], m[2].replace(/\s+/g, " ").trim()]),
    showAll: section.match(/href="([^"]*)"[^>]*>Show all/)?.[1] ?? null,
  };
}

Deno.test("activity - lists the seller's own drafts, a cancelled scheduled send among them, and only theirs", async () => {
  await using t = await makeTestApp({ clock: new ManualClock(Date.parse("2026-03-02T09:00:00Z")) });
  const ana = new Client(t);
  await ana.signUp({ timeZone: "Europe/Lisbon" });
  const draft = async (subject: string, to: string[] = ["ken@globex.example"]) =>
    (await ana.api("POST", "/messages", { to, subject, html: "<p>Hi</p>" })).json.id as string;
  assert.equal(drafts((await ana.page("/")).html).rows.length, 0, "no drafts, no section");

  await draft("", []);
  const later = await draft("Proposal");
  t.clock.advance(60_000);
  assert.equal(
    (await ana.api("POST", `/messages/${later}/schedule`, { at: t.clock.now() + 86_400_000 })).status,
    202,
  );
  await draft("Pricing");
  assert.deepEqual(drafts((await ana.page("/")).html).rows.map(([s]) => s), ["Pricing", "(no subject)"]);

  // Cancelling the schedule makes it a draft again: "back to your drafts", and there it is.
  t.clock.advance(60_000);
  assert.equal((await ana.api("DELETE", `/messages/${later}/schedule`)).status, 200);
  const { rows } = drafts((await ana.page("/")).html);
  assert.deepEqual(rows, [
    ["Proposal", "To ken@globex.example · saved Mon 2 Mar, 09:02"],
    ["Pricing", "To ken@globex.example · saved Mon 2 Mar, 09:01"],
    ["(no subject)", "No recipients yet · “Hi” · saved Mon 2 Mar, 09:00"],
  ]);
  // Above the first page of the unfiltered list only: a filtered page has no drafts, not even live ones later.
  assert.doesNotMatch((await ana.page("/?q=proposal")).html, /data-island="draft_list"/);
  assert.match((await ana.page("/")).html, /data-island="draft_list"/);

  // A teammate's drafts are theirs: Bea sees none of Ana's.
  const invite = (await ana.api("POST", "/invites", { email: "bea@acme.example" })).json;
  const bea = new Client(t);
  await bea.form(new URL(invite.url).pathname, { name: "Bea Costa", password: "another good password" });
  assert.equal(drafts((await bea.page("/")).html).rows.length, 0);

  // More than five: the newest five, and a link to all of them.
  for (let i = 0; i < 4; i++) await draft(`More ${i}`);
  const five = drafts((await ana.page("/")).html);
  assert.equal(five.rows.length, 5);
  assert.equal(five.showAll, "/?drafts=all");
  assert.equal(drafts((await ana.page("/?drafts=all")).html).rows.length, 7);
});

Deno.test("activity - a draft stays listed however many emails the seller sends after it, and leaves once sent or discarded", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const create = async (subject: string) =>
    (await ana.api("POST", "/messages", { to: ["ken@globex.example"], subject, html: "<p>Hi</p>" })).json
      .id as string;
  const old = await create("Written last month");
  const discarded = await create("Not needed");
  for (let i = 0; i < 205; i++) {
    assert.equal((await ana.api("POST", `/messages/${await create(`Sent ${i}`)}/send`)).status, 202);
  }
  const rows = () => ana.page("/?drafts=all").then((p) => drafts(p.html).rows.map(([s]) => s));
  assert.deepEqual(await rows(), ["Not needed", "Written last month"]);
  assert.equal((await ana.api("DELETE", `/messages/${discarded}`)).status, 204);
  assert.equal((await ana.api("POST", `/messages/${old}/send`)).status, 202);
  assert.deepEqual(await rows(), []);
  const index = await Array.fromAsync(t.kv.list({ prefix: ["team"] }));
  assert.ok(!index.some((e) => e.key.includes("draft_by_sender")), "no draft entries left behind");
});

Deno.test("activity - newest first is by sending: an old draft sent today, and a scheduled email once it goes out, come first", async () => {
  const day = 24 * 3600_000;
  await using t = await makeTestApp({ clock: new ManualClock(Date.parse("2026-03-02T09:00:00Z")) });
  const ana = new Client(t);
  await ana.signUp();
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" })).json;
  const draft = async (subject: string) =>
    (await ana.api("POST", "/messages", { to: [ken.email], subject, html: "<p>Hi</p>" })).json.id as string;
  const send = async (id: string, at?: number) => {
    const r = await ana.api("POST", `/messages/${id}/${at ? "schedule" : "send"}`, at ? { at } : undefined);
    assert.equal(r.status, 202);
    await t.deps.scheduler.drain();
  };
  const old = await draft("Written Monday, sent Wednesday");
  const later = await draft("Scheduled Tuesday for Thursday");
  t.clock.advance(day);
  await send(await draft("Sent Tuesday"));
  await send(later, t.clock.now() + 2 * day);
  t.clock.advance(day);
  await send(old);
  const listed = async (query: string) =>
    (await ana.api("GET", `/messages${query}`)).json.items.map((i: { message: { subject: string } }) =>
      i.message.subject
    );
  const order = async () => ({
    team: await listed(""),
    mine: await listed("?scope=mine"),
    contact: subjects((await ana.page(`/contacts/${ken.id}`)).html),
  });
  const wednesday = ["Written Monday, sent Wednesday", "Scheduled Tuesday for Thursday", "Sent Tuesday"];
  assert.deepEqual(await order(), { team: wednesday, mine: wednesday, contact: wednesday });

  t.clock.advance(day);
  await t.deps.scheduler.runDue();
  await t.deps.scheduler.drain();
  const thursday = ["Scheduled Tuesday for Thursday", "Written Monday, sent Wednesday", "Sent Tuesday"];
  assert.deepEqual(await order(), { team: thursday, mine: thursday, contact: thursday });
  assert.equal((await ana.api("GET", `/messages/${later}`)).json.status, "sent");
});

Deno.test("activity - emails stored before list keys are put on the team's list once, at start-up", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp();
  const ids: string[] = [];
  for (const subject of ["Older", "Newer"]) {
    const draft = await ana.api("POST", "/messages", {
      to: ["ken@globex.example"],
      subject,
      html: "<p>Hi</p>",
    });
    await ana.api("POST", `/messages/${draft.json.id}/send`);
    ids.push(draft.json.id);
  }
  await t.deps.scheduler.drain();
  // As an earlier Beacon stored them: no list key, listed per sender under the id, not on the team's list.
  for (const id of ids) {
    const key = messageKeys.message(me.team.id, id);
    const { listKey, ...older } = (await t.kv.get<Message>(key)).value!;
    await t.kv.atomic().set(key, older).delete(messageKeys.listed(me.team.id, listKey!))
      .delete(messageKeys.bySender(me.team.id, older.senderId, listKey!))
      .set(messageKeys.bySender(me.team.id, older.senderId, id), id).commit();
  }
  const team = async () =>
    (await ana.api("GET", "/messages")).json.items.map((i: { message: { subject: string } }) =>
      i.message.subject
    );
  assert.deepEqual(await team(), []);
  assert.equal(await listOlderMessages(t.kv), 2);
  assert.deepEqual(await team(), ["Newer", "Older"]);
  assert.equal(await listOlderMessages(t.kv), 0, "once");
  assert.deepEqual(await team(), ["Newer", "Older"]);
});
