/**
 * Templates through the API: versions, merge-field errors, previews and the picker's fill, privacy (personal
 * templates, other teams), locking, archiving, duplicating; results per template and version from real sends
 * and tracking hits; and the recommendation for a contact. Replies come from tests/helpers/replies.ts (there is
 * no inbound pipeline yet).
 */
import assert from "node:assert/strict";
import { OPEN_BASIS } from "../lib/templates/stats.ts";
import { makeTestApp, type TestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { outbox, sendEmail, trackingPaths } from "./helpers/mail.ts";
import { recordReply } from "./helpers/replies.ts";

const INTRO = {
  name: "Quick intro",
  category: "Intro",
  subject: 'Quick question, {{contact.first_name | "there"}}',
  html: "<p>Hi {{contact.first_name}}, how does {{contact.company}} handle this?</p><p>{{sender.name}}</p>",
};

async function team(t: TestApp) {
  const ana = new Client(t);
  const me = await ana.signUp({ name: "Ana Lima", email: "ana@acme.example" });
  const globex = (await ana.api("POST", "/companies", { name: "Globex", industry: "Logistics" })).json;
  const ken = (await ana.api("POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    title: "Head of Sales",
    companyId: globex.id,
  })).json;
  return { ana, me, globex, ken };
}

async function member(t: TestApp, admin: Client, email: string) {
  const invite = await admin.api("POST", "/invites", { email });
  const client = new Client(t);
  const r = await client.form(new URL(invite.json.url).pathname, {
    name: "Bo Member",
    password: "another good password",
  });
  assert.equal(r.status, 303);
  return client;
}

Deno.test("templates - create, edit into versions, old versions stay readable", async () => {
  await using t = await makeTestApp();
  const { ana } = await team(t);
  const created = await ana.api("POST", "/templates", INTRO);
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id;
  assert.equal(created.json.version, 1);
  assert.equal(created.json.scope, "team");
  assert.equal(created.json.locked, false);

  const v2 = await ana.api("PATCH", `/templates/${id}`, {
    subject: "New subject {{contact.company}}",
    baseVersion: 1,
  });
  assert.equal(v2.status, 200);
  assert.equal(v2.json.version, 2);
  const categoryOnly = await ana.api("PATCH", `/templates/${id}`, { category: "Follow-up" });
  assert.equal(categoryOnly.json.version, 2, "a category change is not a new version");
  assert.equal(categoryOnly.json.subject, "New subject {{contact.company}}");
  const sameBody = await ana.api("PATCH", `/templates/${id}`, { html: created.json.html });
  assert.equal(sameBody.json.version, 2, "saving the same body is not a new version");
  const v3 = await ana.api("PATCH", `/templates/${id}`, { html: "<p>Shorter, {{contact.first_name}}.</p>" });
  assert.equal(v3.json.version, 3);

  const stale = await ana.api("PATCH", `/templates/${id}`, { name: "Mine", baseVersion: 2 });
  assert.equal(stale.status, 409);
  assert.match(stale.json.error.message, /newer version of this template \(version 3\)/);

  const one = await ana.api("GET", `/templates/${id}/versions/1`);
  assert.equal(one.status, 200);
  assert.equal(one.json.subject, INTRO.subject);
  assert.match(one.json.html, /how does \{\{contact.company\}\} handle this/);
  assert.equal((await ana.api("GET", `/templates/${id}/versions/9`)).status, 404);

  const page = await ana.api("GET", `/templates/${id}`);
  assert.deepEqual(page.json.versions.map((v: { version: number }) => v.version), [1, 2, 3]);
  assert.equal(page.json.html, "<p>Shorter, {{contact.first_name}}.</p>");
  assert.equal(page.json.category, "Follow-up");
  assert.equal(page.json.results.overall.sent, 0);
  assert.equal(page.json.results.overall.replyRate, null, "no sends is no data, not 0%");
});

