/** People vs machines, end to end through the tracking endpoints, and the recipient's side. */
import assert from "node:assert/strict";
import { plainReply } from "../lib/inbound/fixtures/mime.ts";
import { receiveAndFollowUp } from "../workers/replies.ts";
import { threadOf } from "./helpers/replies.ts";
import { ManualClock } from "../lib/clock/clock.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { outbox, sendEmail, trackingPaths } from "./helpers/mail.ts";
import { personRequest } from "./helpers/people.ts";

const start = Date.parse("2026-03-02T09:00:00Z");

async function setup(draft: Record<string, unknown> = {}) {
  const t = await makeTestApp({ clock: new ManualClock(start) });
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example" });
  const ken =
    (await ana.api("POST", "/contacts", { firstName: "Ken", lastName: "Sato", email: "ken@globex.example" }))
      .json;
  const { ids } = await sendEmail(t, ana, { to: [ken.email], ...draft });
  const [email] = await outbox(t, me.team.id);
  return { t, ana, me, ken, id: ids[0], email, ...trackingPaths(email.html) };
}

/** Apple Mail Privacy Protection: a bare "Mozilla/5.0" from Apple's 17.0.0.0/8, at delivery. */
const appleProxy = (t: Awaited<ReturnType<typeof makeTestApp>>, path: string) =>
  t.app.request(`http://beacon.test${path}`, { headers: { "user-agent": "Mozilla/5.0" } }, {
    remoteAddr: { hostname: "17.58.101.3", port: 1, transport: "tcp" },
  });

Deno.test("machines - an Apple privacy-proxy open is not a person: not counted, no alert, 'not opened' still fires", async () => {
  const { t, ana, id, pixel } = await setup();
  await using _ = t;
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "not_opened", at: start + 3600_000 });
  await appleProxy(t, pixel!);
  await t.deps.recorder.idle();
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.stats.opens, 0);
  assert.equal(json.stats.privacyProxyOpens, 1);
  assert.equal(json.items[0].verdict.verdict, "machine");
  assert.equal(json.items[0].verdict.kind, "privacy_proxy");
  assert.match(json.items[0].verdict.reasons[0].text, /Apple's privacy proxy/);
  assert.equal(
    (await ana.api("GET", `/messages/${id}`)).json.statusText,
    "Delivered, opened only by mail privacy proxies",
  );
  assert.equal((await ana.api("GET", "/cards")).json.items.length, 0, "no 'email opened' card");
  t.clock.set(start + 3600_000);
  await t.deps.scheduler.drain();
  assert.deepEqual((await ana.api("GET", "/cards")).json.items.map((c: { kind: string }) => c.kind), [
    "not_opened",
  ]);
});

Deno.test("machines - the team can count privacy-proxy opens as opens, and the opened filters agree", async () => {
  const { t, ana, id, pixel } = await setup();
  await using _ = t;
  await appleProxy(t, pixel!);
  await t.deps.recorder.idle();
  /** The activity list's ids with a filter, through the API and on the page. */
  const listed = async (query: string) => ({
    api: (await ana.api("GET", `/messages?${query}`)).json.items.map((i: { message: { id: string } }) =>
      i.message.id
    ),
    page: [...(await ana.page(`/?${query}`)).html.matchAll(/data-message="(\w+)"/g)].map((m) => m[1]),
  });
  const none = { api: [], page: [] }, it = { api: [id], page: [id] };
  assert.deepEqual(await listed("opened=true"), none, "not counted: not opened");
  assert.deepEqual(await listed("opened=false"), it);
  assert.equal((await ana.api("PATCH", "/team/settings", { countProxyOpens: true })).status, 200);
  const message = (await ana.api("GET", `/messages/${id}`)).json;
  assert.match(message.statusText, /^Opened once/);
  // "Opened once" and an Opens count of 1 are listed among the opened, not the unopened.
  assert.deepEqual(await listed("opened=true"), it);
  assert.deepEqual(await listed("opened=false"), none);
});

