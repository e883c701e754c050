import assert from "node:assert/strict";
import { MailerError, type OutgoingEmail, type SendOptions } from "../lib/mail/mailer.ts";
import { OutboxMailer } from "../lib/mail/outbox.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client, teammate } from "./helpers/client.ts";
import { personRequest } from "./helpers/people.ts";
import { outbox, outboxAfter, sendEmail, trackingPaths } from "./helpers/mail.ts";

async function team(t: Awaited<ReturnType<typeof makeTestApp>>) {
  const ana = new Client(t);
  const me = await ana.signUp({ name: "Ana Lima", email: "ana@acme.example" });
  const ken = (await ana.api("POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    timeZone: "Asia/Tokyo",
  })).json;
  return { ana, me, ken };
}

Deno.test("messages - a followed email goes out with a pixel, tracked links, Message-ID and a text part", async () => {
  await using t = await makeTestApp();
  const { ana, me, ken } = await team(t);
  const { ids } = await sendEmail(t, ana, { to: [ken.email] });
  const message = (await ana.api("GET", `/messages/${ids[0]}`)).json;
  assert.equal(message.status, "sent");
  assert.equal(message.follow, "following");
  assert.deepEqual(message.links, ["https://example.com/pricing", "https://example.com/case"]);
  assert.equal(message.to[0].contactId, ken.id);
  assert.equal(message.statusText, "Not opened yet");

  const [email] = await outbox(t, me.team.id);
  assert.deepEqual(email.to, ["ken@globex.example"]);
  assert.equal(email.from, '"Ana Lima" <beacon@beacon.test>');
  assert.equal(email.replyTo, "ana@acme.example");
  assert.match(email.headers["Message-ID"], new RegExp(`^<${ids[0]}@beacon\\.test>$`));
  const paths = trackingPaths(email.html);
  assert.ok(paths.pixel, "pixel present");
  assert.equal(paths.links.length, 2);
  assert.doesNotMatch(email.html, /href="https:\/\/example\.com/, "no untracked http links");
  assert.match(email.text, /our pricing/);
  assert.match(email.text, /\/t\/c\//, "text part links are tracked too");
});

Deno.test("messages - not followed and blocked emails carry no pixel and no rewritten links", async () => {
  await using t = await makeTestApp();
  const { ana, me, ken } = await team(t);
  await sendEmail(t, ana, { to: [ken.email], followWanted: false, subject: "Unfollowed" });
  await ana.api("PATCH", `/contacts/${ken.id}`, { tracking: "do_not_allow" });
  const draft = (await ana.api("POST", "/messages", {
    to: [ken.email],
    subject: "Blocked",
    html: "<p>x <a href='https://example.com'>y</a></p>",
  })).json;
  assert.equal(draft.follow, "blocked");
  assert.deepEqual(draft.blockedBy, [ken.email]);
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  for (const email of await outbox(t, me.team.id)) {
    assert.deepEqual(trackingPaths(email.html), { pixel: null, links: [] }, email.subject);
    assert.match(email.html, /href="https:\/\/example\.com/);
  }
  const sent = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(sent.statusText, "Sent · not followed");
  const page = await ana.page(`/messages/${draft.id}`);
  assert.match(page.html, /Not followed: Ken Sato doesn.t allow tracking \(contact preference\)/);
});

Deno.test("messages - the team setting decides whether new emails are followed", async () => {
  await using t = await makeTestApp();
  const { ana } = await team(t);
  assert.equal((await ana.api("POST", "/messages", {})).json.followWanted, true);
  assert.equal((await ana.api("PATCH", "/team/settings", { followByDefault: false })).status, 200);
  assert.equal((await ana.api("POST", "/messages", {})).json.followWanted, false);
});

Deno.test("messages - send individually makes one tracked copy per To recipient", async () => {
  await using t = await makeTestApp();
  const { ana, me, ken } = await team(t);
  const withCc = await ana.api("POST", "/messages", {
    to: [ken.email, "lee@initech.example"],
    cc: ["boss@acme.example"],
    subject: "Hello",
    html: "<p>Hi</p>",
    sendIndividually: true,
  });
  const refused = await ana.api("POST", `/messages/${withCc.json.id}/send`);
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.fields.cc, /can't be combined/);

  const { ids } = await sendEmail(t, ana, { to: [ken.email, "lee@initech.example"], sendIndividually: true });
  assert.equal(ids.length, 2);
  const emails = await outbox(t, me.team.id);
  assert.equal(emails.length, 2);
  assert.deepEqual(emails.map((e) => e.to).sort(), [["ken@globex.example"], ["lee@initech.example"]]);
  const pixels = emails.map((e) => trackingPaths(e.html).pixel);
  assert.notEqual(pixels[0], pixels[1], "each copy has its own pixel");
  for (const id of ids) {
    const m = (await ana.api("GET", `/messages/${id}`)).json;
    assert.equal(m.to.length, 1);
    assert.equal(m.status, "sent");
  }
});

Deno.test("messages - send problems name their field and nothing is queued", async () => {
  await using t = await makeTestApp();
  const { ana, me } = await team(t);
  const draft = (await ana.api("POST", "/messages", { to: [], subject: " ", html: "<p> </p>" })).json;
  const r = await ana.api("POST", `/messages/${draft.id}/send`);
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.json.error.fields).sort(), ["html", "subject", "to"]);
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.status, "draft");
  assert.equal((await outbox(t, me.team.id)).length, 0);
  const bad = await ana.api("PATCH", `/messages/${draft.id}`, { to: ["ok@example.com", "not an email"] });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields["to.1"]);
  // One address sent as a string, not a list: said in words, per field.
  const loose = await ana.api("POST", "/messages", { to: "ken@globex.example", cc: "", bcc: 3 });
  assert.equal(loose.status, 400);
  assert.deepEqual(loose.json.error.fields, {
    to: "To must be a list of email addresses.",
    cc: "Cc must be a list of email addresses.",
    bcc: "Bcc must be a list of email addresses.",
  });
});