Deno.test("templates - merge-field mistakes are 400s naming subject or body; HTML is sanitized", async () => {
  await using t = await makeTestApp();
  const { ana } = await team(t);
  const bad = await ana.api("POST", "/templates", {
    ...INTRO,
    subject: "Hi {{contact.firstname}}",
    html: '<p>Hello {{}} <a href="{{contact.email}}">x</a></p>',
  });
  assert.equal(bad.status, 400);
  assert.equal(
    bad.json.error.fields.subject,
    "Unknown field {{contact.firstname}} — did you mean {{contact.first_name}}?",
  );
  assert.match(bad.json.error.fields.html, /Empty merge field \{\{\}\}/);
  assert.match(bad.json.error.fields.html, /A link cannot start with \{\{contact.email\}\}/);
  const empty = await ana.api("POST", "/templates", { name: " ", subject: "", html: "<p> </p>" });
  assert.deepEqual(Object.keys(empty.json.error.fields).sort(), ["html", "name", "subject"]);
  // Too large to store (1 MB of emoji, under the character cap): refused by its size, not a 500.
  const huge = await ana.api("POST", "/templates", { ...INTRO, html: `<p>${"😀".repeat(262_000)}</p>` });
  assert.equal(huge.status, 400);
  assert.equal(huge.json.error.fields.html, "The template is too long: 1,024 KB, 512 KB at most.");

  const xss = await ana.api("POST", "/templates", {
    ...INTRO,
    html: '<p onclick="x()">Hi {{contact.first_name | "there"}}<script>alert(1)</script></p>',
  });
  assert.equal(xss.status, 201);
  assert.doesNotMatch(xss.json.html, /script|onclick/);
  assert.match(xss.json.html, /\{\{contact.first_name \| (&quot;|")there(&quot;|")\}\}/);
});

Deno.test("templates - preview against a contact escapes their values and lists missing fields", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  const id = (await ana.api("POST", "/templates", INTRO)).json.id;
  const preview = await ana.api("POST", `/templates/${id}/preview`, { contactId: ken.id });
  assert.equal(preview.status, 200);
  assert.equal(preview.json.subject, "Quick question, Ken");
  assert.equal(preview.json.html, "<p>Hi Ken, how does Globex handle this?</p><p>Ana Lima</p>");
  assert.deepEqual(preview.json.missing, []);
  assert.equal(preview.json.version, 1);

  const evil = (await ana.api("POST", "/contacts", {
    firstName: "<script>alert(1)</script>",
    email: "evil@example.com",
  })).json;
  const escaped = await ana.api("POST", `/templates/${id}/preview`, { contactId: evil.id });
  assert.match(
    escaped.json.html,
    /Hi &lt;script&gt;alert\(1\)&lt;\/script&gt;, how does \{\{contact.company\}\}/,
  );
  assert.equal(
    escaped.json.subject,
    "Quick question, <script>alert(1)</script>",
    "the subject is plain text",
  );
  assert.deepEqual(escaped.json.missing, ["contact.company"], "no company and no fallback: left as written");
  // The template's page says so in the words the picker and the editor use.
  assert.match(
    (await ana.page(`/templates/${id}?preview=${evil.id}`)).html,
    /Nothing to fill in for this contact: \{\{contact.company\}\}\. They stay as written: add a fallback to the template, or fill them in on the contact\./,
  );

  const nobody = await ana.api("POST", `/templates/${id}/preview`, {});
  assert.equal(nobody.json.subject, "Quick question, there");
  assert.deepEqual(nobody.json.missing, ["contact.first_name", "contact.company"]);

  const unsaved = await ana.api("POST", "/templates/preview", {
    contactId: ken.id,
    subject: "{{contact.title}} at {{company.name}}",
    html: "<p>{{contact.industry}}</p>",
  });
  assert.equal(unsaved.json.subject, "Head of Sales at Globex");
  assert.equal(unsaved.json.html, "<p>Logistics</p>");
  assert.equal(unsaved.json.version, null);
  const broken = await ana.api("POST", "/templates/preview", {
    subject: "{{contact.nope}}",
    html: "<p>x</p>",
  });
  assert.match(broken.json.errors[0], /Unknown field \{\{contact.nope\}\}/);
});

