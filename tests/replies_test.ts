import assert from "node:assert/strict";
import { ManualClock } from "../lib/clock/clock.ts";
import { gmailReply, outlookReply, plainReply } from "../lib/inbound/fixtures/mime.ts";
import { makeTestApp } from "./helpers/app.ts";
import { bearer, Client, teammate } from "./helpers/client.ts";
import { outbox, sendEmail } from "./helpers/mail.ts";

const start = Date.parse("2026-03-02T09:00:00Z");

async function setup(env: Record<string, string> = {}) {
  const t = await makeTestApp({ clock: new ManualClock(start), env });
  const ana = new Client(t);
  const me = await ana.signUp({ name: "Ana Seller", email: "ana@acme.example" });
  await ana.api("POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    timeZone: "Asia/Tokyo",
  });
  const { ids } = await sendEmail(t, ana, { to: ["ken@globex.example"], subject: "Proposal for Q3" });
  const [email] = await outbox(t, me.team.id);
  const message = (await ana.api("GET", `/messages/${ids[0]}`)).json;
  const token = (await ana.api("POST", "/tokens", { name: "MTA pipe" })).json.secret as string;
  const thread = {
    rfcMessageId: message.rfcMessageId,
    subject: message.subject,
    seller: { name: "Ana Seller", address: "ana@acme.example" },
    sentAt: new Date(start),
  };
  const post = async (raw: Uint8Array) => {
    const response = await t.app.request("http://beacon.test/api/inbound", {
      method: "POST",
      body: raw as BodyInit,
      headers: { authorization: `Bearer ${token}`, "content-type": "message/rfc822" },
    });
    return { status: response.status, json: await response.json() };
  };
  return { t, ana, me, id: ids[0], email, message, thread, post, token };
}

const cards = async (c: Client) =>
  (await c.api("GET", "/cards")).json.items as { kind: string; headline: string; comment: string }[];

Deno.test("replies - a Gmail reply through the raw endpoint is matched, counted, stripped and settles 'no reply'", async () => {
  const { t, ana, id, thread, post } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "no_reply", at: start + 86_400_000 });
  const raw = await gmailReply(thread, ["Thanks Ana, Thursday works for me."], {
    from: "Ken Sato <ken@globex.example>",
  });
  const r = await post(raw);
  assert.equal(r.status, 202);
  assert.equal(r.json.status, "matched");
  assert.equal(r.json.inbound.matchedVia, "in-reply-to");
  assert.equal(r.json.inbound.text, "Thanks Ana, Thursday works for me.");
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.stats.replies, 1);
  assert.equal((await ana.api("GET", `/messages/${id}`)).json.statusText, "Replied");
  assert.equal((await ana.api("GET", `/messages/${id}/alarms`)).json.items[0].status, "resolved");
  assert.ok((await cards(ana)).some((c) => c.kind === "email_replied" && c.headline === "Ken Sato replied"));
  const page = await ana.page(`/inbound/${r.json.inbound.id}`);
  assert.match(page.html, /Thursday works for me/);
  assert.equal((await post(raw)).json.status, "duplicate", "the same mail twice is recorded once");
  assert.equal((await ana.api("GET", `/messages/${id}/events`)).json.stats.replies, 1);
});

Deno.test("replies - the same mail delivered twice at once is stored once, and the copy that lost leaves no file", async () => {
  const { t, ana, me, id, thread, post } = await setup();
  await using _ = t;
  const raw = await gmailReply(thread, ["Thursday works."], { from: "Ken Sato <ken@globex.example>" });
  const unmatched = await gmailReply({ ...thread, rfcMessageId: "<unknown@elsewhere.example>" }, ["Hello?"], {
    from: "Ken Sato <ken@globex.example>",
    messageId: "<second-mail@mail.gmail.com>",
  });
  for (const mail of [raw, unmatched]) {
    const statuses = (await Promise.all([post(mail), post(mail)])).map((r) => r.json.status).sort();
    assert.equal(statuses.filter((s) => s === "duplicate").length, 1, String(statuses));
  }
  assert.equal((await ana.api("GET", `/messages/${id}/events`)).json.stats.replies, 1);
  const files = await Array.fromAsync(
    t.kv.list<{ filename: string }>({ prefix: ["team", me.team.id, "blob"] }),
  );
  assert.deepEqual(
    files.map((f) => f.value.filename),
    ["message.eml", "message.eml"],
    "one original per mail",
  );
});

