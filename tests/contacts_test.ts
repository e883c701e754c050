import assert from "node:assert/strict";
import { decodeBase64Url } from "../lib/crypto/base64url.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { sendEmail } from "./helpers/mail.ts";
import { listMessagesFor } from "../lib/messages/list.ts";
import { TIMELINE_PAGE } from "../routes/pages/timeline.tsx";
import { contactKeys } from "../lib/contacts/keys.ts";
import { ManualClock } from "../lib/clock/clock.ts";

Deno.test("contacts - create, read, patch and delete through the API", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const company = await ana.api("POST", "/companies", {
    name: "Globex",
    domain: "https://www.Globex.com/about",
    industry: "Energy",
  });
  assert.equal(company.status, 201);
  assert.equal(company.json.domain, "globex.com");

  const created = await ana.api("POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: " Ken.Sato@Globex.com ",
    companyId: company.json.id,
    title: "CTO",
    timeZone: "asia/tokyo",
  });
  assert.equal(created.status, 201);
  assert.equal(created.json.email, "ken.sato@globex.com");
  assert.equal(created.json.timeZone, "Asia/Tokyo");
  assert.equal(created.json.tracking, "allow");

  const patched = await ana.api("PATCH", `/contacts/${created.json.id}`, { tracking: "do_not_allow" });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.tracking, "do_not_allow");
  assert.equal(patched.json.title, "CTO", "fields not sent stay as they were");
  const badZone = await ana.api("PATCH", `/contacts/${created.json.id}`, { timeZone: "+05:30" });
  assert.equal(badZone.status, 400);
  assert.equal(badZone.json.error.fields.timeZone, '"+05:30" is not an IANA time zone, like Europe/Lisbon.');
  const noZone = await ana.api("PATCH", `/contacts/${created.json.id}`, { timeZone: "" });
  assert.equal(noZone.json.timeZone, null, "an empty zone is none");

  const people = await ana.api("GET", `/companies/${company.json.id}/contacts`);
  assert.deepEqual(people.json.items.map((c: { id: string }) => c.id), [created.json.id]);

  const blocked = await ana.api("DELETE", `/companies/${company.json.id}`);
  assert.equal(blocked.status, 409, "a company with contacts is not deleted");
  assert.equal((await ana.api("DELETE", `/contacts/${created.json.id}`)).status, 204);
  assert.equal((await ana.api("GET", `/contacts/${created.json.id}`)).status, 404);
  assert.equal((await ana.api("DELETE", `/companies/${company.json.id}`)).status, 204);
});

Deno.test("contacts - validation names each field and writes nothing", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const before = await countKeys(t.kv);
  const bad = await ana.api("POST", "/contacts", {
    firstName: "x".repeat(81),
    email: "nope",
    timeZone: "Mars/Olympus",
    tracking: "maybe",
    phone: "call me",
    companyId: "01JD0000000000000000000000",
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, "validation");
  assert.deepEqual(Object.keys(bad.json.error.fields).sort(), [
    "companyId",
    "email",
    "firstName",
    "phone",
    "timeZone",
    "tracking",
  ], "an unknown company is named with the rest, not after they are fixed");
  assert.equal(bad.json.error.fields.companyId, "Choose a company of your team.");
  assert.match(bad.json.error.fields.timeZone, /"Mars\/Olympus" is not an IANA time zone/);
  const noCompany = await ana.api("POST", "/contacts", {
    firstName: "A",
    email: "a@example.com",
    companyId: "01JD0000000000000000000000",
  });
  assert.equal(noCompany.status, 400);
  assert.match(noCompany.json.error.fields.companyId, /company of your team/);
  const longId = await ana.api("POST", "/contacts", {
    firstName: "",
    email: "a@example.com",
    companyId: "x".repeat(3000),
  });
  assert.equal(longId.status, 400, "not a key KV would refuse");
  assert.deepEqual(longId.json.error.fields, { companyId: "Choose a company of your team." });
  assert.equal(await countKeys(t.kv), before);

  // A change, and the form, alike.
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@example.com" })).json;
  const saved = await countKeys(t.kv);
  const patch = await ana.api("PATCH", `/contacts/${ken.id}`, {
    email: "nope",
    companyId: "01JD0000000000000000000000",
    companyName: "x".repeat(121),
  });
  assert.equal(patch.status, 400);
  assert.deepEqual(Object.keys(patch.json.error.fields).sort(), ["companyId", "companyName", "email"]);
  const both = await ana.api("POST", "/contacts", {
    firstName: "x".repeat(81),
    email: "a@b.example",
    companyId: "01JD0000000000000000000000",
    companyName: "Initech",
  });
  assert.deepEqual(Object.keys(both.json.error.fields).sort(), ["companyName", "firstName"]);
  assert.match(both.json.error.fields.companyName, /not both/);
  const misspelt = await ana.api("POST", "/contacts", {
    firstName: "Ken",
    email: "ken2@example.com",
    compnyName: "Initech",
    companyId: "01JD0000000000000000000000",
  });
  assert.deepEqual(Object.keys(misspelt.json.error.fields).sort(), ["companyId", "compnyName"]);
  for (const path of ["/contacts", `/contacts/${ken.id}`]) {
    const form = await ana.form(path, {
      firstName: "Ken",
      email: "bad",
      tracking: "allow",
      companyId: "01JD0000000000000000000000",
    });
    assert.equal(form.status, 400, path);
    const html = await form.text();
    assert.match(html, /Enter a valid email address/, path);
    assert.match(html, /Choose a company of your team\./, path);
  }
  assert.equal(await countKeys(t.kv), saved, "nothing written");
  assert.equal((await ana.api("GET", `/contacts/${ken.id}`)).json.email, "ken@example.com");
});