/** Creates a draft with an Idempotency-Key, as the composer does. */
async function keyedDraft(client: Client, key: string, body: unknown) {
  await client.api("GET", "/me"); // the CSRF cookie
  const response = await client.request("/api/messages", {
    method: "POST",
    body: JSON.stringify(body),
    headers: {
      "content-type": "application/json",
      "x-csrf-token": await client.csrfToken(),
      "idempotency-key": key,
    },
  });
  return {
    status: response.status,
    replayed: response.headers.get("idempotent-replayed"),
    json: await response.json(),
  };
}

/** Sends a draft with an Idempotency-Key (a client that retries a send whose answer it lost). */
async function keyedSend(client: Client, id: string, key: string) {
  const response = await client.request(`/api/messages/${id}/send`, {
    method: "POST",
    headers: { "x-csrf-token": await client.csrfToken(), "idempotency-key": key },
  });
  return {
    status: response.status,
    replayed: response.headers.get("idempotent-replayed"),
    json: await response.json(),
  };
}

Deno.test("messages - a send with an Idempotency-Key goes out once; a repeat answers with what it queued", async () => {
  await using t = await makeTestApp();
  const { ana, me } = await team(t);
  const draft = (await ana.api("POST", "/messages", {
    to: ["ken@globex.example", "mia@example.com"],
    subject: "Once",
    html: "<p>Hi</p>",
    sendIndividually: true,
  })).json;
  const key = "send-key-0123456789";
  const first = await keyedSend(ana, draft.id, key);
  assert.deepEqual([first.status, first.replayed, first.json.items.length], [202, null, 2]);
  await t.deps.scheduler.drain();
  const again = await keyedSend(ana, draft.id, key);
  assert.deepEqual([again.status, again.replayed], [200, "true"]);
  assert.deepEqual(
    again.json.items.map((m: { id: string }) => m.id),
    first.json.items.map((m: { id: string }) => m.id),
  );
  assert.deepEqual(
    again.json.items.map((m: { status: string }) => m.status),
    ["sent", "sent"],
    "as they are now",
  );
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 2, "one email per copy, sent once");

  // Without the key, or with another, a repeat is refused as before; the key on another draft is a conflict.
  assert.equal((await keyedSend(ana, draft.id, "another-key-0123456789")).json.error.code, "not_a_draft");
  const other =
    (await ana.api("POST", "/messages", { to: ["mia@example.com"], subject: "Other", html: "<p>Hi</p>" }))
      .json;
  const reused = await keyedSend(ana, other.id, key);
  assert.equal(reused.status, 409);
  assert.match(reused.json.error.message, /used to send another email/);
  assert.equal((await ana.api("GET", `/messages/${other.id}`)).json.status, "draft");

  // Two at once with one key: one send, both answered with it.
  const both = await Promise.all([1, 2].map(() => keyedSend(ana, other.id, "at-once-send-0123456789")));
  assert.deepEqual(both.map((r) => r.status).toSorted(), [200, 202]);
  assert.equal(both[0].json.items[0].id, both[1].json.items[0].id);
  await t.deps.scheduler.drain();
  assert.equal((await outbox(t, me.team.id)).length, 3);
});

