import assert from "node:assert/strict";
import { ManualClock } from "../lib/clock/clock.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { personRequest } from "./helpers/people.ts";
import { outbox, sendEmail, trackingPaths } from "./helpers/mail.ts";

const monday = Date.parse("2026-03-02T09:00:00Z");

async function setup() {
  const t = await makeTestApp({ clock: new ManualClock(monday) });
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example", timeZone: "Europe/Lisbon" });
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const ken = (await ana.api("POST", "/contacts", {
    firstName: "Ken",
    email: "ken@globex.example",
    timeZone: "Asia/Tokyo",
    companyId: globex.id,
  })).json;
  return { t, ana, me, ken, globex };
}

const draftTo = async (ana: Client, to: string[]) =>
  (await ana.api("POST", "/messages", {
    to,
    subject: "Hello",
    html: "<p>Hi <a href='https://example.com'>x</a></p>",
  })).json;

Deno.test("advice - a time outside the recipient's hours is said plainly, with the next business hour", async () => {
  const { t, ana } = await setup();
  await using _ = t;
  const draft = await draftTo(ana, ["ken@globex.example"]);
  const at = Date.parse("2026-03-02T10:00:00Z"); // 19:00 in Tokyo
  const { status, json } = await ana.api("GET", `/messages/${draft.id}/advice?at=${at}`);
  assert.equal(status, 200);
  assert.equal(json.people[0].localText, "Mon 19:00");
  assert.equal(json.people[0].city, "Tokyo");
  assert.equal(json.people[0].inside, false);
  assert.match(json.people[0].advice, /outside Ken's business hours/);
  assert.equal(json.recommendation.basis, "business_hours");
  assert.equal(
    new Date(json.recommendation.at).toISOString(),
    "2026-03-02T23:00:00.000Z",
    "Tue 08:00 in Tokyo",
  );
  assert.match(json.recommendation.label, /Tue 08:00 Ken's time/);
  // `at` may be an ISO 8601 time too, as everywhere else in the API; one without an offset is refused.
  const iso = await ana.api("GET", `/messages/${draft.id}/advice?at=2026-03-02T19:00:00%2B09:00`);
  assert.deepEqual(iso.json, json);
  const local = await ana.api("GET", `/messages/${draft.id}/advice?at=2026-03-02T19:00:00`);
  assert.equal(local.status, 400);
  assert.match(local.json.error.fields.at, /offset/);
});

Deno.test("advice - the recipient's own replies and clicks decide the hour once there are enough", async () => {
  const { t, ana, me } = await setup();
  await using _ = t;
  // Ken has clicked at 10:xx Tokyo time on three earlier emails.
  for (const day of [3, 4, 5]) {
    t.clock.set(Date.parse(`2026-02-0${day}T00:00:00Z`));
    await sendEmail(t, ana, { to: ["ken@globex.example"], subject: `Earlier ${day}` });
    const email = (await outbox(t, me.team.id)).find((e) => e.subject === `Earlier ${day}`)!;
    t.clock.set(Date.parse(`2026-02-0${day}T01:20:00Z`)); // 10:20 in Tokyo
    await personRequest(t, trackingPaths(email.html).links[0]);
    // Clicks on emails with a Cc may be the Cc's: they are not Ken's history, however many.
    for (const n of [1, 2]) {
      const subject = `Cc ${day}.${n}`;
      await sendEmail(t, ana, { to: ["ken@globex.example"], cc: ["mia@globex.example"], subject });
      const copied = (await outbox(t, me.team.id)).find((e) => e.subject === subject)!;
      t.clock.set(Date.parse(`2026-02-0${day}T06:2${n}:00Z`)); // 15:2x in Tokyo
      await personRequest(t, trackingPaths(copied.html).links[0]);
    }
  }
  await t.deps.recorder.idle();
  t.clock.set(monday);
  const draft = await draftTo(ana, ["ken@globex.example"]);
  const { json } = await ana.api("GET", `/messages/${draft.id}/advice`);
  assert.equal(json.recommendation.basis, "recipient");
  assert.match(json.recommendation.explanation, /based on 3 of Ken's/);
  assert.equal(
    new Date(json.recommendation.at).toISOString(),
    "2026-03-03T01:00:00.000Z",
    "Tue 10:00 in Tokyo",
  );
});

Deno.test("advice - several recipients: the earliest time inside everyone's hours, or a compromise", async () => {
  const { t, ana } = await setup();
  await using _ = t;
  await ana.api("POST", "/contacts", {
    firstName: "Lia",
    email: "lia@acme.example",
    timeZone: "Europe/Lisbon",
  });
  await ana.api("POST", "/contacts", {
    firstName: "Kai",
    email: "kai@x.example",
    timeZone: "Pacific/Honolulu",
  });
  const overlap = await draftTo(ana, ["ken@globex.example", "lia@acme.example"]);
  const a = (await ana.api("GET", `/messages/${overlap.id}/advice`)).json;
  assert.equal(a.recommendation, null);
  assert.ok(a.common || a.compromise);
  const far = await draftTo(ana, ["ken@globex.example", "lia@acme.example", "kai@x.example"]);
  const b = (await ana.api("GET", `/messages/${far.id}/advice`)).json;
  assert.equal(b.common, null, "Tokyo, Lisbon and Honolulu share no business hour");
  assert.equal(b.compromise.times.length, 3);
  assert.ok(b.compromise.inside.length >= 1);
});

Deno.test("advice - without a zone, advice is unavailable and a zone is guessed from the company", async () => {
  const { t, ana, globex } = await setup();
  await using _ = t;
  await ana.api("POST", "/contacts", { firstName: "Bea", email: "bea@globex.example", companyId: globex.id });
  const draft = await draftTo(ana, ["bea@globex.example"]);
  const { json } = await ana.api("GET", `/messages/${draft.id}/advice`);
  assert.equal(json.recommendation, null);
  assert.match(json.unavailable, /Bea has a time zone\. Set it on the contact/);
  assert.equal(json.people[0].guessedZone, "Asia/Tokyo");
});

Deno.test("advice - a contact's own hours override the team's", async () => {
  const { t, ana, ken } = await setup();
  await using _ = t;
  await ana.api("PATCH", `/contacts/${ken.id}`, {
    businessHours: { days: [1, 2, 3, 4, 5, 6], start: "10:00", end: "19:00", closedDates: [] },
  });
  const draft = await draftTo(ana, ["ken@globex.example"]);
  const at = Date.parse("2026-03-02T09:30:00Z"); // Mon 18:30 in Tokyo
  const { json } = await ana.api("GET", `/messages/${draft.id}/advice?at=${at}`);
  assert.equal(json.people[0].inside, true);
  const bad = await ana.api("PATCH", `/contacts/${ken.id}`, {
    businessHours: { days: [], start: "9", end: "08:00", closedDates: [] },
  });
  assert.equal(bad.status, 400);
  assert.ok(Object.keys(bad.json.error.fields).some((k) => k.startsWith("businessHours")));
});