Deno.test("replies - on an email to several, the card is about whoever replied, by their contact's name", async () => {
  const { t, ana, post } = await setup();
  await using _ = t;
  const bea = (await ana.api("POST", "/contacts", {
    firstName: "Bea",
    lastName: "Costa",
    email: "bea@initech.example",
    timeZone: "America/New_York",
  })).json;
  const { ids } = await sendEmail(t, ana, {
    to: ["ken@globex.example", "bea@initech.example"],
    subject: "Both",
  });
  const message = (await ana.api("GET", `/messages/${ids[0]}`)).json;
  // Bea answers from a mail program that sends no display name.
  const raw = await gmailReply(
    {
      rfcMessageId: message.rfcMessageId,
      subject: "Both",
      seller: { name: "Ana", address: "ana@acme.example" },
      sentAt: new Date(start),
    },
    ["Count me in."],
    { from: "bea@initech.example" },
  );
  assert.equal((await post(raw)).json.status, "matched");
  const card = (await ana.api("GET", "/cards")).json.items.find((c: { kind: string }) =>
    c.kind === "email_replied"
  );
  assert.equal(card.headline, "Bea Costa replied");
  assert.deepEqual([card.contactId, card.recipientZone], [bea.id, "America/New_York"], "Bea's, not Ken's");
  // A call planned from the card is with Bea, not with "Ken Sato +1".
  assert.deepEqual([card.personName, card.recipientLabel], ["Bea Costa", "Ken Sato +1"]);
  // Her timeline names her too, not by her address.
  assert.match((await ana.page(`/contacts/${bea.id}`)).html, /Bea Costa replied: “Count me in\.”/);
  // The reply event says whose it is (To's second), as a shared pixel's open can't.
  const [reply] = (await ana.api("GET", `/messages/${ids[0]}/events`)).json.items;
  assert.deepEqual([reply.type, reply.recipient], ["reply", 1]);
});

Deno.test("replies - a long reply's card quotes its start, cut at a word with '…'", async () => {
  const { t, ana, thread, post } = await setup();
  await using _ = t;
  const words =
    "Thanks Ana, we read the proposal with the whole team and have a few questions about pricing. ";
  const raw = await gmailReply(thread, [words.repeat(5).trim()], { from: "Ken Sato <ken@globex.example>" });
  assert.equal((await post(raw)).json.status, "matched");
  const card = (await cards(ana)).find((c) => c.kind === "email_replied")!;
  assert.ok(card.comment.length <= 280, `${card.comment.length} characters`);
  assert.match(card.comment, /^Thanks Ana, we read the proposal .* [a-z,.]+…$/);
});

Deno.test("replies - an auto-reply is recorded, not counted, and the 'no reply' alarm still fires", async () => {
  const { t, ana, id, thread, post } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "no_reply", at: start + 3600_000 });
  const raw = await plainReply(thread, "I am out of the office until Monday.", {
    from: "Ken Sato <ken@globex.example>",
    subject: "Automatic reply: Proposal for Q3",
    headers: [["Auto-Submitted", "auto-replied"]],
  });
  assert.equal((await post(raw)).json.inbound.autoReply !== null, true);
  assert.equal((await ana.api("GET", `/messages/${id}/events`)).json.stats.replies, 0);
  t.clock.set(start + 3600_000);
  await t.deps.scheduler.drain();
  assert.ok((await cards(ana)).some((c) => c.kind === "no_reply"));
});

Deno.test("replies - a third party's reply (a forward) is shown but not counted", async () => {
  const { t, ana, id, thread, post } = await setup();
  await using _ = t;
  const raw = await outlookReply(thread, ["Ken forwarded this to me — I handle purchasing."], {
    from: "Lee Park <lee@globex.example>",
  });
  const r = await post(raw);
  assert.equal(r.json.status, "matched");
  assert.equal(r.json.inbound.fromRecipient, false);
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.stats.replies, 0);
  assert.equal(json.items[0].type, "reply");
});