Deno.test("messages - a draft created with an Idempotency-Key is made once; a repeat answers with it, changing nothing", async () => {
  await using t = await makeTestApp();
  const { ana, me } = await team(t);
  const key = "page-key-0123456789";
  const first = await keyedDraft(ana, key, { subject: "First try", to: ["mia@example.com"] });
  assert.equal(first.status, 201);
  assert.equal(first.replayed, null);
  const again = await keyedDraft(ana, key, { subject: "Second try" });
  assert.deepEqual([again.status, again.replayed, again.json.id], [200, "true", first.json.id]);
  assert.equal(again.json.subject, "First try", "a repeat changes nothing");
  assert.equal(again.json.revision, 1);

  // Two at once with one key (a save retried while the first was still on its way): one draft.
  const both = await Promise.all(
    [1, 2].map(() => keyedDraft(ana, "at-once-0123456789", { subject: "Twice" })),
  );
  assert.equal(both[0].json.id, both[1].json.id);
  assert.deepEqual(both.map((r) => r.status).toSorted(), [200, 201]);
  const drafts = await Array.fromAsync(
    t.kv.list({ prefix: ["team", me.team.id, "draft_by_sender", me.user.id] }),
  );
  assert.equal(drafts.length, 2, "one draft per key");

  // A key is its sender's own; a key whose draft was discarded makes a new one; a bad key is refused by name.
  const ben = new Client(t);
  await ben.signUp({ email: "ben@initech.example" });
  const bens = await keyedDraft(ben, key, { subject: "Ben's" });
  assert.equal(bens.status, 201);
  assert.notEqual(bens.json.id, first.json.id);
  assert.equal((await ana.api("DELETE", `/messages/${first.json.id}`)).status, 204);
  const remade = await keyedDraft(ana, key, {
    subject: "After discarding",
    to: ["mia@example.com"],
    html: "<p>Hi</p>",
  });
  assert.equal(remade.status, 201);
  assert.notEqual(remade.json.id, first.json.id);
  const bad = await keyedDraft(ana, "too-short", { subject: "Bad key" });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.fields["idempotency-key"], /16 to 64 letters/);

  // The composer's page: a key whose draft exists opens that draft, or the email once sent; a key with no
  // draft yet is kept; a page without one gets a fresh key.
  const opened = await ana.page(`/compose?key=${key}`);
  assert.deepEqual([opened.status, opened.response.headers.get("location")], [
    303,
    `/compose/${remade.json.id}`,
  ]);
  assert.equal((await ana.api("POST", `/messages/${remade.json.id}/send`)).status, 202);
  const sentPage = await ana.page(`/compose?key=${key}`);
  assert.equal(sentPage.response.headers.get("location"), `/messages/${remade.json.id}`);
  const waiting = await ana.page("/compose?key=not-made-yet-0123456789");
  assert.equal(waiting.status, 200);
  assert.match(waiting.html, /&quot;draftKey&quot;:&quot;not-made-yet-0123456789&quot;/);
  const fresh = await ana.page("/compose?key=bad");
  assert.match(fresh.html, /&quot;draftKey&quot;:&quot;[\w-]{22}&quot;/);
  assert.doesNotMatch(fresh.html, /&quot;draftKey&quot;:&quot;bad&quot;/);
});

Deno.test("messages - a change made to an older revision of a draft is refused and changes nothing", async () => {
  await using t = await makeTestApp();
  const { ana } = await team(t);
  const draft = (await ana.api("POST", "/messages", { subject: "Pricing", html: "<p>Hi</p>" })).json;
  assert.equal(draft.revision, 1);
  // Two tabs opened the draft at revision 1; the laptop's saves, then the phone's, made to revision 1 still.
  const laptop = await ana.api("PATCH", `/messages/${draft.id}`, {
    subject: "Pricing for Globex",
    baseRevision: 1,
  });
  assert.equal(laptop.status, 200);
  assert.equal(laptop.json.revision, 2);
  const phone = await ana.api("PATCH", `/messages/${draft.id}`, { html: "<p>Hello</p>", baseRevision: 1 });
  assert.equal(phone.status, 409);
  assert.equal(phone.json.error.code, "draft_changed");
  let now = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.deepEqual(
    [now.subject, now.html, now.revision],
    ["Pricing for Globex", "<p>Hi</p>", 2],
    "nothing saved",
  );
  // Made to the current revision, or with none (the seller chose to keep theirs), a change is saved.
  assert.equal(
    (await ana.api("PATCH", `/messages/${draft.id}`, { html: "<p>A</p>", baseRevision: 2 })).status,
    200,
  );
  assert.equal((await ana.api("PATCH", `/messages/${draft.id}`, { html: "<p>B</p>" })).json.revision, 4);
  const bad = await ana.api("PATCH", `/messages/${draft.id}`, { html: "<p>C</p>", baseRevision: "4" });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.baseRevision);
  now = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.deepEqual([now.html, now.revision], ["<p>B</p>", 4]);
});