Deno.test("machines - a scanner clicking every link at once, and the hidden honeypot, are machines; still redirected", async () => {
  const { t, ana, id, email, links } = await setup();
  await using _ = t;
  const honeypot = [...email.html.matchAll(/href="http:\/\/beacon\.test(\/t\/c\/[\w-]+)"/g)].map((m) => m[1])
    .find((p) => !links.includes(p) || email.html.indexOf(p) > email.html.lastIndexOf(links.at(-1)!));
  assert.ok(email.html.includes('aria-hidden="true"'), "the honeypot link is hidden");
  const responses = [];
  for (const link of links) responses.push(await personRequest(t, link));
  assert.ok(
    responses.every((r) => r.status === 302),
    "scanners are redirected too: a misjudged person is never blocked",
  );
  const honey = await personRequest(
    t,
    [...email.html.matchAll(/<a href="http:\/\/beacon\.test(\/t\/c\/[\w-]+)"[^>]*aria-hidden/g)][0][1],
  );
  assert.equal(honey.status, 200);
  await t.deps.recorder.idle();
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  const verdicts = json.items.map((e: { verdict: { verdict: string; reasons: { rule: string }[] } }) =>
    e.verdict
  );
  assert.ok(verdicts[0].reasons.some((r: { rule: string }) => r.rule === "honeypot"));
  assert.equal(verdicts[0].verdict, "machine");
  assert.equal(verdicts[1].verdict, "machine", "the second link within a second of the first is a burst");
  assert.ok(honeypot);
});

Deno.test("machines - a click counted as a person's is taken back when the next ones show a burst", async () => {
  const { t, ana, id, links } = await setup({
    html: '<p><a href="https://example.com/a">A</a> <a href="https://example.com/b">B</a> ' +
      '<a href="https://example.com/c">C</a></p>',
  });
  await using _ = t;
  await personRequest(t, links[0]);
  await t.deps.recorder.idle();
  assert.equal((await ana.api("GET", `/messages/${id}/events`)).json.stats.clicks, 1);
  for (const link of links.slice(1)) {
    t.clock.advance(300);
    await personRequest(t, link);
  }
  await t.deps.recorder.idle();
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.ok(json.items.every((e: { verdict: { verdict: string } }) => e.verdict.verdict === "machine"));
  assert.equal(json.stats.clicks, 0);
  assert.equal(json.stats.machineClicks, 3);
  assert.deepEqual(
    json.stats.linkClicks,
    { "0": 0, "1": 0 },
    "both were counted until the third showed a burst",
  );
});

Deno.test("machines - a person's clicks a few minutes after delivery count", async () => {
  const { t, ana, id, links } = await setup();
  await using _ = t;
  await personRequest(t, links[0]);
  t.clock.advance(40_000);
  await personRequest(t, links[1]);
  await t.deps.recorder.idle();
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.stats.clicks, 2);
  assert.ok(json.items.every((e: { verdict: { verdict: string } }) => e.verdict.verdict === "human"));
});

Deno.test("recipient - the tracking notice and its opt-out: a GET changes nothing, the button does", async () => {
  const t = await makeTestApp({ clock: new ManualClock(start) });
  await using _ = t;
  const ana = new Client(t);
  const me = await ana.signUp();
  await ana.api("PATCH", "/team/settings", { trackingNotice: true });
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" })).json;
  await sendEmail(t, ana, { to: [ken.email] });
  const [email] = await outbox(t, me.team.id);
  assert.match(email.text, /This email tells the sender when it is opened/);
  const optOut = email.html.match(/href="http:\/\/beacon\.test(\/t\/x\/[\w-]+)"/)![1];
  const look = await t.app.request(`http://beacon.test${optOut}`);
  assert.equal(look.status, 200);
  assert.equal(
    (await ana.api("GET", `/contacts/${ken.id}`)).json.tracking,
    "allow",
    "scanners fetching the link change nothing",
  );
  const done = await t.app.request(`http://beacon.test${optOut}`, { method: "POST" });
  assert.equal(done.status, 200);
  assert.equal((await ana.api("GET", `/contacts/${ken.id}`)).json.tracking, "do_not_allow");
  const next = (await ana.api("POST", "/messages", { to: [ken.email], subject: "x", html: "<p>x</p>" })).json;
  assert.equal(next.follow, "blocked");
});