Deno.test("replies - unmatched mail waits for an admin, who attaches it by hand", async () => {
  const { t, ana, id, post } = await setup();
  await using _ = t;
  const raw = await plainReply(
    {
      rfcMessageId: "<nope@elsewhere.example>",
      subject: "Something else",
      seller: { name: "X", address: "x@y.example" },
      sentAt: new Date(start),
    },
    "Is this about the proposal?",
    { from: "Ken Sato <ken@globex.example>", inReplyTo: null, references: null, subject: "Proposal for Q3" },
  );
  // Bytes that aren't an email (no From address) are refused, and nothing is kept for admins to clear.
  const garbage = await post(new TextEncoder().encode("garbage"));
  assert.equal(garbage.status, 400);
  assert.match(garbage.json.error.fields.body, /no From address/);
  assert.equal((await ana.api("GET", "/inbound/unmatched")).json.items.length, 0);
  const r = await post(raw);
  assert.equal(r.json.status, "unmatched", "never by subject alone");
  // Unplaced mail (a stranger's, spam) is for admins to place: to a member it does not exist, not even by id.
  const kim = await teammate(t, ana, "kim@acme.example", "Kim");
  const mailId = r.json.inbound.id;
  for (const path of [`/inbound/${mailId}`, `/inbound/${mailId}/raw`]) {
    assert.equal((await kim.api("GET", path)).status, 404, path);
  }
  assert.equal((await kim.page(`/inbound/${mailId}`)).status, 404);
  assert.equal((await ana.request(`/api/inbound/${mailId}/raw`)).status, 200);
  const list = await ana.api("GET", "/inbound/unmatched");
  assert.equal(list.json.items.length, 1);
  const attached = await ana.api("POST", `/inbound/${r.json.inbound.id}/attach`, { messageId: id });
  assert.equal(attached.status, 200);
  assert.equal(attached.json.matchedVia, "by_hand");
  assert.equal((await ana.api("GET", `/messages/${id}/events`)).json.stats.replies, 1);
  assert.equal((await ana.api("GET", "/inbound/unmatched")).json.items.length, 0);
  assert.equal(
    (await kim.api("GET", `/inbound/${mailId}`)).json.matchedVia,
    "by_hand",
    "a reply: the team's",
  );
  assert.equal((await kim.page(`/inbound/${mailId}`)).status, 200);
  const eve = new Client(t);
  await eve.signUp();
  assert.equal((await eve.api("GET", `/inbound/${mailId}`)).status, 404);
});

Deno.test("replies - unmatched mail: suggested by its sender, dismissed and put back, said plainly", async () => {
  const { t, ana, id, thread, post } = await setup();
  await using _ = t;
  // Another email, to someone else: the newest, but not to this mail's sender.
  await sendEmail(t, ana, { to: ["bea@initech.example"], subject: "Hello Bea" });
  const raw = await plainReply({ ...thread, rfcMessageId: "<nope@elsewhere.example>" }, "Unsubscribe me", {
    from: "ken@globex.example",
    inReplyTo: null,
    references: null,
    subject: "Newsletter",
  });
  const inboundId = (await post(raw)).json.inbound.id as string;
  const list = (await ana.page("/inbound")).html;
  assert.equal(
    list.match(/ken@globex\.example/g)?.length,
    2,
    "the address once as the sender, once in the list's group",
  );
  assert.match(
    list,
    /Not placed: it doesn.t say which email it answers \(it may be new mail, or come from a mail/,
  );
  // One sentence, without a colon in the middle of another.
  assert.match(
    (await ana.page(`/inbound/${inboundId}`)).html,
    /Beacon couldn.t place it because it doesn.t say which email it answers \(it may be new mail, or come from a mail program that drops reply headers\)\./,
  );
  const groups = [...list.matchAll(/<optgroup label="([^"]+)">(.*?)<\/optgroup>/g)].map((
    [, label, options],
  ) => [
    label,
    [...options.matchAll(/value="(\w+)"/g)].length,
  ]);
  assert.deepEqual(groups, [["Sent to ken@globex.example", 1], ["The team's latest emails", 1]]);
  assert.match(list, new RegExp(`<optgroup label="Sent to ken@globex.example"><option value="${id}"`));
  // Each says when it was sent: emails with one subject are told apart.
  assert.match(list, new RegExp(`value="${id}">Proposal for Q3 — Ken Sato · [^<]*09:00</option>`));

  // Dismissed: off the list and the sidebar's count, readable at its page, which can put it back.
  const dismissed = await ana.form(`/inbound/${inboundId}/dismiss`, {});
  assert.equal(dismissed.headers.get("location"), "/inbound");
  const after = (await ana.page("/inbound")).html;
  assert.match(after, /Dismissed “Newsletter”/);
  assert.match(
    after,
    new RegExp(`href&quot;:&quot;/inbound/${inboundId}&quot;`),
    "the message leads to what was dismissed",
  );
  assert.match(after, /Nothing unmatched/);
  assert.equal((await ana.api("GET", "/inbound/unmatched")).json.items.length, 0);
  const page = (await ana.page(`/inbound/${inboundId}`)).html;
  assert.match(page, /Dismissed /);
  assert.match(page, /Put back on the list/);
  const restored = await ana.api("POST", `/inbound/${inboundId}/restore`);
  assert.equal(restored.status, 200);
  assert.equal(restored.json.dismissedAt, null);
  assert.equal((await ana.api("GET", "/inbound/unmatched")).json.items.length, 1);

  // Attached mail can't be dismissed; a member can't dismiss at all; another team can't see it.
  assert.equal((await ana.api("POST", `/inbound/${inboundId}/attach`, { messageId: id })).status, 200);
  const late = await ana.api("POST", `/inbound/${inboundId}/dismiss`);
  assert.equal(late.status, 409);
  assert.equal((await ana.api("GET", `/inbound/${inboundId}`)).json.matchedVia, "by_hand");
  const kim = await teammate(t, ana, "kim@acme.example", "Kim");
  assert.equal((await kim.api("POST", `/inbound/${inboundId}/restore`)).status, 403);
  const eve = new Client(t);
  await eve.signUp();
  assert.equal((await eve.api("POST", `/inbound/${inboundId}/dismiss`)).status, 404);
});

