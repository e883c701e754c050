/**
 * What a careless or hostile client gets at the edges of the API: bodies too large or not JSON, cursors and
 * ids that were never given out, references to things that aren't the team's. Each is a clear 4xx that names
 * what is wrong and changes nothing; none is a 500.
 */
import assert from "node:assert/strict";
import { makeTestApp, type TestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { outbox, sendEmail, trackingPaths } from "./helpers/mail.ts";
import { personRequest } from "./helpers/people.ts";
import { MAX_REQUEST_BYTES } from "../routes/middleware/body_limit.ts";

async function seller(t: TestApp) {
  const ana = new Client(t);
  const me = await ana.signUp();
  return { ana, me };
}

/** A request as the pages' scripts send it (session cookie and CSRF header), with a body as given. */
async function raw(
  client: Client,
  method: string,
  path: string,
  body: BodyInit,
  headers: Record<string, string> = {},
) {
  return await client.request(`/api${path}`, {
    method,
    body,
    headers: { "x-csrf-token": await client.csrfToken(), ...headers },
  });
}

Deno.test("api limits - a body over the limit is refused with 413 before it is read, and changes nothing", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const draft = (await ana.api("POST", "/messages", { subject: "Kept", html: "<p>Hi</p>" })).json;
  const huge = JSON.stringify({ subject: "Changed", pad: "a".repeat(MAX_REQUEST_BYTES) });

  const declared = await raw(ana, "PATCH", `/messages/${draft.id}`, huge, {
    "content-type": "application/json",
  });
  assert.equal(declared.status, 413);
  const error = (await declared.json()).error;
  assert.equal(error.code, "too_large");
  assert.equal(error.message, "Request bodies can be at most 2 MB.");

  // Sent in chunks with no length given: counted as it arrives, and cut off at the limit.
  let sent = 0;
  const chunks = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 4 * MAX_REQUEST_BYTES) return controller.close();
      sent += 64 * 1024;
      controller.enqueue(new TextEncoder().encode("a".repeat(64 * 1024)));
    },
  });
  const streamed = await raw(ana, "PATCH", `/messages/${draft.id}`, chunks, {
    "content-type": "application/json",
  });
  assert.equal(streamed.status, 413);
  assert.ok(sent < 4 * MAX_REQUEST_BYTES, `stopped reading at ${sent} bytes`);
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.subject, "Kept");

  // A page's form too: the CSRF check reads the form, so the cap comes first.
  const form = await ana.request("/signin", {
    method: "POST",
    body: `email=a%40b.example&password=${"x".repeat(MAX_REQUEST_BYTES)}`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(form.status, 413);
  await form.body?.cancel();
});

Deno.test("api limits - a JSON body sent as something else is a 415 naming the fix, not a 500", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const draft = (await ana.api("POST", "/messages", { subject: "Kept", html: "<p>Hi</p>" })).json;
  for (const headers of [{ "content-type": "text/plain" }, {} as Record<string, string>]) {
    const response = await raw(ana, "PATCH", `/messages/${draft.id}`, '{"subject":"Changed"}', headers);
    assert.equal(response.status, 415, JSON.stringify(headers));
    assert.deepEqual((await response.json()).error, {
      code: "unsupported_media_type",
      message: "Send the body as JSON, with Content-Type: application/json.",
    });
  }
  const contact = await raw(ana, "POST", "/contacts", "firstName=Ken&email=ken%40globex.example", {
    "content-type": "application/x-www-form-urlencoded",
  });
  assert.equal(contact.status, 415);
  assert.equal((await ana.api("GET", "/contacts")).json.items.length, 0);
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.subject, "Kept");
});

Deno.test("api limits - the document says which operations can answer 413 and 415", async () => {
  await using t = await makeTestApp();
  const doc = await (await t.app.request("/api/openapi.json")).json();
  const patch = doc.paths["/messages/{id}"].patch.responses;
  for (const status of ["413", "415"]) {
    assert.deepEqual(patch[status].content, patch["400"].content, `${status}: the Error schema, as 400's`);
  }
  assert.equal(patch["400"].content["application/json"].schema.$ref, "#/components/schemas/Error");
  const upload = doc.paths["/messages/{id}/attachments"].post.responses;
  assert.ok(upload["413"] && !upload["415"], "a file body is not JSON");
  const get = doc.paths["/messages/{id}"].get.responses;
  assert.ok(!get["413"] && !get["415"], "no body");
});