Deno.test("templates - render fills a draft's recipient and sender; a shared copy uses fallbacks", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  const id = (await ana.api("POST", "/templates", INTRO)).json.id;
  const draft = (await ana.api("POST", "/messages", { to: [ken.email] })).json;
  const filled = await ana.api("POST", `/templates/${id}/render`, { messageId: draft.id });
  assert.equal(filled.status, 200);
  assert.equal(filled.json.subject, "Quick question, Ken");
  assert.deepEqual(filled.json.template, { id, version: 1 });
  assert.deepEqual(filled.json.recipient, { contactId: ken.id, email: ken.email, name: "Ken Sato" });

  const shared = (await ana.api("POST", "/messages", { to: [ken.email, "lee@initech.example"] })).json;
  const both = await ana.api("POST", `/templates/${id}/render`, { messageId: shared.id });
  assert.equal(both.json.subject, "Quick question, there");
  assert.deepEqual(both.json.missing, ["contact.first_name", "contact.company"]);
  assert.equal(both.json.recipient, null);

  const stranger = (await ana.api("POST", "/messages", { to: ["lee@initech.example"] })).json;
  const address = await ana.api("POST", `/templates/${id}/render`, { messageId: stranger.id });
  assert.deepEqual(address.json.recipient, { contactId: null, email: "lee@initech.example", name: "" });

  const byContact = await ana.api("POST", `/templates/${id}/render`, { contactId: ken.id });
  assert.match(byContact.json.html, /Hi Ken, how does Globex/);

  // The composer saves the reference with the draft; the message remembers it.
  const saved = await ana.api("PATCH", `/messages/${draft.id}`, {
    subject: filled.json.subject,
    html: filled.json.html,
    template: filled.json.template,
  });
  assert.deepEqual(saved.json.template, { id, version: 1 });
});

Deno.test("templates - personal templates are their owner's alone; other teams see nothing", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  const bo = await member(t, ana, "bo@acme.example");
  const mine = (await ana.api("POST", "/templates", { ...INTRO, name: "Ana's own", scope: "personal" })).json;
  const shared = (await ana.api("POST", "/templates", INTRO)).json;

  const boList = await bo.api("GET", "/templates");
  assert.deepEqual(boList.json.items.map((i: { name: string }) => i.name), ["Quick intro"]);
  for (
    const [method, path, body] of [
      ["GET", `/templates/${mine.id}`],
      ["GET", `/templates/${mine.id}/versions/1`],
      ["PATCH", `/templates/${mine.id}`, { name: "Taken" }],
      ["POST", `/templates/${mine.id}/duplicate`, {}],
      ["POST", `/templates/${mine.id}/archive`, { archived: true }],
      ["POST", `/templates/${mine.id}/lock`, { locked: true }],
      ["POST", `/templates/${mine.id}/preview`, { contactId: ken.id }],
      ["POST", `/templates/${mine.id}/render`, { contactId: ken.id }],
    ] as [string, string, unknown?][]
  ) {
    assert.equal((await bo.api(method, path, body)).status, 404, `${method} ${path} as a teammate`);
  }
  // Bo's own personal template is likewise invisible to Ana, who is an admin.
  const bos = (await bo.api("POST", "/templates", { ...INTRO, name: "Bo's own", scope: "personal" })).json;
  assert.equal((await ana.api("GET", `/templates/${bos.id}`)).status, 404);
  assert.deepEqual(
    (await ana.api("GET", "/templates")).json.items.map((i: { name: string }) => i.name),
    ["Ana's own", "Quick intro"],
  );
  // Only the creator may turn a team template personal.
  assert.equal((await bo.api("PATCH", `/templates/${shared.id}`, { scope: "personal" })).status, 403);

  const eve = new Client(t);
  await eve.signUp({ email: "eve@other.example", teamName: "Other" });
  for (
    const [method, path, body] of [
      ["GET", `/templates/${shared.id}`],
      ["PATCH", `/templates/${shared.id}`, { name: "Hijack" }],
      ["POST", `/templates/${shared.id}/duplicate`, {}],
      ["POST", `/templates/${shared.id}/archive`, { archived: true }],
      ["POST", `/templates/${shared.id}/lock`, { locked: true }],
      ["POST", `/templates/${shared.id}/preview`, {}],
      ["POST", `/templates/${shared.id}/render`, {}],
      ["GET", `/templates/${shared.id}/versions/1`],
    ] as [string, string, unknown?][]
  ) {
    assert.equal((await eve.api(method, path, body)).status, 404, `${method} ${path} from another team`);
  }
  assert.deepEqual((await eve.api("GET", "/templates")).json.items, []);
  // Nor can another team's contact or draft be used to fill Ana's template.
  const eveDraft = (await eve.api("POST", "/messages", { to: ["x@example.com"] })).json;
  assert.equal(
    (await ana.api("POST", `/templates/${shared.id}/render`, { messageId: eveDraft.id })).status,
    404,
  );
  const eveContact = (await eve.api("POST", "/contacts", { firstName: "X", email: "x@example.com" })).json;
  assert.equal(
    (await ana.api("POST", `/templates/${shared.id}/preview`, { contactId: eveContact.id })).status,
    404,
  );
  assert.equal((await ana.api("GET", `/templates?contactId=${eveContact.id}`)).status, 404);
});