Deno.test("contacts - typed names and subjects lose bidi overrides, which would make them display as something else", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  // "\u202E" (right-to-left override) makes "gnp.exe" display as "exe.png"; Arabic and Hebrew need no controls.
  const created = await ana.api("POST", "/contacts", {
    firstName: "\u202Egnp.exe",
    lastName: "\u2067נועה\u2069",
    email: "noa@example.com",
  });
  assert.equal(created.status, 201);
  assert.deepEqual([created.json.firstName, created.json.lastName], ["gnp.exe", "נועה"]);
  // Controls alone are no name: the contact is known by address.
  const empty = await ana.api("POST", "/contacts", { firstName: " \u202E ", email: "x@example.com" });
  assert.equal(empty.status, 201);
  assert.equal(empty.json.firstName, "");
  const draft = await ana.api("POST", "/messages", {
    subject: "Invoice for \u202Efdp.exe",
    html: "<p>Hi</p>",
  });
  assert.equal(draft.json.subject, "Invoice for fdp.exe");
  // And everywhere else text is typed: a company made from the contact form, an alarm's comment, a task's notes,
  // a template's category.
  const dan = await ana.api("POST", "/contacts", {
    firstName: "Dan",
    email: "dan@example.com",
    companyName: "Invoices \u202Efdp.exe",
  });
  assert.equal((await ana.api("GET", `/companies/${dan.json.companyId}`)).json.name, "Invoices fdp.exe");
  const alarm = await ana.api("POST", `/messages/${draft.json.id}/alarms`, {
    condition: "reminder",
    at: t.clock.now() + 3_600_000,
    comment: "Check \u202Eexe.gnp first",
  });
  assert.equal(alarm.json.comment, "Check exe.gnp first");
  const task = await ana.api("POST", "/tasks", {
    subject: "Call",
    notes: "About \u202Efdp.exe",
    dueAt: t.clock.now() + 3_600_000,
  });
  assert.equal(task.json.notes, "About fdp.exe");
  const template = await ana.api("POST", "/templates", {
    name: "Intro",
    category: "\u202Egnp.exe",
    subject: "Hello",
    html: "<p>Hi</p>",
  });
  assert.equal(template.json.category, "gnp.exe");
});

Deno.test("contacts - email is unique per team, case-insensitively, also on update", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@example.com" })).json;
  const dup = await ana.api("POST", "/contacts", { firstName: "Kenny", email: "KEN@example.com" });
  assert.equal(dup.status, 409);
  assert.match(dup.json.error.fields.email, /already has this email/);
  // The form says who has it, with a link to them.
  const page = await ana.form("/contacts", { firstName: "Kenny", email: "KEN@example.com" });
  assert.equal(page.status, 409);
  assert.match(await page.text(), new RegExp(`<a href="/contacts/${ken.id}">Open Ken</a>`));
  const lee = await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@example.com" });
  const clash = await ana.api("PATCH", `/contacts/${lee.json.id}`, { email: "ken@EXAMPLE.com" });
  assert.equal(clash.status, 409);
  assert.equal((await ana.api("GET", `/contacts/${lee.json.id}`)).json.email, "lee@example.com");
  const moved = await ana.api("PATCH", `/contacts/${lee.json.id}`, { email: "lee@new.example" });
  assert.equal(moved.status, 200);
  const reuse = await ana.api("POST", "/contacts", { firstName: "Other Lee", email: "lee@example.com" });
  assert.equal(reuse.status, 201, "the old address is free again");

  const other = new Client(t);
  await other.signUp();
  assert.equal(
    (await other.api("POST", "/contacts", { firstName: "Ken", email: "ken@example.com" })).status,
    201,
    "other teams may have the same contact",
  );
});

Deno.test("contacts - a contact may be an address alone: shown and sorted by it until named", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  await ana.api("POST", "/contacts", { firstName: "Ana", lastName: "Zed", email: "ana@example.com" });
  await ana.api("POST", "/contacts", { firstName: "Zoe", email: "zoe@example.com" });
  const info = await ana.api("POST", "/contacts", { email: "info@globex.example" });
  assert.equal(info.status, 201);
  assert.deepEqual([info.json.firstName, info.json.lastName], ["", ""]);
  const order = async () =>
    (await ana.api("GET", "/contacts")).json.items.map((c: { firstName: string; email: string }) =>
      c.firstName || c.email
    );
  assert.deepEqual(await order(), ["Ana", "info@globex.example", "Zoe"]);

  const page = (await ana.page(`/contacts/${info.json.id}`)).html;
  assert.match(page, /<h1 tabIndex="-1">info@globex\.example<\/h1>/i);
  assert.match(page, /Emails to info@globex\.example and what happens to them/);
  const row = (await ana.page("/contacts")).html.match(
    new RegExp(`<a class="row-link" href="/contacts/${info.json.id}">(.*?)</a>`, "s"),
  )?.[1];
  assert.equal(row?.replaceAll(/<[^>]+>/g, ""), "info@globex.example", "the list names them by address");
  assert.doesNotMatch(page, /<p class="subtitle">info@globex/, "and its page says it once");
  const form = await ana.form("/contacts", { firstName: "", email: "sales@initech.example" });
  assert.equal(form.status, 303, "the form takes an address alone too");
  assert.match((await ana.page(form.headers.get("location")!)).html, /sales@initech\.example was added/);

  // Named later: sorted by the name, with no entry left under the address.
  await ana.api("PATCH", `/contacts/${info.json.id}`, { firstName: "Ines" });
  assert.deepEqual(await order(), ["Ana", "Ines", "sales@initech.example", "Zoe"]);
  await ana.api("PATCH", `/contacts/${info.json.id}`, { firstName: "" });
  const erased = await ana.api("POST", `/contacts/${info.json.id}/erase`);
  assert.equal(erased.status, 200);
  assert.deepEqual(
    await order(),
    ["Ana", "sales@initech.example", "Zoe"],
    "erasure takes its index entry too",
  );
  const left = await Array.fromAsync(t.kv.list({ prefix: [] }));
  assert.ok(!left.some((e) => JSON.stringify(e.key).includes("info@globex")), "nothing keyed by the address");
});