Deno.test("messages - a draft regarding a record deleted since is still saved and sent, regarding nothing", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  const company = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const about = (regarding: unknown) =>
    ana.api("POST", "/messages", { to: [ken.email], subject: "Pricing", html: "<p>Hi</p>", regarding });
  const forKen = (await about({ type: "contact", id: ken.id })).json;
  const forGlobex = (await about({ type: "company", id: company.id })).json;
  assert.equal((await ana.api("DELETE", `/companies/${company.id}`)).status, 204);
  // A save that leaves Regarding alone, or sends it back as it was (the composer sends the whole draft).
  const saved = await ana.api("PATCH", `/messages/${forGlobex.id}`, { subject: "Pricing, again" });
  assert.equal(saved.status, 200);
  assert.equal(saved.json.regarding, null);
  // A deleted record chosen anew is refused, naming the field.
  const chosen = await ana.api("PATCH", `/messages/${forGlobex.id}`, {
    regarding: { type: "company", id: company.id },
  });
  assert.equal(chosen.status, 400);
  assert.ok(chosen.json.error.fields.regarding);

  // Sending a draft whose Regarding was deleted after its last save.
  const other = (await ana.api("POST", "/contacts", { email: "lee@initech.example" })).json;
  const forLee = (await about({ type: "contact", id: other.id })).json;
  assert.equal((await ana.api("DELETE", `/contacts/${other.id}`)).status, 204);
  assert.equal((await ana.api("POST", `/messages/${forLee.id}/send`)).status, 202);
  await t.deps.scheduler.drain();
  const sent = (await ana.api("GET", `/messages/${forLee.id}`)).json;
  assert.deepEqual([sent.status, sent.regarding], ["sent", null]);
  // The one regarding a contact who still exists keeps it.
  assert.deepEqual((await ana.api("GET", `/messages/${forKen.id}`)).json.regarding, {
    type: "contact",
    id: ken.id,
  });
});

Deno.test("messages - a body too large to store is refused by its size in bytes, naming the field; nothing changes", async () => {
  await using t = await makeTestApp();
  const { ana } = await team(t);
  // 524,000 UTF-16 units (under the character cap) but 1 MB as stored: over what one KV commit takes.
  const emoji = `<p>${"😀".repeat(262_000)}</p>`;
  const created = await ana.api("POST", "/messages", {
    to: ["ken@globex.example"],
    subject: "Big",
    html: emoji,
  });
  assert.equal(created.status, 400);
  assert.equal(created.json.error.fields.html, "The message is too long: 1,024 KB, 512 KB at most.");
  const draft = (await ana.api("POST", "/messages", { subject: "Small", html: "<p>Hi</p>" })).json;
  assert.equal((await ana.api("PATCH", `/messages/${draft.id}`, { html: emoji })).status, 400);
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.html, "<p>Hi</p>");
  // Near the limit in a script of two bytes a character is fine.
  const greek = await ana.api("PATCH", `/messages/${draft.id}`, { html: `<p>${"α".repeat(250_000)}</p>` });
  assert.equal(greek.status, 200);
});

Deno.test("messages - user HTML is sanitized before it is stored or sent", async () => {
  await using t = await makeTestApp();
  const { ana, me, ken } = await team(t);
  const html = `<p onclick="steal()">Hello<script>alert(1)</script> <a href="javascript:alert(1)">x</a>` +
    ` <a href="JaVaScRiPt:alert(2)">y</a> <img src=x onerror="alert(3)"><iframe src="https://evil.example"></iframe></p>`;
  const draft = (await ana.api("POST", "/messages", { to: [ken.email], subject: "XSS", html })).json;
  for (const bad of [/<script/i, /onclick/i, /onerror/i, /javascript:/i, /<iframe/i]) {
    assert.doesNotMatch(draft.html, bad);
  }
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  const [email] = await outbox(t, me.team.id);
  for (const bad of [/<script/i, /onclick/i, /onerror/i, /javascript:/i, /<iframe/i]) {
    assert.doesNotMatch(email.html, bad);
  }
});