Deno.test("recipient - an export shows its contact no one else: not who was Bcc'd, not a colleague's reply", async () => {
  const { t, ana, me, ken, id, email } = await setup({
    cc: ["mia@globex.example"],
    bcc: ["lee@hidden.example"],
  });
  await using _ = t;
  await ana.form(`/outbox/${email.id}/reply`, { text: "Thanks, Ken here." });
  const message = (await ana.api("GET", `/messages/${id}`)).json;
  const raw = await plainReply(threadOf(message, start), "Mia here: I'll join the call.", {
    from: "Mia Park <mia@globex.example>",
    messageId: "<mia-0001@client.example>",
  });
  assert.equal((await receiveAndFollowUp(t.deps, raw, { via: "raw", teamId: me.team.id })).status, "matched");

  const exported = (await ana.api("GET", `/contacts/${ken.id}/export`)).json;
  const [sent] = exported.messages;
  assert.deepEqual(
    sent.message.cc.map((r: { email: string }) => r.email),
    ["mia@globex.example"],
    "Cc was seen",
  );
  assert.deepEqual(sent.message.bcc, [], "Bcc was not");
  assert.doesNotMatch(JSON.stringify(exported), /lee@hidden\.example/);
  assert.deepEqual(exported.replies.map((r: { fromAddress: string }) => r.fromAddress), [
    "ken@globex.example",
  ]);
  assert.doesNotMatch(JSON.stringify(exported.replies), /Mia here/);
});

Deno.test("recipient - export holds everything about a contact; erase leaves no key behind", async () => {
  const { t, ana, me, ken, id, pixel, email } = await setup();
  await using _ = t;
  await personRequest(t, pixel!);
  await ana.api("POST", `/messages/${id}/alarms`, { condition: "no_reply", at: start + 86_400_000 });
  await ana.form(`/outbox/${email.id}/reply`, { text: "Thanks, Ken here." });
  await ana.api("POST", "/tasks", { subject: "Call Ken", dueAt: start + 86_400_000, contactId: ken.id });
  await t.deps.recorder.idle();
  const exported = await ana.api("GET", `/contacts/${ken.id}/export`);
  assert.equal(exported.status, 200);
  assert.equal(exported.json.contact.email, "ken@globex.example");
  assert.equal(exported.json.messages.length, 1);
  assert.ok(exported.json.messages[0].events.length >= 2);
  assert.equal(exported.json.replies.length, 1);
  assert.equal(exported.json.tasks.length, 1);

  const before = JSON.stringify(await Array.fromAsync(t.kv.list({ prefix: [] })));
  assert.ok(before.includes("ken@globex.example"));
  const erased = await ana.api("POST", `/contacts/${ken.id}/erase`);
  assert.equal(erased.status, 200);
  assert.equal(erased.json.messagesDeleted, 1);
  await t.deps.recorder.idle();
  const after = await Array.fromAsync(t.kv.list({ prefix: [] }));
  const dump = JSON.stringify(after);
  for (const trace of ["ken@globex.example", ken.id, id, "Thanks, Ken here", "Call Ken"]) {
    assert.ok(!dump.includes(trace), `nothing left mentioning ${trace}`);
  }
  assert.equal((await ana.api("GET", `/contacts/${ken.id}`)).status, 404);
  assert.equal((await ana.api("GET", "/messages")).json.items.length, 0);
  assert.ok(
    after.some((e) => e.key[0] === "team" && e.key[1] === me.team.id),
    "the rest of the team's data stays",
  );
});