Deno.test("contacts - list is by name, searchable, and paginates with a cursor", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const names = ["Zoe", "Ánia", "bob", "Carla", "Dmitri", "Élodie", "Farah"];
  for (const [i, name] of names.entries()) {
    await ana.api("POST", "/contacts", {
      firstName: name,
      email: `${i}@example.com`,
      companyId: name === "Carla" ? globex.id : null,
      title: name === "Farah" ? "VP Sales" : "",
    });
  }
  const all: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { json: { items: { firstName: string }[]; cursor: string | null } } = await ana.api(
      "GET",
      `/contacts?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    assert.ok(page.json.items.length <= 3);
    all.push(...page.json.items.map((c) => c.firstName));
    cursor = page.json.cursor;
  } while (cursor);
  assert.deepEqual(all, ["Ánia", "bob", "Carla", "Dmitri", "Élodie", "Farah", "Zoe"]);

  const search = async (q: string) =>
    (await ana.api("GET", `/contacts?q=${encodeURIComponent(q)}`)).json.items.map((
      c: { firstName: string },
    ) => c.firstName);
  assert.deepEqual(await search("elo"), ["Élodie"], "accents ignored");
  assert.deepEqual(await search("globex"), ["Carla"], "company name");
  await ana.api("PATCH", `/companies/${globex.id}`, { domain: "globex.com" });
  assert.deepEqual(await search("globex.com"), ["Carla"], "company domain, her own address elsewhere");
  assert.deepEqual(await search("sales"), ["Farah"], "title");
  const paged = await ana.api("GET", "/contacts?q=example.com&limit=4");
  assert.equal(paged.json.items.length, 4);
  const rest = await ana.api(
    "GET",
    `/contacts?q=example.com&limit=4&cursor=${encodeURIComponent(paged.json.cursor)}`,
  );
  assert.deepEqual(rest.json.items.length, 3);
  assert.equal(rest.json.cursor, null);
  // A cursor needs no escaping in a link; one of the earlier form (URI-encoded JSON, bookmarked) still reads.
  assert.match(paged.json.cursor, /^[\w-]+$/);
  const earlier = encodeURIComponent(new TextDecoder().decode(decodeBase64Url(paged.json.cursor)!));
  const resumed = await ana.api(
    "GET",
    `/contacts?q=example.com&limit=4&cursor=${encodeURIComponent(earlier)}`,
  );
  assert.deepEqual(resumed.json.items, rest.json.items);
});

Deno.test("contacts - the list page goes to the next page and back to the first, keeping the search", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  for (let i = 0; i < 52; i++) {
    const n = String(i).padStart(2, "0");
    await ana.api("POST", "/contacts", { firstName: `Person ${n}`, email: `person${n}@example.com` });
  }
  const links = (html: string) => ({
    next: html.match(/href="([^"]*)"[^>]*>Next page/)?.[1].replaceAll("&amp;", "&") ?? null,
    first: html.match(/href="([^"]*)"[^>]*>← First page/)?.[1].replaceAll("&amp;", "&") ?? null,
  });
  const one = await ana.page("/contacts?q=person");
  assert.equal(links(one.html).first, null, "the first page has no link to itself");
  assert.match(links(one.html).next ?? "", /^\?q=person&cursor=/);
  const two = await ana.page(`/contacts${links(one.html).next}`);
  assert.match(two.html, /Person 50/);
  assert.doesNotMatch(two.html, /Person 49/);
  assert.deepEqual(links(two.html), { next: null, first: "?q=person" });
});

Deno.test("contacts - a save over a change made since the form or read is refused, not a silent undo", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const bob = (await ana.api("POST", "/contacts", { firstName: "Bob", email: "bob@globex.example" })).json;
  // Two tabs open the edit form; the first saves a title.
  const form = (await ana.page(`/contacts/${bob.id}/edit`)).html;
  const base = form.match(/name="baseUpdatedAt" value="(\d+)"/)?.[1];
  assert.equal(base, String(bob.updatedAt), "the form carries the version it shows");
  t.clock.advance(1000);
  const fields = { firstName: "Bob", email: "bob@globex.example", tracking: "allow", baseUpdatedAt: base! };
  assert.equal((await ana.form(`/contacts/${bob.id}`, { ...fields, title: "CTO" })).status, 303);
  // The second, opened before that save, would put the title back: refused, saying why, nothing saved.
  const stale = await ana.form(`/contacts/${bob.id}`, { ...fields, phone: "+1 555 0100" });
  assert.equal(stale.status, 409);
  const page = await stale.text();
  assert.match(page, /Someone changed this contact since you opened it\. Reload to see their changes/);
  assert.match(page, /value="\+1 555 0100"/, "what was typed is kept");
  const now = (await ana.api("GET", `/contacts/${bob.id}`)).json;
  assert.deepEqual([now.title, now.phone], ["CTO", ""]);

  // The API checks the same when told what it read; without it, a patch changes only its own fields.
  const refused = await ana.api("PATCH", `/contacts/${bob.id}`, {
    phone: "+1 555 0100",
    baseUpdatedAt: bob.updatedAt,
  });
  assert.equal(refused.status, 409);
  const patched = await ana.api("PATCH", `/contacts/${bob.id}`, {
    phone: "+1 555 0100",
    baseUpdatedAt: now.updatedAt,
  });
  assert.equal(patched.status, 200);
  assert.equal((await ana.api("PATCH", `/contacts/${bob.id}`, { lastName: "Marley" })).json.title, "CTO");
  // A patch that changes nothing isn't saved, so a save based on what was read before it still goes through.
  const read = (await ana.api("GET", `/contacts/${bob.id}`)).json;
  t.clock.advance(1000);
  for (const noChange of [{}, { lastName: "Marley" }]) {
    assert.equal((await ana.api("PATCH", `/contacts/${bob.id}`, noChange)).json.updatedAt, read.updatedAt);
  }
  assert.equal(
    (await ana.api("PATCH", `/contacts/${bob.id}`, { title: "CEO", baseUpdatedAt: read.updatedAt })).status,
    200,
  );

  // Companies alike.
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const companyForm = (await ana.page(`/companies/${globex.id}/edit`)).html;
  const companyBase = companyForm.match(/name="baseUpdatedAt" value="(\d+)"/)![1];
  t.clock.advance(1000);
  assert.equal((await ana.api("PATCH", `/companies/${globex.id}`, { industry: "Energy" })).status, 200);
  const staleCompany = await ana.form(`/companies/${globex.id}`, {
    name: "Globex Corp",
    domain: "",
    industry: "",
    baseUpdatedAt: companyBase,
  });
  assert.equal(staleCompany.status, 409);
  assert.match(await staleCompany.text(), /Someone changed this company since you opened it/);
  const kept = (await ana.api("GET", `/companies/${globex.id}`)).json;
  assert.deepEqual([kept.name, kept.industry], ["Globex", "Energy"]);
  t.clock.advance(1000);
  assert.equal(
    (await ana.api("PATCH", `/companies/${globex.id}`, { name: "Globex" })).json.updatedAt,
    kept.updatedAt,
  );
});

Deno.test("contacts - pages: form errors keep input; create, edit, delete with messages", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const bad = await ana.form("/contacts", { firstName: "Ken", email: "bad", tracking: "allow" });
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.match(html, /value="Ken"/);
  assert.match(html, /Enter a valid email address/);

  const ok = await ana.form("/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@example.com",
    tracking: "allow",
    timeZone: "",
  });
  assert.equal(ok.status, 303);
  const id = ok.headers.get("location")!.split("/").pop()!;
  const page = await ana.page(`/contacts/${id}`);
  assert.match(page.html, /Ken Sato was added/);
  assert.match(page.html, /Not set — send-time advice needs it/);

  const edit = await ana.form(`/contacts/${id}`, {
    firstName: "Kenji",
    lastName: "Sato",
    email: "ken@example.com",
    tracking: "do_not_allow",
    timeZone: "Asia/Tokyo",
  });
  assert.equal(edit.status, 303);
  const list = await ana.page("/contacts");
  assert.match(list.html, /Kenji Sato/);
  assert.match(list.html, /Do not track/);
  assert.match(list.html, /Asia\/Tokyo/);

  const del = await ana.form(`/contacts/${id}/delete`, { confirm: "yes" });
  assert.equal(del.status, 303);
  assert.match((await ana.page("/contacts")).html, /No contacts yet/);
});

Deno.test("companies - domain unique per team; pages list contacts", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const a = await ana.api("POST", "/companies", { name: "Initech", domain: "initech.com" });
  const dup = await ana.api("POST", "/companies", { name: "Initech 2", domain: "INITECH.com" });
  assert.equal(dup.status, 409);
  assert.match(dup.json.error.fields.domain, /already has this domain/);
  await ana.api("POST", "/contacts", {
    firstName: "Peter",
    email: "peter@initech.com",
    companyId: a.json.id,
  });
  const page = await ana.page(`/companies/${a.json.id}`);
  assert.match(page.html, /Peter/);
  const rename = await ana.api("PATCH", `/companies/${a.json.id}`, { name: "Initrode" });
  assert.equal(rename.json.name, "Initrode");
  assert.equal(rename.json.domain, "initech.com");
  assert.deepEqual(
    (await ana.api("GET", "/companies?q=initrode")).json.items.map((c: { id: string }) => c.id),
    [a.json.id],
  );
});

async function countKeys(kv: Deno.Kv) {
  let n = 0;
  for await (const _ of kv.list({ prefix: [] })) n++;
  return n;
}

Deno.test("companies - the timeline has the emails of the people at it now, also those sent before they joined", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp();
  const oldCo = (await ana.api("POST", "/companies", { name: "OldCo" })).json;
  const newCo = (await ana.api("POST", "/companies", { name: "NewCo" })).json;
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@example.com" })).json;
  const lee = (await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@example.com" })).json;
  await ana.api("PATCH", `/contacts/${lee.id}`, { companyId: oldCo.id });
  await sendEmail(t, ana, { to: [ken.email], subject: "Before NewCo" });
  await sendEmail(t, ana, { to: [ken.email, lee.email], subject: "To both" });
  await sendEmail(t, ana, {
    to: ["someone@else.example"],
    subject: "About NewCo",
    regarding: { type: "company", id: newCo.id },
  });
  const subjects = async (companyId: string, limit?: number) =>
    (await listMessagesFor(t.kv, me.team.id, { type: "company", id: companyId }, limit)).map((m) =>
      m.message.subject
    );
  assert.deepEqual(await subjects(newCo.id), ["About NewCo"]);

  await ana.api("PATCH", `/contacts/${ken.id}`, { companyId: newCo.id });
  await ana.api("PATCH", `/contacts/${lee.id}`, { companyId: newCo.id });
  assert.deepEqual(
    await subjects(newCo.id),
    ["About NewCo", "To both", "Before NewCo"],
    "newest first, each once",
  );
  assert.deepEqual(await subjects(newCo.id, 2), ["About NewCo", "To both"]);
  assert.deepEqual(await subjects(oldCo.id), ["To both"], "Lee was at OldCo when it was sent");
  const page = await ana.page(`/companies/${newCo.id}`);
  assert.match(page.html, /Before NewCo/);
});

Deno.test("companies - names are unique per team ignoring case and spaces, on create and rename", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const before = await countKeys(t.kv);
  const dup = await ana.api("POST", "/companies", { name: "  globex " });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.fields.name, "A company called “Globex” already exists.");
  assert.match(dup.json.error.message, new RegExp(`Its id is ${globex.id}`));
  assert.equal(await countKeys(t.kv), before, "nothing written");

  const page = await ana.form("/companies", { name: "GLOBEX", domain: "", industry: "" });
  assert.equal(page.status, 409);
  const html = await page.text();
  assert.match(html, /A company called “Globex” already exists/);
  assert.match(html, new RegExp(`<a href="/companies/${globex.id}">Open Globex</a>`));
  assert.match(html, /value="GLOBEX"/, "what was typed is kept");

  const initech = (await ana.api("POST", "/companies", { name: "Initech" })).json;
  const rename = await ana.api("PATCH", `/companies/${initech.id}`, { name: "GLOBEX" });
  assert.equal(rename.status, 409);
  assert.match(rename.json.error.fields.name, /Globex/);
  assert.equal(
    (await ana.api("PATCH", `/companies/${globex.id}`, { name: "GloBex" })).status,
    200,
    "its own case",
  );
  assert.equal((await ana.api("PATCH", `/companies/${globex.id}`, { name: "Globex Energy" })).status, 200);
  assert.equal(
    (await ana.api("PATCH", `/companies/${initech.id}`, { name: "globex" })).status,
    200,
    "the old name is free",
  );
  assert.equal((await ana.api("DELETE", `/companies/${initech.id}`)).status, 204);
  assert.equal(
    (await ana.api("POST", "/companies", { name: "Globex" })).status,
    201,
    "and free again after a delete",
  );

  const other = new Client(t);
  await other.signUp();
  assert.equal(
    (await other.api("POST", "/companies", { name: "Globex Energy" })).status,
    201,
    "other teams may",
  );
});

Deno.test("companies - a name saved twice before names were unique is still found, and can be edited", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp();
  const a = (await ana.api("POST", "/companies", { name: "Acme" })).json;
  // As an earlier version stored it: no unique-name entry, and a second company of the same name.
  await t.kv.delete(contactKeys.companyByUniqueName(me.team.id, "acme"));
  const twin = { ...a, id: "01JD0000000000000000000000", name: "ACME" };
  await t.kv.set(contactKeys.company(me.team.id, twin.id), twin);
  await t.kv.set(contactKeys.companyByName(me.team.id, "acme", twin.id), twin.id);
  assert.equal((await ana.api("POST", "/companies", { name: "acme" })).status, 409);
  assert.equal((await ana.api("PATCH", `/companies/${twin.id}`, { industry: "Anvils" })).status, 200);
  assert.equal((await ana.api("PATCH", `/companies/${twin.id}`, { name: "Acme Two" })).status, 200);
  assert.equal((await ana.api("POST", "/companies", { name: "acme two" })).status, 409);
  assert.equal((await ana.api("PATCH", `/companies/${a.id}`, { name: "ACME TWO" })).status, 409);
});

Deno.test("contacts - a new company typed in the contact form is made with the contact, in one commit", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const form = await ana.page("/contacts/new");
  assert.doesNotMatch(form.html, /href="\/companies\/new"/, "no link away from the form");
  assert.match(form.html, /<summary>Add a new company<\/summary>/);

  const bad = await ana.form("/contacts", {
    firstName: "Ken",
    email: "bad",
    companyName: "NewCo",
    tracking: "allow",
  });
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.match(html, /<details class="new-company" open/);
  assert.match(html, /value="NewCo"/, "the typed company is kept with the rest");
  assert.equal((await ana.api("GET", "/companies")).json.items.length, 0, "no company without its contact");

  const ok = await ana.form("/contacts", {
    firstName: "Ken",
    email: "ken@newco.example",
    companyName: " NewCo ",
  });
  assert.equal(ok.status, 303);
  const [newCo] = (await ana.api("GET", "/companies")).json.items;
  assert.equal(newCo.name, "NewCo");
  const ken = (await ana.api("GET", `/contacts/${ok.headers.get("location")!.split("/").pop()}`)).json;
  assert.equal(ken.companyId, newCo.id);

  const lee = await ana.api("POST", "/contacts", {
    firstName: "Lee",
    email: "lee@newco.example",
    companyName: "newco",
  });
  assert.equal(lee.json.companyId, newCo.id, "a company of that name is used, not made twice");
  const both = await ana.api("POST", "/contacts", {
    firstName: "Mo",
    email: "mo@newco.example",
    companyId: newCo.id,
    companyName: "Other",
  });
  assert.equal(both.status, 400);
  assert.match(both.json.error.fields.companyName, /not both/);
  const moved = await ana.api("PATCH", `/contacts/${ken.id}`, { companyId: null, companyName: "Initech" });
  assert.equal(moved.status, 200);
  const initech = (await ana.api("GET", "/companies?q=initech")).json.items[0];
  assert.equal(moved.json.companyId, initech.id);
  // A company by name alone moves them too: the one they were at is what the name replaces.
  const byName = await ana.api("PATCH", `/contacts/${ken.id}`, { companyName: "Hooli Labs" });
  assert.equal(byName.status, 200);
  assert.equal(byName.json.companyId, (await ana.api("GET", "/companies?q=hooli")).json.items[0].id);
  assert.equal(
    (await ana.api("PATCH", `/contacts/${ken.id}`, { companyName: "newco" })).json.companyId,
    newCo.id,
  );
  assert.equal(
    (await ana.api("PATCH", `/contacts/${ken.id}`, { companyId: initech.id, companyName: "Other" })).status,
    400,
  );
  assert.equal(
    (await ana.api("POST", "/contacts", {
      firstName: "Ken",
      email: "KEN@newco.example",
      companyName: "Hooli",
    })).status,
    409,
  );
  assert.deepEqual(
    (await ana.api("GET", "/companies?q=hooli")).json.items.map((c: { name: string }) => c.name),
    ["Hooli Labs"],
    "a failed contact makes no company",
  );
});

Deno.test("contacts - timelines page back through every email: 'Older emails', then 'Newest emails'", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const ken = (await ana.api("POST", "/contacts", {
    firstName: "Ken",
    email: "ken@globex.example",
    companyId: globex.id,
  })).json;
  const total = TIMELINE_PAGE + 3;
  for (let i = 1; i <= total; i++) await sendEmail(t, ana, { to: [ken.email], subject: `Email ${i}` });
  const subjects = (html: string) =>
    [...html.matchAll(/class="row-link" href="\/messages\/\w+">(Email \d+)</g)].map((m) => m[1]);

  for (const path of [`/contacts/${ken.id}`, `/companies/${globex.id}`]) {
    const first = (await ana.page(path)).html;
    assert.equal(subjects(first).length, TIMELINE_PAGE, path);
    assert.equal(subjects(first)[0], `Email ${total}`, "newest first");
    assert.doesNotMatch(first, /Newest emails/);
    const older = first.match(/href="(\?older=\w+#timeline-title)"[^>]*>Older emails/)![1];
    const second = (await ana.page(`${path}${older}`)).html;
    assert.deepEqual(subjects(second), ["Email 3", "Email 2", "Email 1"], `${path}: the rest, none twice`);
    assert.doesNotMatch(second, /Older emails/, "the last page");
    assert.match(second, /href="\?#timeline-title"[^>]*>← Newest emails/);
  }
  // A cursor that isn't an id is ignored: the newest page.
  assert.equal(subjects((await ana.page(`/contacts/${ken.id}?older=nonsense`)).html)[0], `Email ${total}`);
  // One past the oldest says so, not that Ken has no emails.
  const past = (await ana.page(`/contacts/${ken.id}?older=00000000000000000000000000`)).html;
  assert.match(past, /No older emails\./);
  assert.doesNotMatch(past, /will appear here/);
});

Deno.test("companies - a company deleted as a contact joins it: one of the two is refused, no contact is left at a deleted company", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const outcomes = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const company = (await ana.api("POST", "/companies", { name: `Initech ${i}` })).json;
    const [deleted, joined] = await Promise.all([
      ana.api("DELETE", `/companies/${company.id}`),
      ana.api("POST", "/contacts", {
        firstName: "Lee",
        email: `lee${i}@initech.example`,
        companyId: company.id,
      }),
    ]);
    outcomes.add(`${deleted.status}/${joined.status}`);
    const gone = (await ana.api("GET", `/companies/${company.id}`)).status === 404;
    if (joined.status === 201) {
      assert.ok(!gone, `contact ${joined.json.id} is at a deleted company (${[...outcomes]})`);
    }
  }
});

Deno.test("companies - contacts joining the same company at the same time are all saved", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const company = (await ana.api("POST", "/companies", { name: "Initech" })).json;
  const saved = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      ana.api("POST", "/contacts", {
        firstName: `Lee ${i}`,
        email: `lee${i}@initech.example`,
        companyId: company.id,
      })),
  );
  assert.deepEqual(saved.map((r) => r.status), Array(10).fill(201));
  const lee = saved[0].json;
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const moved = await Promise.all(
    saved.slice(1, 6).map((r) => ana.api("PATCH", `/contacts/${r.json.id}`, { companyId: globex.id })),
  );
  assert.deepEqual(moved.map((r) => r.status), Array(5).fill(200), JSON.stringify(moved.map((r) => r.json)));
  assert.equal((await ana.api("GET", `/contacts/${lee.id}`)).json.companyId, company.id);
});

Deno.test("contacts - a zone the edit form's list doesn't name is shown and kept, not saved over as none", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const tz =
    (await ana.api("POST", "/contacts", { firstName: "Tz", email: "tz@example.com", timeZone: "est" })).json;
  assert.equal(tz.timeZone, "EST");
  const form = (await ana.page(`/contacts/${tz.id}/edit`)).html;
  assert.match(form, /<option value="EST" selected/);
  const saved = await ana.form(`/contacts/${tz.id}`, {
    firstName: "Tz",
    email: "tz@example.com",
    tracking: "allow",
    timeZone: "EST",
  });
  assert.equal(saved.status, 303);
  assert.equal((await ana.api("GET", `/contacts/${tz.id}`)).json.timeZone, "EST");
});

Deno.test("contacts - a company domain with no domain in it is refused by name, not stored as none", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  for (const domain of ["http://", "https:///", "www."]) {
    const r = await ana.api("POST", "/companies", { name: "Zeta", domain });
    assert.equal(r.status, 400, domain);
    assert.deepEqual(r.json.error.fields, { domain: "Enter a domain like example.com." }, domain);
  }
  const ok = await ana.api("POST", "/companies", { name: "Zeta", domain: "https://www.zeta.example/about" });
  assert.equal(ok.json.domain, "zeta.example");
  assert.equal((await ana.api("POST", "/companies", { name: "Eta", domain: "" })).json.domain, null);
});

Deno.test("contacts - the page shows the closed dates ahead of the hours advice uses, soonest first", async () => {
  await using t = await makeTestApp({ clock: new ManualClock(Date.parse("2026-12-24T20:00:00Z")) });
  const ana = new Client(t);
  await ana.signUp();
  const hours = (closedDates: string[]) => ({
    days: [1, 2, 3, 4, 5],
    start: "09:00",
    end: "17:00",
    closedDates,
  });
  // 20:00 on the 24th in London is already the 25th in Tokyo: their calendar decides what is past.
  const ken = (await ana.api("POST", "/contacts", {
    firstName: "Ken",
    email: "ken@example.com",
    timeZone: "Asia/Tokyo",
    businessHours: hours(["2027-01-01", "2026-12-24", "2026-12-25", "2026-12-31"]),
  })).json;
  const closed = async (id: string) => {
    const html = (await ana.page(`/contacts/${id}`)).html;
    const part = html.match(/data-testid="contact-closed-dates">([\s\S]*?)<\/div>/)?.[1];
    return part?.replace(/<[^>]+>/g, "").replaceAll("\u00a0", " ") ?? null;
  };
  assert.equal(await closed(ken.id), "Closed Fri 25 Dec, Thu 31 Dec, Fri 1 Jan 2027");
  assert.match(
    (await ana.page(`/contacts/${ken.id}`)).html,
    /<time datetime="2026-12-25">Fri\u00a025\u00a0Dec<\/time>/,
  );

  const many = ["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08", "2027-01-11"];
  await ana.api("PATCH", `/contacts/${ken.id}`, { businessHours: hours(many) });
  assert.match(
    await closed(ken.id) ?? "",
    /^Closed Mon 4 Jan 2027, Tue 5 Jan 2027, Wed 6 Jan 2027, Thu 7 Jan 2027, Fri 8 Jan 2027/,
  );
  assert.match(
    (await ana.page(`/contacts/${ken.id}`)).html,
    /<details class="why"><summary>1 more<\/summary><span class="why-text"><time datetime="2027-01-11">Mon\u00a011\u00a0Jan\u00a02027<\/time><\/span><\/details>/,
    "the first few, the rest behind “1 more”",
  );
  await ana.api("PATCH", `/contacts/${ken.id}`, { businessHours: hours(["2026-12-01"]) });
  assert.equal(await closed(ken.id), null, "none ahead: nothing said");

  // Without hours of their own, the team's closed dates are theirs.
  const lee = (await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@example.com" })).json;
  assert.equal(await closed(lee.id), null);
  const settings = (await ana.api("GET", "/team/settings")).json;
  await ana.api("PATCH", "/team/settings", {
    businessHours: { ...settings.businessHours, closedDates: ["2026-12-28"] },
  });
  assert.equal(await closed(lee.id), "Closed Mon 28 Dec");
});

Deno.test("contacts - the form adds and removes a contact's closed dates, kept when the contact is saved", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const hours = {
    firstName: "Ken",
    email: "ken@example.com",
    tracking: "allow",
    hours_own: "1",
    hours_day1: "1",
    hours_day2: "1",
    hours_day3: "1",
    hours_day4: "1",
    hours_day5: "1",
    hours_start: "09:00",
    hours_end: "17:00",
  };
  const contacts = async () => (await ana.api("GET", "/contacts")).json.items.length;
  const dates = (html: string) => [...html.matchAll(/<time datetime="([\d-]+)">/g)].map((m) => m[1]);

  const added = await ana.form("/contacts", { ...hours, action: "add", hours_addClosedDate: "2026-12-24" });
  assert.equal(added.status, 200);
  let html = await added.text();
  assert.deepEqual(dates(html), ["2026-12-24"]);
  assert.match(html, /aria-label="Remove Thu 24 Dec 2026"/);
  assert.ok(
    html.indexOf('value="save"') < html.indexOf('value="remove:'),
    "Enter in a field saves, not removes",
  );
  assert.match(html, /<input[^>]*name="hours_addClosedDate"[^>]*autofocus/, "the focus stays by the dates");
  assert.doesNotMatch(html, /<input[^>]*name="firstName"[^>]*autofocus/);
  assert.equal(await contacts(), 0, "nothing saved yet");

  html = await (await ana.form("/contacts", {
    ...hours,
    hours_closedDates: "2026-12-24",
    action: "add",
    hours_addClosedDate: "2026-12-31",
  })).text();
  assert.deepEqual(dates(html), ["2026-12-24", "2026-12-31"]);
  html = await (await ana.form("/contacts", {
    ...hours,
    hours_closedDates: "2026-12-24,2026-12-31",
    action: "remove:2026-12-24",
  })).text();
  assert.deepEqual(dates(html), ["2026-12-31"]);
  const none = await ana.form("/contacts", { ...hours, action: "add", hours_addClosedDate: "" });
  assert.equal(none.status, 400);
  assert.match(await none.text(), /Choose a date to add\./);
  assert.equal(await contacts(), 0);

  const saved = await ana.form("/contacts", { ...hours, hours_closedDates: "2026-12-31" });
  assert.equal(saved.status, 303);
  const ken = (await ana.api("GET", "/contacts")).json.items[0];
  assert.deepEqual(ken.businessHours.closedDates, ["2026-12-31"]);

  // Editing: the dates are listed to remove; removing one and saving keeps the rest of the contact.
  const edit = (await ana.page(`/contacts/${ken.id}/edit`)).html;
  assert.deepEqual(dates(edit), ["2026-12-31"]);
  const baseUpdatedAt = edit.match(/name="baseUpdatedAt" value="(\d+)"/)![1];
  const removed = await ana.form(`/contacts/${ken.id}`, {
    ...hours,
    baseUpdatedAt,
    hours_closedDates: "2026-12-31",
    action: "remove:2026-12-31",
  });
  assert.equal(removed.status, 200);
  assert.deepEqual(dates(await removed.text()), []);
  assert.deepEqual(
    (await ana.api("GET", `/contacts/${ken.id}`)).json.businessHours.closedDates,
    ["2026-12-31"],
    "not saved until the contact is",
  );
  assert.equal(
    (await ana.form(`/contacts/${ken.id}`, { ...hours, baseUpdatedAt, hours_closedDates: "" })).status,
    303,
  );
  assert.deepEqual((await ana.api("GET", `/contacts/${ken.id}`)).json.businessHours.closedDates, []);
});

Deno.test("companies - a company's contacts come a page at a time by name, in the API and on its page", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const other = (await ana.api("POST", "/companies", { name: "Initech" })).json;
  // Globex's people and others, their names interleaved; added out of order.
  for (const [i, name] of ["Zoe", "Ánia", "Bob", "Carla", "Dmitri", "Élodie", "Farah", "Gus"].entries()) {
    await ana.api("POST", "/contacts", {
      firstName: name,
      email: `${i}@globex.example`,
      companyId: globex.id,
    });
    await ana.api("POST", "/contacts", {
      firstName: `${name}o`,
      email: `${i}@initech.example`,
      companyId: other.id,
    });
  }
  await ana.api("POST", "/contacts", { firstName: "Dan", email: "dan@example.com" });
  type Page = { items: { firstName: string }[]; cursor: string | null };
  const pages = async (query: string) => {
    const out: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; json: Page } = await ana.api(
        "GET",
        `/companies/${globex.id}/contacts?${query}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      assert.equal(page.status, 200);
      out.push(page.json.items.map((c) => c.firstName));
      cursor = page.json.cursor;
    } while (cursor);
    return out;
  };
  assert.deepEqual(await pages("limit=3"), [
    ["Ánia", "Bob", "Carla"],
    ["Dmitri", "Élodie", "Farah"],
    ["Gus", "Zoe"],
  ]);
  assert.deepEqual(await pages("limit=8"), [[
    "Ánia",
    "Bob",
    "Carla",
    "Dmitri",
    "Élodie",
    "Farah",
    "Gus",
    "Zoe",
  ]]);
  assert.deepEqual(await pages("limit=1&q=ar"), [["Carla"], ["Farah"]], "searched like the team's list");
  const foreign = (await ana.api("GET", "/contacts?limit=1")).json.cursor;
  assert.equal(
    (await ana.api("GET", `/companies/${globex.id}/contacts?cursor=${foreign}&limit=1`)).status,
    200,
    "the team's list cursors page a company's too",
  );
  assert.equal((await ana.api("GET", `/companies/${globex.id}/contacts?cursor=nonsense`)).status, 400);

  // Its page lists a page of them, then leads to all of them: the contacts list, filtered to the company.
  for (let i = 0; i < 45; i++) {
    const n = String(i).padStart(2, "0");
    await ana.api("POST", "/contacts", {
      firstName: `Person ${n}`,
      email: `p${n}@globex.example`,
      companyId: globex.id,
    });
  }
  const zoe = (await ana.api("GET", `/companies/${globex.id}/contacts?q=zoe`)).json.items[0];
  const names = (html: string) =>
    [...html.matchAll(/class="row-link" href="\/contacts\/\w+">([^<]+)</g)].map((m) => m[1]);
  const page = (await ana.page(`/companies/${globex.id}`)).html;
  assert.equal(names(page).length, 50);
  assert.equal(names(page).at(-1), "Person 42");
  assert.match(page, new RegExp(`href="/contacts\\?company=${globex.id}"[^>]*>All 53 contacts →`));
  // The timeline's live updates still follow everyone at the company, also those not listed.
  assert.doesNotMatch(page, new RegExp(`href="/contacts/${zoe.id}"`));
  const timeline = JSON.parse(
    page.match(/data-island="message_timeline" data-props="([^"]*)"/)![1].replaceAll("&quot;", '"'),
  );
  assert.equal(timeline.of.contactIds.length, 53);
  assert.ok(timeline.of.contactIds.includes(zoe.id));

  const list = (await ana.page(`/contacts?company=${globex.id}`)).html;
  assert.match(list, /<h1[^>]*>Contacts at Globex<\/h1>/);
  assert.equal(names(list).length, 50);
  assert.ok(!names(list).some((n) => n.endsWith("o")), "only Globex's people, not Initech's");
  assert.match(
    list,
    new RegExp(`<input type="hidden" name="company" value="${globex.id}"/>`),
    "a search keeps to it",
  );
  const next = list.match(/href="([^"]*)"[^>]*>Next page/)![1].replaceAll("&amp;", "&");
  assert.match(next, new RegExp(`^\\?company=${globex.id}&cursor=`));
  assert.deepEqual(names((await ana.page(`/contacts${next}`)).html), ["Person 43", "Person 44", "Zoe"]);
  assert.deepEqual(names((await ana.page(`/contacts?company=${globex.id}&q=zoe`)).html), ["Zoe"]);
  assert.equal((await ana.page(`/contacts?company=01JD0000000000000000000000`)).status, 404);
  assert.equal((await ana.page(`/contacts?company=${"x".repeat(3000)}`)).status, 404);
});