Deno.test("messages - duplicate wake-ups and a crash after sending never send twice", async () => {
  let crashOnce = true;
  await using t = await makeTestApp({
    mailer: (kv, clock) => {
      const outbox = new OutboxMailer(kv, clock);
      return {
        name: "outbox" as const,
        async send(email: OutgoingEmail, options: SendOptions) {
          const result = await outbox.send(email, options);
          if (crashOnce) {
            crashOnce = false;
            throw new Error("process died after the provider accepted the email");
          }
          return result;
        },
      };
    },
    scheduler: { leaseMs: 1000 },
  });
  const { ana, me, ken } = await team(t);
  const draft =
    (await ana.api("POST", "/messages", { to: [ken.email], subject: "Once", html: "<p>Only once</p>" })).json;
  await ana.api("POST", `/messages/${draft.id}/send`);
  await Promise.all([t.deps.scheduler.runDue(), t.deps.scheduler.runDue(), t.deps.scheduler.drain()]);
  assert.equal(
    (await ana.api("GET", `/messages/${draft.id}`)).json.status,
    "sending",
    "the crash left it unsent in Beacon",
  );
  t.clock.advance(1001); // the lease ends: the job comes due again
  await t.deps.scheduler.drain();
  await t.deps.scheduler.drain();
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.status, "sent");
  assert.equal((await outbox(t, me.team.id)).length, 1, "the provider saw the same idempotency key");
});

Deno.test("messages - a provider failure keeps the message as failed with the reason; retry sends it", async () => {
  let reject = true;
  await using t = await makeTestApp({
    mailer: outboxAfter(() => {
      if (reject) {
        throw new MailerError(
          "Resend rejected the email: The gmail.com domain is not verified. Please, add and verify your " +
            "domain on https://resend.com/domains (403 validation_error)",
          false,
          { summary: "sending domain not verified" },
        );
      }
    }),
  });
  const { ana, me, ken } = await team(t);
  const live: LiveEvent[] = [];
  t.deps.realtime.subscribe(me.team.id, (e) => live.push(e));
  const { ids } = await sendEmail(t, ana, { to: [ken.email], subject: "Proposal" });
  const failed = (await ana.api("GET", `/messages/${ids[0]}`)).json;
  assert.equal(failed.status, "failed");
  assert.match(failed.failure.reason, /^Resend rejected the email: The gmail\.com domain is not verified/);
  assert.equal(failed.failure.summary, "sending domain not verified");
  assert.deepEqual(failed.failures, [failed.failure]);
  // The status is one short line (lists show it); the full reason stays on the message.
  assert.equal(failed.statusText, "Failed — sending domain not verified");
  const list = await ana.page("/");
  assert.match(
    list.html,
    /data-testid="status" title="Resend rejected the email: [^"]+">Failed — sending domain not verified</,
    "the whole reason as the status's tooltip",
  );

  // The sender is alerted, as a live event of their own that a page catching up also finds in the feed.
  const alert = live.find((e) => e.type === "alert.send_failed");
  assert.ok(alert, "a failed send alerts its sender");
  assert.equal(alert.userId, me.user.id);
  assert.deepEqual(alert.data, {
    messageId: ids[0],
    subject: "Proposal",
    to: "Ken Sato",
    summary: "sending domain not verified",
  });
  const feed = (await ana.api("GET", "/feed?after=00000000000000000000000000")).json.items as LiveEvent[];
  assert.ok(feed.some((e) => e.id === alert.id));

  // The message page: Retry for the sender, the reason in full, and the failure in the history.
  const page = await ana.page(`/messages/${ids[0]}`);
  assert.match(page.html, /data-testid="retry-send"[^>]*>Retry sending</);
  assert.match(page.html, /data-testid="status-detail">Resend rejected the email: The gmail\.com domain/);
  assert.match(page.html, /data-testid="history-failure">.*Not sent — Resend rejected the email/s);
  assert.doesNotMatch(page.html, /Nothing yet\./);

  // And a "Not sent" card, first in the assistant: it reaches a sender with no page open.
  const card = (await ana.api("GET", "/cards")).json.items[0];
  assert.deepEqual([card.kind, card.headline, card.messageId, card.contactId], [
    "send_failed",
    "Couldn't send to Ken Sato: sending domain not verified",
    ids[0],
    ken.id,
  ]);

  // A retry that fails again while that card is up adds no second one.
  t.clock.advance(60_000);
  assert.equal((await ana.api("POST", `/messages/${ids[0]}/retry`)).status, 202);
  await t.deps.scheduler.drain();
  const notSent = async () =>
    ((await ana.api("GET", "/cards")).json.items as { kind: string }[]).filter((c) =>
      c.kind === "send_failed"
    );
  assert.equal((await notSent()).length, 1, "one card per email");

  reject = false;
  t.clock.advance(60_000);
  const retried = await ana.api("POST", `/messages/${ids[0]}/retry`);
  assert.equal(retried.status, 202);
  assert.equal(retried.json.status, "sending");
  assert.equal(retried.json.failure, null);
  await t.deps.scheduler.drain();
  const sent = (await ana.api("GET", `/messages/${ids[0]}`)).json;
  assert.equal(sent.status, "sent");
  assert.equal(sent.failures.length, 2, "the failures stay in the history after the retry");
  assert.equal((await outbox(t, me.team.id)).length, 1);
  const after = await ana.page(`/messages/${ids[0]}`);
  assert.doesNotMatch(after.html, /Retry sending/);
  assert.match(after.html, /· sent /);
  assert.match(after.html, /data-testid="history-failure"/);
  assert.equal((await notSent()).length, 0, "once sent, the card has nothing left to ask");
  assert.equal(
    live.filter((e) => e.type === "alert.send_failed").length,
    2,
    "one alert per failed attempt; a send that worked raises none",
  );
});