Deno.test("templates - admins lock team templates; duplicates are unlocked copies; archive hides from the list", async () => {
  await using t = await makeTestApp();
  const { ana } = await team(t);
  const bo = await member(t, ana, "bo@acme.example");
  const id = (await ana.api("POST", "/templates", INTRO)).json.id;

  assert.equal((await bo.api("POST", `/templates/${id}/lock`, { locked: true })).status, 403);
  const locked = await ana.api("POST", `/templates/${id}/lock`, { locked: true });
  assert.equal(locked.json.locked, true);
  const refused = await bo.api("PATCH", `/templates/${id}`, { subject: "Mine now" });
  assert.equal(refused.status, 403);
  assert.match(refused.json.error.message, /locked/);
  assert.equal((await bo.api("POST", `/templates/${id}/archive`, { archived: true })).status, 403);
  assert.equal((await ana.api("PATCH", `/templates/${id}`, { subject: "Admin edit" })).json.version, 2);
  assert.equal((await bo.api("GET", "/templates")).json.items[0].canEdit, false);

  const copy = await bo.api("POST", `/templates/${id}/duplicate`, {});
  assert.equal(copy.status, 201);
  assert.equal(copy.json.name, "Copy of Quick intro");
  assert.equal(copy.json.version, 1);
  assert.equal(copy.json.locked, false);
  assert.equal(copy.json.subject, "Admin edit");
  assert.equal(copy.json.duplicatedFrom, id);
  assert.equal((await bo.api("PATCH", `/templates/${copy.json.id}`, { subject: "Mine" })).status, 200);
  const personal = await bo.api("POST", `/templates/${id}/duplicate`, {
    name: "Bo's take",
    scope: "personal",
  });
  const lockPersonal = await ana.api("POST", `/templates/${personal.json.id}/lock`, { locked: true });
  assert.equal(lockPersonal.status, 404, "someone else's personal template does not exist for the admin");
  const ownPersonal = (await ana.api("POST", "/templates", { ...INTRO, scope: "personal" })).json;
  assert.equal((await ana.api("POST", `/templates/${ownPersonal.id}/lock`, { locked: true })).status, 400);

  const archived = await ana.api("POST", `/templates/${id}/archive`, { archived: true });
  assert.equal(typeof archived.json.archivedAt, "number");
  const active = (await ana.api("GET", "/templates")).json.items.map((i: { id: string }) => i.id);
  assert.ok(!active.includes(id));
  const gone = (await ana.api("GET", "/templates?archived=true")).json.items;
  assert.deepEqual(gone.map((i: { id: string }) => i.id), [id]);
  assert.equal(gone[0].ranking, null, "archived templates are not ranked");
  await ana.api("POST", `/templates/${id}/archive`, { archived: false });
  assert.ok((await ana.api("GET", "/templates")).json.items.some((i: { id: string }) => i.id === id));
});

const THUNDERBIRD =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 Thunderbird/128.0";
const OUTLOOK = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)";
const BROWSER = {
  "user-agent":
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
  accept: "text/html,application/xhtml+xml",
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-mode": "navigate",
  "sec-fetch-dest": "document",
};