Deno.test("contacts - an email written from a contact's page leads back to them; one from elsewhere to Activity", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const ken =
    (await ana.api("POST", "/contacts", { firstName: "Ken", lastName: "Sato", email: "ken@globex.example" }))
      .json;
  const contactPage = (await ana.page(`/contacts/${ken.id}`)).html;
  assert.match(contactPage, new RegExp(`href="/compose\\?to=${ken.id}"`));
  const composer = (await ana.page(`/compose?to=${ken.id}`)).html;
  assert.match(composer, new RegExp(`<a class="back-link" href="/contacts/${ken.id}">← Ken Sato</a>`));
  assert.match((await ana.page("/compose")).html, /<a class="back-link" href="\/">← Activity<\/a>/);
});

Deno.test("contacts - a contact's and a company's emails, newest first, a page at a time, in the API", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const globex = (await ana.api("POST", "/companies", { name: "Globex" })).json;
  const ken =
    (await ana.api("POST", "/contacts", { email: "ken@globex.example", companyId: globex.id })).json;
  const lee =
    (await ana.api("POST", "/contacts", { email: "lee@globex.example", companyId: globex.id })).json;
  for (const [to, subject] of [["ken", "First"], ["lee", "Second"], ["ken", "Third"]]) {
    t.clock.advance(60_000);
    await sendEmail(t, ana, { to: [`${to}@globex.example`], subject });
  }
  // A draft to Ken is his sender's, not his timeline's.
  await ana.api("POST", "/messages", { to: [ken.email], subject: "Unsent" });
  const subjects = (page: { json: { items: { message: { subject: string } }[] } }) =>
    page.json.items.map((i) => i.message.subject);

  const first = await ana.api("GET", `/contacts/${ken.id}/messages?limit=1`);
  assert.deepEqual(subjects(first), ["Third"]);
  assert.equal(first.json.items[0].statusText, "Not opened yet");
  const next = await ana.api("GET", `/contacts/${ken.id}/messages?limit=1&cursor=${first.json.cursor}`);
  assert.deepEqual([subjects(next), next.json.cursor], [["First"], null]);
  assert.deepEqual(subjects(await ana.api("GET", `/companies/${globex.id}/messages`)), [
    "Third",
    "Second",
    "First",
  ]);
  assert.deepEqual(subjects(await ana.api("GET", `/contacts/${lee.id}/messages`)), ["Second"]);

  const eve = new Client(t);
  await eve.signUp();
  assert.equal((await eve.api("GET", `/contacts/${ken.id}/messages`)).status, 404, "another team's contact");
  const bad = await ana.api("GET", `/companies/${globex.id}/messages?cursor=nope`);
  assert.deepEqual([bad.status, Object.keys(bad.json.error.fields)], [400, ["cursor"]]);
});