Deno.test("messages - a failed email goes back to a draft to fix and send again; failures stay, a new attempt", async () => {
  const refused = new Set(["ken@globex.example"]);
  const keys: string[] = [];
  await using t = await makeTestApp({
    mailer: outboxAfter((email, options) => {
      keys.push(options.idempotencyKey);
      if (email.to.some((to) => refused.has(to.replace(/^.*<|>$/g, "")))) {
        throw new MailerError(
          "Resend rejected the email: Invalid `to` field. (422 validation_error)",
          false,
          {
            summary: "address rejected",
          },
        );
      }
    }),
  });
  const { ana, me, ken } = await team(t);
  const { ids: [id] } = await sendEmail(t, ana, { to: [ken.email], subject: "Proposal" });
  assert.equal((await ana.api("GET", `/messages/${id}`)).json.status, "failed");

  // Another seller can't; a message that isn't failed can't.
  const bo = await teammate(t, ana, "bo@acme.example", "Bo");
  assert.equal((await bo.api("POST", `/messages/${id}/edit`)).status, 403);

  const reopened = await ana.api("POST", `/messages/${id}/edit`);
  assert.equal(reopened.status, 200);
  assert.deepEqual([reopened.json.status, reopened.json.failure], ["draft", null]);
  assert.equal(reopened.json.failures.length, 1, "the failure stays in its history");
  assert.equal((await ana.api("POST", `/messages/${id}/edit`)).status, 409, "only a failed one");
  // A draft again: off the Activity list (listed among Ana's drafts above it) and Ken's timeline, and open
  // in the composer.
  const activity = (await ana.page("/")).html;
  assert.doesNotMatch(activity, new RegExp(`/messages/${id}`));
  assert.match(activity, new RegExp(`<a href="/compose/${id}">`));
  assert.doesNotMatch((await ana.page(`/contacts/${ken.id}`)).html, new RegExp(id));
  assert.equal((await ana.page(`/compose/${id}`)).status, 200);

  // The address fixed, it goes out: to the new address, as a new attempt for the provider.
  assert.equal((await ana.api("PATCH", `/messages/${id}`, { to: ["ken.sato@globex.example"] })).status, 200);
  assert.equal((await ana.api("POST", `/messages/${id}/send`)).status, 202);
  await t.deps.scheduler.drain();
  const sent = (await ana.api("GET", `/messages/${id}`)).json;
  assert.equal(sent.status, "sent");
  assert.deepEqual(sent.to.map((r: { email: string }) => r.email), ["ken.sato@globex.example"]);
  assert.equal(sent.failures.length, 1);
  assert.equal((await outbox(t, me.team.id)).filter((e) => e.subject === "Proposal").length, 1);
  assert.equal(new Set(keys).size, keys.length, "each send its own idempotency key");
});