const request = (t: TestApp, path: string, init: RequestInit = {}) =>
  t.app.request(`http://beacon.test${path}`, { redirect: "manual", ...init }, {
    remoteAddr: { hostname: "198.51.100.9", port: 1, transport: "tcp" },
  });

Deno.test("templates - results per template and version: followed sends, opens, clicks, replies, time to reply", async () => {
  await using t = await makeTestApp();
  const { ana, me, ken } = await team(t);
  const created = (await ana.api("POST", "/templates", INTRO)).json;
  const ref1 = { id: created.id, version: 1 };
  const lee = (await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@initech.example" })).json;
  const mo = (await ana.api("POST", "/contacts", { firstName: "Mo", email: "mo@initech.example" })).json;

  const { ids } = await sendEmail(t, ana, {
    to: [ken.email, lee.email, mo.email],
    sendIndividually: true,
    template: ref1,
  });
  assert.equal(ids.length, 3);
  await sendEmail(t, ana, { to: [ken.email], template: ref1, followWanted: false }); // not followed: left out
  await sendEmail(t, ana, { to: [lee.email] }); // not from a template

  const emails = await outbox(t, me.team.id);
  const pathsFor = (address: string) =>
    trackingPaths(emails.find((e) => e.to[0] === address && /\/t\/o\//.test(e.html))!.html);
  // Ken opens and clicks; Lee's copy is only prefetched (never counted); Mo opens. Real clients, so these
  // count whether or not opens are told apart from machines' yet (see OPEN_BASIS).
  t.clock.advance(5 * 60_000);
  await request(t, pathsFor(ken.email).pixel!, { headers: { "user-agent": THUNDERBIRD } });
  await request(t, pathsFor(ken.email).links[0], { headers: BROWSER });
  await request(t, pathsFor(lee.email).pixel!, { method: "HEAD" });
  await request(t, pathsFor(mo.email).pixel!, { headers: { "user-agent": OUTLOOK } });
  await t.deps.recorder.idle();
  // Ken replies after an hour, Mo after three; Lee's out-of-office doesn't count.
  const copyTo = async (email: string) => {
    for (const id of ids) if ((await ana.api("GET", `/messages/${id}`)).json.to[0].email === email) return id;
    throw new Error(email);
  };
  const sentAt = (await ana.api("GET", `/messages/${ids[0]}`)).json.sentAt as number;
  await recordReply(t.kv, me.team.id, await copyTo(ken.email), sentAt + 3_600_000);
  await recordReply(t.kv, me.team.id, await copyTo(ken.email), sentAt + 7_200_000); // a second reply: one copy
  await recordReply(t.kv, me.team.id, await copyTo(mo.email), sentAt + 3 * 3_600_000);
  await recordReply(t.kv, me.team.id, await copyTo(lee.email), sentAt + 60_000, {
    autoReply: "Out of office",
  });

  // Version 2, sent once, replied.
  await ana.api("PATCH", `/templates/${created.id}`, { subject: "Version two" });
  const v2 = await sendEmail(t, ana, { to: [ken.email], template: { id: created.id, version: 2 } });
  const v2SentAt = (await ana.api("GET", `/messages/${v2.ids[0]}`)).json.sentAt as number;
  await recordReply(t.kv, me.team.id, v2.ids[0], v2SentAt + 1_800_000);

  const page = (await ana.api("GET", `/templates/${created.id}`)).json;
  assert.deepEqual(page.results.versions.map((v: { version: number; sent: number }) => [v.version, v.sent]), [
    [1, 3],
    [2, 1],
  ]);
  const [one, two] = page.results.versions;
  assert.equal(one.opened, 2);
  assert.equal(one.openRate, 2 / 3);
  assert.equal(one.clicked, 1);
  assert.equal(one.replied, 2);
  assert.equal(one.replyRate, 2 / 3);
  assert.equal(one.medianReplyMs, 2 * 3_600_000, "median of 1 h and 3 h");
  assert.equal(two.replyRate, 1);
  assert.equal(two.medianReplyMs, 1_800_000);
  assert.deepEqual(
    [page.results.overall.sent, page.results.overall.replied, page.results.overall.medianReplyMs],
    [4, 3, 3_600_000],
  );
  assert.match(page.openBasisNote, /prefetches|people only/);

  const list = (await ana.api("GET", "/templates")).json;
  assert.equal(list.items[0].results.sent, 4);
  assert.equal(list.openBasis, OPEN_BASIS);
  // The team average uses every followed send (5: four from the template, one without): 3 replies.
  assert.equal(list.teamAverage, (3 + 1) / (5 + 10));
  assert.equal(
    list.teamAverageNote,
    "The team average is 27%: its 3 replies to 5 followed emails so far, blended with a typical 10% until it has more.",
  );
  assert.match((await ana.page("/templates")).html, /its 3 replies to 5 followed emails so far/);
});

Deno.test("templates - recommendation: shrunk toward the team average, closest evidence, a starred winner", async () => {
  await using t = await makeTestApp();
  const { ana, me, globex } = await team(t);
  const initech = (await ana.api("POST", "/companies", { name: "Initech", industry: "Software" })).json;
  const reps: string[] = [];
  for (let i = 0; i < 40; i++) {
    const c = await ana.api("POST", "/contacts", {
      firstName: `Rep${i}`,
      email: `rep${i}@initech.example`,
      title: "Account Executive",
      companyId: initech.id,
    });
    reps.push(c.json.email);
  }
  const caseStudy =
    (await ana.api("POST", "/templates", { ...INTRO, name: "Case study", category: "Proposal" })).json;
  const intro = (await ana.api("POST", "/templates", INTRO)).json;
  const fresh = (await ana.api("POST", "/templates", { ...INTRO, name: "Brand new" })).json;
  const a = await sendEmail(t, ana, {
    to: reps,
    sendIndividually: true,
    template: { id: caseStudy.id, version: 1 },
  });
  const b = await sendEmail(t, ana, {
    to: reps,
    sendIndividually: true,
    template: { id: intro.id, version: 1 },
  });
  const at = t.clock.now() + 3_600_000;
  for (const id of a.ids.slice(0, 16)) await recordReply(t.kv, me.team.id, id, at);
  for (const id of b.ids.slice(0, 2)) await recordReply(t.kv, me.team.id, id, at);

  // For a new contact: Head of Sales at Globex (no history there): the Sales roles level is used.
  const ana2 = (await ana.api("POST", "/contacts", {
    firstName: "Ana",
    lastName: "Souza",
    email: "ana.souza@globex.example",
    title: "Head of Sales",
    companyId: globex.id,
  })).json;
  const ranked = (await ana.api("GET", `/templates?contactId=${ana2.id}`)).json;
  assert.deepEqual(ranked.items.map((i: { name: string }) => i.name), [
    "Case study",
    "Brand new",
    "Quick intro",
  ]);
  const [best, newest, worst] = ranked.items;
  assert.equal(ranked.teamAverage, (18 + 1) / (80 + 10));
  assert.equal(best.ranking.recommended, true);
  assert.equal(best.ranking.level.kind, "title");
  assert.equal(
    best.ranking.explanation,
    "Recommended: 34% replies over 40 sends to people in Sales roles (team average 21%)",
  );
  assert.equal(best.ranking.rank, 1);
  assert.ok(best.ranking.low > ranked.teamAverage);
  assert.equal(newest.ranking.recommended, false);
  assert.equal(newest.ranking.explanation, "Not enough sends yet (0) — shown with the team average (21%)");
  assert.equal(
    worst.ranking.explanation,
    "10% expected reply rate over 40 sends to people in Sales roles (team average 21%)",
  );
  assert.equal(fresh.id, newest.id);
  assert.deepEqual(ranked.target, {
    contactId: ana2.id,
    contactName: "Ana Souza",
    companyName: "Globex",
    role: "Sales",
    industry: "Logistics",
  });

  // A draft to the same contact ranks the same way; the filter doesn't move the star.
  const draft = (await ana.api("POST", "/messages", { to: [ana2.email] })).json;
  const forDraft = (await ana.api("GET", `/templates?for=${draft.id}&category=Proposal`)).json;
  assert.deepEqual(forDraft.items.map((i: { name: string }) => i.name), ["Case study"]);
  assert.equal(forDraft.items[0].ranking.recommended, true);
  const introOnly = (await ana.api("GET", `/templates?for=${draft.id}&q=quick%20intro`)).json;
  assert.equal(introOnly.items[0].ranking.recommended, false, "the star stays with the best overall");
  assert.equal(introOnly.items[0].ranking.rank, 3);

  // For one of the reps: 1 send each is under 10 at the contact and company level → Initech (40) is used.
  const rep = (await ana.api("GET", "/contacts?q=rep0@")).json.items[0];
  const forRep = (await ana.api("GET", `/templates?contactId=${rep.id}`)).json;
  assert.equal(forRep.items[0].ranking.level.kind, "company");
  assert.match(forRep.items[0].ranking.explanation, /^Recommended: 34% replies over 40 sends at Initech/);

  // Without a contact: the team level, sorted by name unless asked.
  const plain = (await ana.api("GET", "/templates")).json;
  assert.deepEqual(plain.items.map((i: { name: string }) => i.name), [
    "Brand new",
    "Case study",
    "Quick intro",
  ]);
  assert.match(plain.items[1].ranking.explanation, /over 40 sends across the whole team/);
  assert.deepEqual(plain.categories, ["Intro", "Proposal"]);
});

Deno.test("templates - pages: library, template page, editor, picker; form actions; locked and private", async () => {
  await using t = await makeTestApp();
  const { ana, ken } = await team(t);
  const bo = await member(t, ana, "bo@acme.example");
  const id = (await ana.api("POST", "/templates", INTRO)).json.id;
  const mine = (await ana.api("POST", "/templates", { ...INTRO, name: "Ana's own", scope: "personal" })).json;

  const library = await ana.page("/templates");
  assert.equal(library.status, 200);
  assert.match(library.html, /Quick intro/);
  assert.match(library.html, /Ana&#39;s own|Ana's own/);
  assert.doesNotMatch((await bo.page("/templates")).html, /Ana(&#39;|')s own/);
  assert.match((await ana.page("/templates?scope=personal")).html, /Ana(&#39;|')s own/);
  assert.doesNotMatch((await ana.page("/templates?scope=personal")).html, /row-link[^>]*>Quick intro/);

  const page = await ana.page(`/templates/${id}?preview=${ken.id}`);
  assert.equal(page.status, 200);
  assert.match(page.html, /Subject:<\/span> Quick question, Ken/);
  assert.match(page.html, /No followed emails were sent from this template yet/);
  assert.equal((await bo.page(`/templates/${mine.id}`)).status, 404);

  const editor = await ana.page(`/templates/${id}/edit`);
  assert.equal(editor.status, 200);
  assert.match(editor.html, /data-island="template_editor"/);
  assert.equal((await ana.page("/templates/new")).status, 200);

  const picker = await ana.page(`/templates/pick?contact=${ken.id}`);
  assert.equal(picker.status, 200);
  assert.match(picker.html, /Templates for Ken Sato/);
  assert.match(picker.html, /Head of Sales at Globex/);
  assert.match(picker.html, /data-island="template_picker"/);
  assert.match(picker.html, /Not enough sends yet \(0\)/, "the picker is rendered on the server too");

  // Form actions: lock (admins), then a member can't edit; duplicate; archive and restore.
  assert.equal((await bo.form(`/templates/${id}/lock`, { locked: "true" })).status, 403);
  assert.equal((await ana.form(`/templates/${id}/lock`, { locked: "true" })).status, 303);
  assert.equal((await bo.page(`/templates/${id}/edit`)).status, 403);
  assert.match((await bo.page(`/templates/${id}`)).html, /An admin locked this template/);
  const dup = await bo.form(`/templates/${id}/duplicate`, {});
  assert.equal(dup.status, 303);
  assert.match(dup.headers.get("location")!, /^\/templates\/[0-9A-Z]{26}\/edit$/);
  assert.equal((await ana.form(`/templates/${id}/archive`, { archived: "true" })).status, 303);
  assert.match((await ana.page("/templates?scope=archived")).html, /Quick intro/);
  await ana.form(`/templates/${id}/archive`, { archived: "false" });
  assert.equal((await ana.api("GET", `/templates/${id}`)).json.archivedAt, null);
});