Deno.test("api limits - a field the endpoint doesn't read is refused by name, nested ones by path, and changes nothing", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const draft = (await ana.api("POST", "/messages", { subject: "Kept", html: "<p>Hi</p>" })).json;
  const patched = await ana.api("PATCH", `/messages/${draft.id}`, {
    subjet: "Changed",
    html: "<p>Changed</p>",
    regarding: { type: "contact", id: "01M998VJ3DXYKXD9E3JDMSJD7Z", name: "Ken" },
  });
  assert.equal(patched.status, 400);
  const unread = "This endpoint has no such field or parameter; the API document (/api/openapi.json) lists " +
    "the ones it takes.";
  assert.deepEqual(patched.json.error.fields, { subjet: unread, "regarding.name": unread });
  assert.deepEqual(
    ((await ana.api("GET", `/messages/${draft.id}`)).json as { subject: string; html: string }).subject,
    "Kept",
  );
  assert.match((await ana.api("GET", `/messages/${draft.id}`)).json.html, /<p>Hi<\/p>/);

  const contact = await ana.api("POST", "/contacts", {
    firstName: "Ken",
    email: "ken@globex.example",
    compnay: "Globex",
  });
  assert.equal(contact.status, 400);
  assert.deepEqual(Object.keys(contact.json.error.fields), ["compnay"]);
  assert.equal((await ana.api("GET", "/contacts")).json.items.length, 0);

  // A field the schema reads but finds wrong is named with the unread ones, in one answer.
  const invalid = await ana.api("POST", "/contacts", {
    firstName: "Ken",
    email: "not an address",
    compnay: "G",
  });
  assert.deepEqual(Object.keys(invalid.json.error.fields).sort(), ["compnay", "email"]);
  const company = await ana.api("POST", "/companies", { nam: "Globex" });
  assert.deepEqual(company.json.error.fields, { name: "Enter a company name.", nam: unread });
  const draft2 = (await ana.api("POST", "/messages", { subject: "Alarms" })).json;
  const alarm = await ana.api("POST", `/messages/${draft2.id}/alarms`, { condition: "reminder", dueAt: 1 });
  assert.deepEqual(Object.keys(alarm.json.error.fields).sort(), ["at", "dueAt"]);

  // A query parameter the endpoint doesn't read alike: `status` would otherwise list every status.
  const filtered = await ana.api("GET", "/messages?status=draft&scope=mine");
  assert.deepEqual([filtered.status, filtered.json.error.fields], [400, { status: unread }]);
  assert.equal((await ana.api("GET", "/messages?scope=mine&limit=5")).status, 200);
});

Deno.test("api limits - the document closes every request body's objects to fields it doesn't list", async () => {
  await using t = await makeTestApp();
  const doc = await (await t.app.request("/api/openapi.json")).json();
  const schemas = doc.components.schemas;
  for (const name of ["ContactInput", "ContactPatch", "DraftPatch", "TeamSettingsInput"]) {
    assert.equal(schemas[name].additionalProperties, false, name);
  }
  assert.equal(
    schemas.DraftPatch.properties.regarding.additionalProperties,
    false,
    "nested objects too",
  );
  const cardAction = doc.paths["/cards/{id}/actions"].post.requestBody.content["application/json"].schema;
  const options = schemas[cardAction.$ref.split("/").at(-1)].oneOf;
  assert.ok(
    options.length > 1 &&
      options.every((o: { additionalProperties?: boolean }) => o.additionalProperties === false),
  );
  assert.equal(schemas.Contact.additionalProperties, undefined, "responses are left as they are");
});

Deno.test("api limits - a cursor of another list or team, or none at all, is a 400 on cursor", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  for (const name of ["Ada", "Bea", "Cy"]) {
    await ana.api("POST", "/contacts", { firstName: name, email: `${name.toLowerCase()}@globex.example` });
  }
  for (const subject of ["One", "Two", "Three"]) {
    await sendEmail(t, ana, { to: ["ada@globex.example"], subject });
  }
  const messages = (await ana.api("GET", "/messages?limit=1")).json;
  const contacts = (await ana.api("GET", "/contacts?limit=1")).json;
  assert.ok(messages.cursor && contacts.cursor);
  assert.equal((await ana.api("GET", `/messages?limit=1&cursor=${messages.cursor}`)).status, 200);

  const ben = new Client(t);
  await ben.signUp();
  for (
    const [client, path] of [
      [ana, `/contacts?cursor=${messages.cursor}`],
      [ana, `/messages?scope=mine&cursor=${messages.cursor}`],
      [ben, `/messages?cursor=${messages.cursor}`],
      [ana, "/messages?cursor=garbage"],
      [ana, "/companies?cursor=%25%25%25"],
    ] as const
  ) {
    const response = await client.api("GET", path);
    assert.equal(response.status, 400, path);
    assert.deepEqual(response.json.error.fields, { cursor: "Use the cursor of the page before." }, path);
  }
});