Deno.test("messages - a failed copy of 'send individually' is edited and sent again; the other copy keeps its text", async () => {
  await using t = await makeTestApp({
    mailer: outboxAfter((email) => {
      if (email.to.some((to) => to.includes("ken@globex.example"))) {
        throw new MailerError("Resend rejected the email", false, { summary: "address rejected" });
      }
    }),
  });
  const { ana, me, ken } = await team(t);
  const { ids } = await sendEmail(t, ana, {
    to: [ken.email, "lee@initech.example"],
    html: "<p>The text both got</p>",
    sendIndividually: true,
  });
  const statuses = await Promise.all(ids.map(async (id) => (await ana.api("GET", `/messages/${id}`)).json));
  assert.deepEqual(statuses.map((m) => [m.to[0].email, m.status]), [
    ["ken@globex.example", "failed"],
    ["lee@initech.example", "sent"],
  ]);
  const [kens, lees] = ids;
  assert.equal((await ana.api("POST", `/messages/${kens}/edit`)).status, 200);
  const fixed = await ana.api("PATCH", `/messages/${kens}`, {
    to: ["ken.sato@globex.example"],
    html: "<p>A new text for Ken</p>",
  });
  assert.equal(fixed.status, 200);
  assert.equal((await ana.api("POST", `/messages/${kens}/send`)).status, 202);
  await t.deps.scheduler.drain();
  assert.equal((await ana.api("GET", `/messages/${kens}`)).json.html, "<p>A new text for Ken</p>");
  assert.equal((await ana.api("GET", `/messages/${lees}`)).json.html, "<p>The text both got</p>");
  const emails = await outbox(t, me.team.id);
  assert.deepEqual(emails.map((e) => e.to[0]).sort(), ["ken.sato@globex.example", "lee@initech.example"]);
});

Deno.test("messages - retryable provider errors are retried with backoff", async () => {
  let busy = 2;
  await using t = await makeTestApp({
    mailer: outboxAfter(() => {
      if (busy-- > 0) {
        throw new MailerError("Resend is rate limiting", true, {
          summary: "rate limited by Resend",
          retryAfterMs: 1500,
        });
      }
    }),
  });
  const { ana, ken } = await team(t);
  const { ids } = await sendEmail(t, ana, { to: [ken.email] });
  assert.equal((await ana.api("GET", `/messages/${ids[0]}`)).json.status, "sending");
  for (let i = 0; i < 2; i++) {
    t.clock.advance(1500);
    await t.deps.scheduler.drain();
  }
  assert.equal((await ana.api("GET", `/messages/${ids[0]}`)).json.status, "sent");
});