Deno.test("replies - with an inbound domain, Reply-To carries a signed token that matches on its own", async () => {
  const { t, id, email, post } = await setup({ BEACON_INBOUND_DOMAIN: "in.beacon.test" });
  await using _ = t;
  assert.match(email.replyTo!, /^reply\+[a-z2-7]{58}@in\.beacon\.test$/);
  const raw = await plainReply(
    {
      rfcMessageId: "<x@y>",
      subject: "anything",
      seller: { name: "Ana", address: email.replyTo! },
      sentAt: new Date(start),
    },
    "Replying from my phone",
    {
      from: "ken@globex.example",
      to: email.replyTo!.toUpperCase(),
      inReplyTo: null,
      references: null,
      subject: "hello",
    },
  );
  const r = await post(raw);
  assert.equal(r.json.inbound.matchedVia, "token");
  assert.equal(r.json.inbound.messageId, id);
});

Deno.test("replies - 'Reply as recipient' in the Outbox produces a real reply that goes through the pipeline", async () => {
  const { t, ana, id, email } = await setup();
  await using _ = t;
  // The box starts empty (an example is its placeholder): sending without writing is not a canned reply.
  const box = (await ana.page(`/outbox/${email.id}`)).html.match(/<textarea[^>]*name="text"[^>]*>([^<]*)</);
  assert.ok(box, "the reply box");
  assert.match(box[0], /placeholder="Thanks — this looks good\./);
  assert.match(box[0], /required/);
  assert.equal(box[1], "");
  const r = await ana.form(`/outbox/${email.id}/reply`, { text: "Sounds good, let's talk." });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get("location"), `/messages/${id}`);
  const events = (await ana.api("GET", `/messages/${id}/events`)).json;
  assert.equal(events.stats.replies, 1);
  assert.match(events.items[0].reply.text, /Sounds good/);
  const auto = await ana.form(`/outbox/${email.id}/reply`, { text: "Out of office", autoReply: "true" });
  assert.equal(auto.status, 303);
  assert.equal(
    (await ana.api("GET", `/messages/${id}/events`)).json.stats.replies,
    1,
    "auto-replies don't count",
  );
});

Deno.test("replies - the raw endpoint needs credentials", async () => {
  const { t, thread } = await setup();
  await using _ = t;
  const raw = await plainReply(thread, "hi", { from: "ken@globex.example" });
  const r = await t.app.request("http://beacon.test/api/inbound", { method: "POST", body: raw as BodyInit });
  assert.equal(r.status, 401);
  const bad = await bearer(t, "bcn_wrong", "POST", "/inbound");
  assert.equal(bad.status, 401);
});

Deno.test("replies - a long reply (over KV's 64 KiB value limit) is kept, readable and counted", async () => {
  const { t, ana, id, thread, post } = await setup();
  await using _ = t;
  // A pasted report under a long quoted thread: the text part alone is ~150 KB, new text ~75 KB.
  const paragraph = "Zoë's notes on the rollout, line by line — all still open. ".repeat(20);
  const raw = await gmailReply(thread, Array.from({ length: 60 }, () => paragraph), {
    from: "Ken Sato <ken@globex.example>",
  });
  const r = await post(raw);
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.equal(r.json.status, "matched");
  assert.equal((await ana.api("GET", `/messages/${id}/events`)).json.stats.replies, 1);
  const page = await ana.page(`/inbound/${r.json.inbound.id}`);
  assert.equal(page.status, 200);
  assert.match(page.html, /notes on the rollout, line by line/);
  const original = await ana.request(`/api/inbound/${r.json.inbound.id}/raw`);
  assert.equal((await original.arrayBuffer()).byteLength, raw.byteLength, "the original is kept whole");
});