Deno.test("api limits - an id no record could have is a 400 on the id, not a 500", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const long = "A".repeat(3000);
  for (
    const [method, path] of [
      ["GET", `/messages/${long}`],
      ["GET", `/messages/${long}/events`],
      ["GET", `/contacts/${long}`],
      ["DELETE", `/contacts/${long}`],
      ["GET", `/templates/${long}`],
      ["GET", `/messages/${long}/attachments/${long}`],
    ]
  ) {
    const response = await ana.api(method, path);
    assert.equal(response.status, 400, path.slice(0, 30));
    assert.ok(Object.keys(response.json.error.fields).length > 0);
  }
  const template = await ana.api("POST", "/messages", { subject: "T", template: { id: long, version: 1 } });
  assert.equal(template.status, 400);
  assert.ok(template.json.error.fields["template.id"]);
});

Deno.test("api limits - a draft's template must be one of the team's, at a version it has had", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const tpl = (await ana.api("POST", "/templates", {
    name: "Intro",
    category: "Prospecting",
    subject: "Hello",
    html: "<p>Hi there</p>",
  })).json;
  const ben = new Client(t);
  await ben.signUp();
  const refusal = { template: "Choose a template of your team, at a version it has had." };
  for (
    const [client, template] of [
      [ana, { id: tpl.id, version: 2 }],
      [ana, { id: "01JZZZZZZZZZZZZZZZZZZZZZZZ", version: 1 }],
      [ben, { id: tpl.id, version: 1 }],
    ] as const
  ) {
    const response = await client.api("POST", "/messages", { subject: "S", html: "<p>x</p>", template });
    assert.equal(response.status, 400);
    assert.deepEqual(response.json.error.fields, refusal);
  }
  assert.equal((await ben.api("GET", "/messages")).json.items.length, 0);
  const ok = await ana.api("POST", "/messages", { subject: "S", template: { id: tpl.id, version: 1 } });
  assert.equal(ok.status, 201);
});

Deno.test("api limits - schedule times are whole milliseconds; a feed position must be an event id", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const draft = (await ana.api("POST", "/messages", {
    to: ["ken@globex.example"],
    subject: "Later",
    html: "<p>Hi</p>",
  })).json;
  const at = t.clock.now() + 3_600_000 + 0.5;
  const scheduled = await ana.api("POST", `/messages/${draft.id}/schedule`, { at });
  assert.equal(scheduled.status, 400);
  assert.ok(scheduled.json.error.fields.at);
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.status, "draft");
  assert.equal((await ana.api("POST", `/messages/${draft.id}/schedule`, { at: at - 0.5 })).status, 202);

  for (const query of ["after=garbage", "cursor=garbage"]) {
    const feed = await ana.api("GET", `/feed?${query}`);
    assert.equal(feed.status, 400, query);
    assert.ok(feed.json.error.fields[query.split("=")[0]], query);
  }
});

Deno.test("api limits - a link of an email erased since is a 404 page, as it is after a restart", async () => {
  await using t = await makeTestApp();
  const { ana, me } = await seller(t);
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" })).json;
  await sendEmail(t, ana, { to: ["ken@globex.example"] });
  const [email] = await outbox(t, me.team.id);
  const [link] = trackingPaths(email.html).links;
  const before = await personRequest(t, link);
  assert.equal(before.status, 302, "clicked once: its destination is now cached");
  assert.equal((await ana.api("POST", `/contacts/${ken.id}/erase`)).json.messagesDeleted, 1);
  const after = await personRequest(t, link);
  assert.equal(after.status, 404);
  assert.match(await after.text(), /This link is not valid/);
  assert.equal((await personRequest(t, link)).status, 404);
});

Deno.test("api limits - an empty file is not attached", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const draft = (await ana.api("POST", "/messages", { subject: "Files" })).json;
  for (const body of [new Uint8Array(0), new ReadableStream({ start: (c) => c.close() })]) {
    const response = await raw(ana, "POST", `/messages/${draft.id}/attachments?filename=empty.pdf`, body, {
      "content-type": "application/pdf",
    });
    assert.equal(response.status, 400);
    assert.deepEqual((await response.json()).error.fields, {
      file: "The file is empty: choose one with something in it.",
    });
  }
  assert.deepEqual((await ana.api("GET", `/messages/${draft.id}`)).json.attachments ?? [], []);
});

Deno.test("api limits - pages: an address no page has is a 404, a page link of another list a 400 saying so", async () => {
  await using t = await makeTestApp();
  const { ana } = await seller(t);
  const long = "A".repeat(3000);
  for (const path of ["/messages/", "/contacts/", "/companies/", "/templates/", "/compose/", "/outbox/"]) {
    const page = await ana.page(path + long);
    assert.equal(page.status, 404, path);
    assert.match(page.html, /There is nothing at this address/);
  }
  const page = await ana.page("/contacts?cursor=garbage");
  assert.equal(page.status, 400);
  assert.match(page.html, /That page of the list is not valid: start again from its first page\./);
});