Deno.test("messages - activity search: subject and recipients, every word, any case or accent, with paging", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  await sendEmail(t, ana, { to: [ken.email], subject: "Renewal terms" });
  await sendEmail(t, ana, { to: ["zoe@partner.example"], subject: "Café on Friday" });
  await sendEmail(t, ana, { to: [ken.email], cc: ["mia@partner.example"], subject: "Pricing" });
  // The Outbox lists an email by its first address and how many more (all of them in its title).
  const outboxRow =
    (await ana.page("/outbox")).html.match(/<tr>(?:(?!<\/tr>)[\s\S])*Pricing[\s\S]*?<\/tr>/)![0];
  assert.match(outboxRow, /title="ken@globex\.example, mia@partner\.example"/);
  assert.match(outboxRow.replace(/<[^>]+>/g, ""), /ken@globex\.example \+1/);
  const search = async (query: string) => {
    const response = await ana.api("GET", `/messages?${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return {
      subjects: response.json.items.map((i: { message: { subject: string } }) => i.message.subject),
      cursor: response.json.cursor as string | null,
    };
  };
  assert.deepEqual((await search("q=sato")).subjects, ["Pricing", "Renewal terms"], "a recipient's name");
  assert.deepEqual((await search("q=CAFE")).subjects, ["Café on Friday"], "any case, any accent");
  assert.deepEqual(
    (await search("q=partner")).subjects,
    ["Pricing", "Café on Friday"],
    "To and Cc addresses",
  );
  assert.deepEqual((await search("q=ken%20pricing")).subjects, ["Pricing"], "every word must match");
  assert.deepEqual((await search("q=nobody")).subjects, []);
  const first = await search("q=partner&limit=1");
  assert.deepEqual(first.subjects, ["Pricing"]);
  const second = await search(`q=partner&limit=1&cursor=${encodeURIComponent(first.cursor!)}`);
  assert.deepEqual(second.subjects, ["Café on Friday"], "paging keeps searching past what doesn't match");
  assert.equal(second.cursor, null);
  const tooLong = await ana.api("GET", `/messages?q=${"x".repeat(201)}`);
  assert.equal(tooLong.status, 400);
  assert.match(JSON.stringify(tooLong.json), /\bq\b/, "the error names the field");

  const found = await ana.page("/?q=cafe");
  assert.match(found.html, /Café on Friday/);
  assert.doesNotMatch(found.html, /Renewal terms/);
  assert.match(found.html, /name="q" value="cafe"/, "the search box keeps the words");
  const none = await ana.page("/?q=nobody&scope=mine");
  assert.match(none.html, /No emails match “nobody”/);
  assert.match(none.html, /href="\/\?scope=mine"[^>]*>Clear/, "one click clears the search");
});

Deno.test("messages - drafts belong to their sender; sent messages can't be edited", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  const bo = await teammate(t, ana, "bo@acme.example", "Bo");
  const draft =
    (await ana.api("POST", "/messages", { to: [ken.email], subject: "Mine", html: "<p>x</p>" })).json;
  const compose = await ana.page(`/compose/${draft.id}`);
  assert.equal(compose.status, 200);
  assert.equal(compose.response.headers.get("cache-control"), "no-store", "Back must ask the server again");
  assert.equal((await bo.api("PATCH", `/messages/${draft.id}`, { subject: "Hijack" })).status, 403);
  assert.equal((await bo.api("POST", `/messages/${draft.id}/send`)).status, 403);
  // Unsent, it isn't there for a teammate to read; its sender reads it.
  for (const path of ["", "/events", "/alarms", "/advice"]) {
    assert.equal((await bo.api("GET", `/messages/${draft.id}${path}`)).status, 404, path);
    assert.equal((await ana.api("GET", `/messages/${draft.id}${path}`)).status, 200, path);
  }
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  assert.equal((await ana.api("PATCH", `/messages/${draft.id}`, { subject: "Late" })).status, 409);
  assert.equal(
    (await bo.api("GET", `/messages/${draft.id}`)).status,
    200,
    "teammates can read sent messages",
  );
  // Back after Send (or an old link) opens the compose page of what is no longer a draft: its page instead.
  for (const client of [ana, bo]) {
    const compose = await client.page(`/compose/${draft.id}`);
    assert.equal(compose.status, 303);
    assert.equal(compose.response.headers.get("location"), `/messages/${draft.id}`);
  }
  assert.equal((await bo.page(`/compose/${(await ana.api("POST", "/messages", {})).json.id}`)).status, 403);
  assert.equal((await ana.page("/compose/01M97CTZX5M5Q53CBN5BRK0147")).status, 404);
});

Deno.test("messages - activity list filters: mine/team, followed, opened", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  const { ids: [followed] } = await sendEmail(t, ana, { to: [ken.email], subject: "Followed" });
  await sendEmail(t, ana, { to: [ken.email], subject: "Unfollowed", followWanted: false });
  await ana.api("POST", "/messages", { subject: "Just a draft" });
  const email = (await outbox(t, (await ana.api("GET", "/me")).json.team.id)).find((e) =>
    e.subject === "Followed"
  )!;
  await personRequest(t, trackingPaths(email.html).pixel!);
  const subjects = async (query: string) =>
    (await ana.api("GET", `/messages${query}`)).json.items.map((i: { message: { subject: string } }) =>
      i.message.subject
    );
  assert.deepEqual(await subjects(""), ["Unfollowed", "Followed"], "drafts are not activity");
  assert.deepEqual(await subjects("?followed=true"), ["Followed"]);
  assert.deepEqual(await subjects("?opened=true"), ["Followed"]);
  assert.deepEqual(await subjects("?opened=false"), ["Unfollowed"]);
  assert.deepEqual(await subjects("?scope=mine"), ["Unfollowed", "Followed"]);
  const page = await ana.page("/?opened=true");
  assert.match(page.html, /Opened once/);
  assert.ok(followed);
});

Deno.test("messages - a send refused for unfilled merge fields names each place they are, subject and body", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const draft = (await ana.api("POST", "/messages", {
    to: ["info@initech.example"],
    subject: "Quick question, {{contact.first_name}}",
    html: "<p>Hi {{ contact.first_name }},</p><p>{{company.name}} and us?</p>",
  })).json;
  const sent = await ana.api("POST", `/messages/${draft.id}/send`);
  assert.equal(sent.status, 400);
  assert.deepEqual(sent.json.error.fields, {
    subject: "Fill in or remove {{contact.first_name}}: merge fields are filled when a template is inserted.",
    html: "Fill in or remove {{ contact.first_name }}: merge fields are filled when a template is inserted.",
  });
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.status, "draft", "nothing sent");
});
