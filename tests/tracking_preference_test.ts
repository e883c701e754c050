/**
 * A recipient's tracking preference: their own "don't track me" goes on the team's suppression list and
 * outlives deleting and erasing the contact; sellers can't switch it back; deleting a contact is for
 * admins, after a confirmation.
 */
import assert from "node:assert/strict";
import { OPT_OUT_TRIES, OPT_OUT_WINDOW_MS } from "../lib/privacy/opt_out_tries.ts";
import { ManualClock } from "../lib/clock/clock.ts";
import { privacyKeys } from "../lib/privacy/keys.ts";
import { makeTestApp, type TestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { outbox, sendEmail } from "./helpers/mail.ts";

const start = Date.UTC(2026, 2, 3, 9, 0);
const DANA = { firstName: "Dana", lastName: "Reyes", email: "dana@globex.example" };

/** A team whose emails carry the opt-out link, with Dana as a contact, and a member, Bo. */
async function setup() {
  const t = await makeTestApp({ clock: new ManualClock(start) });
  const ana = new Client(t);
  const me = await ana.signUp();
  await ana.api("PATCH", "/team/settings", { trackingNotice: true });
  const dana = (await ana.api("POST", "/contacts", DANA)).json;
  const invite = await ana.api("POST", "/invites", { email: "bo@acme.example", role: "member" });
  const bo = new Client(t);
  await bo.form(new URL(invite.json.url).pathname, { name: "Bo", password: "another good password" });
  return { t, ana, bo, me, dana };
}

/** Dana clicks "Don't track me" in an email she got. */
async function danaOptsOut(t: TestApp, ana: Client, teamId: string) {
  await sendEmail(t, ana, { to: [DANA.email] });
  const [email] = await outbox(t, teamId);
  const link = email.html.match(/href="http:\/\/beacon\.test(\/t\/x\/[\w-]+)"/)![1];
  const done = await t.app.request(`http://beacon.test${link}`, { method: "POST" });
  assert.equal(done.status, 200);
}

const followOfNewDraft = async (client: Client, to = DANA.email) =>
  (await client.api("POST", "/messages", { to: [to], subject: "x", html: "<p>x</p>" })).json.follow;

Deno.test("tracking preference - a recipient's opt-out outlives deleting and erasing the contact", async () => {
  const { t, ana, me, dana } = await setup();
  await using _ = t;
  await danaOptsOut(t, ana, me.team.id);
  assert.equal((await ana.api("GET", `/contacts/${dana.id}`)).json.tracking, "do_not_allow");

  assert.equal((await ana.api("DELETE", `/contacts/${dana.id}`)).status, 204);
  assert.equal(await followOfNewDraft(ana), "blocked", "no contact, still blocked");
  const again = await ana.api("POST", "/contacts", { ...DANA, tracking: "allow" });
  assert.equal(again.status, 201);
  assert.equal(again.json.tracking, "do_not_allow", "a new contact for the address starts as she asked");

  // The confirmation counts what erasure removes: the email sent to her address under the earlier contact,
  // and the draft written to it meanwhile (the new contact's own list has neither).
  const confirm = (await ana.page(`/contacts/${again.json.id}/erase`)).html;
  assert.match(confirm, /<strong>2 emails<\/strong> sent only to/);
  const erased = await ana.api("POST", `/contacts/${again.json.id}/erase`);
  assert.equal(erased.status, 200);
  const dump = JSON.stringify(await Array.fromAsync(t.kv.list({ prefix: [] })));
  assert.ok(!dump.includes("dana@"), "erasure leaves no address behind, not even on the suppression list");
  const listed = await Array.fromAsync(t.kv.list({ prefix: privacyKeys.suppression(me.team.id) }));
  assert.equal(listed.length, 1);
  assert.equal(await followOfNewDraft(ana), "blocked", "the objection is honoured after erasure");
  assert.equal(
    await followOfNewDraft(ana).then(() =>
      ana.api("POST", "/messages", { to: ["DANA@Globex.example "], subject: "x", html: "<p>x</p>" })
    ).then((r) => r.json.follow),
    "blocked",
    "however the address is typed",
  );
});

Deno.test("tracking preference - on an email with Cc or Bcc, 'Don't track me' asks whose address, and tells no one who else got it", async () => {
  const { t, ana, me } = await setup();
  await using _ = t;
  await sendEmail(t, ana, { to: [DANA.email], cc: ["ed@globex.example"], bcc: ["boss@acme.example"] });
  const [email] = await outbox(t, me.team.id);
  const link = `http://beacon.test${email.html.match(/href="http:\/\/beacon\.test(\/t\/x\/[\w-]+)"/)![1]}`;
  // Ed, in Cc, got the same link as Dana: it can't stand for her, or his objection would be hers.
  const page = await t.app.request(link);
  assert.match(await page.text(), /name="email"/, "the page asks whose address");
  // Its button can't be clickjacked from a framing page, and nothing caches or refers the token on.
  assert.match(page.headers.get("content-security-policy")!, /frame-ancestors 'none'/);
  assert.equal(page.headers.get("x-frame-options"), "DENY");
  assert.match(page.headers.get("cache-control")!, /no-store/);
  assert.equal(page.headers.get("referrer-policy"), "no-referrer");
  const optOut = (address: string) =>
    t.app.request(link, { method: "POST", body: new URLSearchParams({ email: address }) });
  assert.equal((await optOut("ed@globex.example")).status, 200);
  assert.equal(await followOfNewDraft(ana, "ed@globex.example"), "blocked");
  assert.equal(await followOfNewDraft(ana), "following", "Dana asked nothing");

  // Whoever has the link can't learn who else got the email (a Bcc) by guessing: a guess is answered alike.
  const [bcc, guess] = [await optOut("boss@acme.example"), await optOut("guess@acme.example")];
  assert.equal(bcc.status, guess.status);
  assert.equal((await bcc.text()).replace("boss@", "x@"), (await guess.text()).replace("guess@", "x@"));
  assert.equal(await followOfNewDraft(ana, "boss@acme.example"), "blocked");
  assert.equal(await followOfNewDraft(ana, "guess@acme.example"), "following", "a guess changes nothing");
});

Deno.test("tracking preference - a shared opt-out link takes ten addresses an hour: no spraying or timing guesses", async () => {
  const { t, ana, me } = await setup();
  await using _ = t;
  await sendEmail(t, ana, { to: [DANA.email], bcc: ["boss@acme.example"] });
  const [email] = await outbox(t, me.team.id);
  const link = `http://beacon.test${email.html.match(/href="http:\/\/beacon\.test(\/t\/x\/[\w-]+)"/)![1]}`;
  const optOut = (address: string) =>
    t.app.request(link, { method: "POST", body: new URLSearchParams({ email: address }) });
  for (let i = 0; i < OPT_OUT_TRIES; i++) assert.equal((await optOut(`guess${i}@acme.example`)).status, 200);
  const refused = await optOut("boss@acme.example");
  assert.equal(refused.status, 429);
  assert.match(await refused.text(), /Too many addresses were tried with this link/);
  assert.equal(
    await followOfNewDraft(ana, "boss@acme.example"),
    "following",
    "the refused try changed nothing",
  );
  t.clock.advance(OPT_OUT_WINDOW_MS + 1);
  assert.equal((await optOut("boss@acme.example")).status, 200, "an hour later it is taken");
  assert.equal(await followOfNewDraft(ana, "boss@acme.example"), "blocked");
});

Deno.test("tracking preference - a seller can't switch the recipient's own choice back", async () => {
  const { t, ana, bo, me, dana } = await setup();
  await using _ = t;
  await danaOptsOut(t, ana, me.team.id);

  const api = await bo.api("PATCH", `/contacts/${dana.id}`, { tracking: "allow" });
  assert.equal(api.status, 400);
  assert.match(api.json.error.fields.tracking, /asked not to be tracked/);
  const form = await bo.form(`/contacts/${dana.id}`, { ...DANA, tracking: "allow" });
  assert.equal(form.status, 400);
  assert.match(await form.text(), /asked not to be tracked/);
  assert.equal((await bo.api("GET", `/contacts/${dana.id}`)).json.tracking, "do_not_allow");

  const edit = await bo.page(`/contacts/${dana.id}/edit`);
  assert.doesNotMatch(edit.html, /name="tracking"/, "no dropdown to switch it back");
  assert.match(edit.html, /Do not allow — set by the recipient/);
  assert.match(edit.html, /Asked not to be tracked on 3 Mar 2026/);
  const saved = await bo.form(`/contacts/${dana.id}`, { ...DANA, title: "CFO" });
  assert.equal(saved.status, 303, "the rest of the form still saves");
  assert.equal((await bo.api("GET", `/contacts/${dana.id}`)).json.tracking, "do_not_allow");
  const page = await bo.page(`/contacts/${dana.id}`);
  assert.match(page.html, /Do not track · their request/);
  assert.doesNotMatch(page.html, /Lift the request/, "members can't lift it");
  assert.match((await bo.page("/contacts")).html, /Do not track · their request/);
});

Deno.test("tracking preference - only an admin lifts an opt-out, and only saying the recipient asked", async () => {
  const { t, ana, bo, me, dana } = await setup();
  await using _ = t;
  await danaOptsOut(t, ana, me.team.id);
  assert.equal((await bo.page(`/contacts/${dana.id}/opt-out`)).status, 403);
  assert.equal((await bo.form(`/contacts/${dana.id}/opt-out`, { confirm: "yes" })).status, 403);
  assert.match((await ana.page(`/contacts/${dana.id}`)).html, /Lift the request…/);

  const unticked = await ana.form(`/contacts/${dana.id}/opt-out`, {});
  assert.equal(unticked.status, 400);
  assert.match(await unticked.text(), /Tick the box/);
  assert.equal(await followOfNewDraft(ana), "blocked");

  assert.equal((await ana.form(`/contacts/${dana.id}/opt-out`, { confirm: "yes" })).status, 303);
  assert.equal(await followOfNewDraft(ana), "blocked", "the contact still says do not allow");
  assert.equal((await ana.api("GET", `/contacts/${dana.id}/opt-out`)).status, 404, "lifted");
  assert.equal((await bo.api("PATCH", `/contacts/${dana.id}`, { tracking: "allow" })).status, 200);
  assert.equal(await followOfNewDraft(ana), "following");
});

Deno.test("contacts - deleting is for admins, asks first, and says what happens to the preference", async () => {
  const { t, ana, bo, dana } = await setup();
  await using _ = t;
  await ana.api("PATCH", `/contacts/${dana.id}`, { tracking: "do_not_allow" });
  const { ids: [sent] } = await sendEmail(t, ana, { to: [DANA.email] });

  // A member: no button, and neither the page nor the API deletes.
  assert.doesNotMatch((await bo.page(`/contacts/${dana.id}/edit`)).html, /Delete contact/);
  assert.equal((await bo.page(`/contacts/${dana.id}/delete`)).status, 403);
  assert.equal((await bo.form(`/contacts/${dana.id}/delete`, { confirm: "yes" })).status, 403);
  assert.equal((await bo.api("DELETE", `/contacts/${dana.id}`)).status, 403);
  assert.equal((await bo.api("GET", `/contacts/${dana.id}`)).status, 200);

  // An admin: the button leads to a confirmation that warns the preference goes with the contact.
  const edit = await ana.page(`/contacts/${dana.id}/edit`);
  assert.match(edit.html, new RegExp(`href="/contacts/${dana.id}/delete"`));
  const confirm = await ana.page(`/contacts/${dana.id}/delete`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.html, /tracked again unless you add them back/);
  const unconfirmed = await ana.form(`/contacts/${dana.id}/delete`, {});
  assert.equal(unconfirmed.status, 200, "a post without the confirmation asks first");
  assert.equal((await ana.api("GET", `/contacts/${dana.id}`)).status, 200);
  assert.equal((await ana.form(`/contacts/${dana.id}/delete`, { confirm: "yes" })).status, 303);
  assert.equal((await ana.api("GET", `/contacts/${dana.id}`)).status, 404);

  // Her old email names her without a link to a contact that is gone.
  const message = await ana.page(`/messages/${sent}`);
  assert.doesNotMatch(message.html, new RegExp(`/contacts/${dana.id}`));
  assert.match(message.html, /Dana Reyes &lt;dana@globex\.example>/);
});

Deno.test("tracking preference - the API reads an opt-out, and an admin lifts it", async () => {
  const { t, ana, bo, me, dana } = await setup();
  await using _ = t;
  assert.equal((await bo.api("GET", `/contacts/${dana.id}/opt-out`)).status, 404, "none yet");
  await danaOptsOut(t, ana, me.team.id);
  const read = await bo.api("GET", `/contacts/${dana.id}/opt-out`);
  assert.deepEqual([read.status, read.json.source, typeof read.json.at], [200, "recipient", "number"]);
  assert.equal((await bo.api("DELETE", `/contacts/${dana.id}/opt-out`)).status, 403, "members can't lift it");
  assert.equal((await ana.api("DELETE", `/contacts/${dana.id}/opt-out`)).status, 204);
  assert.equal((await ana.api("GET", `/contacts/${dana.id}/opt-out`)).status, 404);
  assert.equal((await ana.api("DELETE", `/contacts/${dana.id}/opt-out`)).status, 404, "nothing left to lift");
  assert.equal(await followOfNewDraft(ana), "blocked", "the contact still says do not allow");
});