Deno.test("recipient - erasing one recipient of a shared email redacts them and removes only their replies", async () => {
  const { t, ana, me, ken, id, pixel, email } = await setup({
    to: ["ken@globex.example", "lee@globex.example"],
  });
  await using _ = t;
  await ana.form(`/outbox/${email.id}/reply`, { text: "Thanks, Ken here." });
  await personRequest(t, pixel!);
  await t.deps.recorder.idle();
  const before = (await ana.api("GET", `/messages/${id}/events`)).json.items.map((e: { type: string }) =>
    e.type
  );
  assert.deepEqual(before.toSorted(), ["open", "reply"]);

  const erased = await ana.api("POST", `/contacts/${ken.id}/erase`);
  assert.equal(erased.json.messagesRedacted, 1);
  const message = (await ana.api("GET", `/messages/${id}`)).json;
  assert.ok(message.to.every((r: { email: string }) => r.email !== "ken@globex.example"), "Ken is redacted");
  assert.ok(message.to.some((r: { email: string }) => r.email === "lee@globex.example"), "Lee stays");
  const after = (await ana.api("GET", `/messages/${id}/events`)).json.items.map((e: { type: string }) =>
    e.type
  );
  assert.deepEqual(after, ["open"], "their reply is gone, the open stays");
  const events = JSON.stringify(await Array.fromAsync(t.kv.list({ prefix: ["team", me.team.id, "event"] })));
  assert.ok(!events.includes("Ken here"), "no stored event holds their words");
});

Deno.test("recipient - erasing the recipients of 'send individually' copies one by one keeps the shared text until the last", async () => {
  const { t, ana, me, ken } = await setup({
    to: ["ken@globex.example", "lee@globex.example"],
    html: "<p>Shared words</p>",
    sendIndividually: true,
  });
  await using _ = t;
  const lee = (await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@globex.example" })).json;
  const bodies = async () =>
    (await Array.fromAsync(t.kv.list({ prefix: ["team", me.team.id, "message_body"] }))).length;
  assert.equal(await bodies(), 1, "one body for both copies");
  assert.equal((await ana.api("POST", `/contacts/${ken.id}/erase`)).json.messagesDeleted, 1);
  const [left] = (await ana.api("GET", "/messages")).json.items;
  assert.equal((await ana.api("GET", `/messages/${left.message.id}`)).json.html, "<p>Shared words</p>");
  assert.equal((await ana.api("POST", `/contacts/${lee.id}/erase`)).json.messagesDeleted, 1);
  assert.equal(await bodies(), 0, "the last copy takes the text with it");
});

Deno.test("recipient - retention deletes raw events older than the limit; counters stay", async () => {
  const { t, ana, id, pixel } = await setup();
  await using _ = t;
  await personRequest(t, pixel!);
  await t.deps.recorder.idle();
  assert.equal((await ana.api("PATCH", "/team/settings", { retentionDays: 30 })).status, 200);
  const tooShort = await ana.api("PATCH", "/team/settings", { retentionDays: 5 });
  assert.equal(tooShort.status, 400);
  assert.match(tooShort.json.error.fields.retentionDays, /at least 30 days/);
  t.clock.set(start + 29 * 86_400_000);
  await t.deps.scheduler.drain();
  assert.equal(
    (await ana.api("GET", `/messages/${id}/events`)).json.items.length,
    1,
    "kept within the limit",
  );
  t.clock.set(start + 32 * 86_400_000);
  await t.deps.scheduler.drain();
  await ana.page("/signin"); // sessions last 30 days: the sign-in page, then its form
  await ana.form("/signin", { email: "ana@acme.example", password: "correct horse battery" });
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.items.length, 0, "the raw event is gone");
  assert.equal(json.stats.opens, 1, "the counter stays");
});
