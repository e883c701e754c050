import assert from "node:assert/strict";
import { makeTestApp } from "./helpers/app.ts";
import { bearer, Client } from "./helpers/client.ts";

Deno.test("api - OpenAPI 3.1 document lists every endpoint with its schemas", async () => {
  await using t = await makeTestApp();
  const response = await t.app.request("/api/openapi.json");
  assert.equal(response.status, 200);
  const doc = await response.json();
  assert.equal(doc.openapi, "3.1.0");
  for (
    const path of [
      "/me",
      "/members",
      "/members/{id}",
      "/invites",
      "/tokens",
      "/contacts",
      "/contacts/{id}",
      "/companies",
      "/companies/{id}/contacts",
    ]
  ) {
    assert.ok(doc.paths[path], `missing ${path}`);
  }
  for (const schema of ["Contact", "ContactInput", "Company", "User", "Error"]) {
    assert.ok(doc.components.schemas[schema], schema);
  }
  assert.ok(doc.components.securitySchemes.bearer);
});

Deno.test("api - reference page renders from the document", async () => {
  await using t = await makeTestApp();
  const page = await new Client(t).page("/api/docs");
  assert.equal(page.status, 200);
  assert.match(page.html, /API reference/);
  assert.match(page.html, /\/api\/contacts\/\{id\}/);
  assert.match(page.html, /Create a contact/);
  assert.match(page.html, /<code>Authorization: Bearer/, "the document's `code` is shown as code");
  assert.doesNotMatch(page.html.replace(/<pre[\s\S]*?<\/pre>/g, ""), /`/, "no backticks left in the text");
  // Creating a draft: both its answers, each with its fields (a message's detail is made of two schemas).
  const create = page.html.split("<code>/api/messages</code>")[2].split("</article>")[0];
  assert.match(create, /Response 201<span class="muted"> · The draft<\/span>/);
  assert.match(create, /Response 200<span class="muted"> · The draft this Idempotency-Key made before/);
  assert.match(
    create,
    /<code>subject<\/code>[\s\S]*<code>html<\/code>/,
    "the message's fields and its body's",
  );
  assert.match(create, /With an <code>Idempotency-Key<\/code>, the draft is created once/, "the description");
});

Deno.test("api - 401 without credentials, JSON 404 for unknown endpoints", async () => {
  await using t = await makeTestApp();
  const r = await t.app.request("/api/contacts");
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, "unauthorized");
  const bad = await bearer(t, "bcn_not-a-token", "GET", "/me");
  assert.equal(bad.status, 401);
  const c = new Client(t);
  await c.signUp();
  const missing = await c.api("GET", "/nope");
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, "not_found");
});

Deno.test("api - tokens: shown once, stored hashed, work as bearer without CSRF, revocable", async () => {
  await using t = await makeTestApp();
  const c = new Client(t);
  const me = await c.signUp();
  const created = await c.api("POST", "/tokens", { name: "CRM sync" });
  assert.equal(created.status, 201);
  const secret: string = created.json.secret;
  assert.match(secret, /^bcn_[\w-]{40}$/);
  for await (const e of t.kv.list({ prefix: [] })) {
    assert.ok(
      !JSON.stringify(e.key).includes(secret) && !JSON.stringify(e.value).includes(secret),
      "secret never stored",
    );
  }
  const listed = await c.api("GET", "/tokens");
  assert.equal(listed.json.items[0].secret, undefined);
  assert.equal(listed.json.items[0].hint, secret.slice(0, 10));

  const meViaToken = await bearer(t, secret, "GET", "/me");
  assert.equal(meViaToken.json.user.id, me.user.id);
  const write = await bearer(t, secret, "POST", "/contacts", { firstName: "Ken", email: "ken@example.com" });
  assert.equal(write.status, 201, "bearer calls need no CSRF token");

  assert.equal((await c.api("DELETE", `/tokens/${created.json.token.id}`)).status, 204);
  assert.equal((await bearer(t, secret, "GET", "/me")).status, 401);
});

Deno.test("api - a read-only token can only GET; each token says when it was last used, to the hour", async () => {
  await using t = await makeTestApp();
  const c = new Client(t);
  await c.signUp();
  const created = await c.api("POST", "/tokens", { name: "BI dashboard", access: "read" });
  assert.equal(created.status, 201);
  assert.equal(created.json.token.access, "read");
  assert.equal(created.json.token.lastUsedAt, null);
  const secret: string = created.json.secret;

  assert.equal((await bearer(t, secret, "GET", "/contacts")).status, 200);
  const write = await bearer(t, secret, "POST", "/contacts", { firstName: "Ken", email: "ken@example.com" });
  assert.equal(write.status, 403);
  assert.equal(write.json.error.code, "read_only_token");
  assert.match(write.json.error.message, /can only read/);
  assert.equal((await bearer(t, secret, "DELETE", `/tokens/${created.json.token.id}`)).status, 403);
  assert.equal((await c.api("GET", "/contacts")).json.items.length, 0, "nothing was written");

  const usedAt = t.clock.now();
  const listed = async () => (await c.api("GET", "/tokens")).json.items[0];
  assert.equal((await listed()).lastUsedAt, usedAt);
  t.clock.advance(30 * 60_000);
  await bearer(t, secret, "GET", "/me");
  assert.equal((await listed()).lastUsedAt, usedAt, "not written again within the hour");
  t.clock.advance(31 * 60_000);
  await bearer(t, secret, "GET", "/me");
  assert.equal((await listed()).lastUsedAt, t.clock.now());

  // Revoked while in use: noting a use never brings it back.
  assert.equal((await c.api("DELETE", `/tokens/${created.json.token.id}`)).status, 204);
  t.clock.advance(2 * 3_600_000);
  assert.equal((await bearer(t, secret, "GET", "/me")).status, 401);
  assert.equal((await c.api("GET", "/tokens")).json.items.length, 0);

  const full = await c.api("POST", "/tokens", { name: "CRM sync" });
  assert.equal(full.json.token.access, "write", "write is the default");
  const bad = await c.api("POST", "/tokens", { name: "x", access: "admin" });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.fields.access, "Choose read or write.");
});

Deno.test("api - a token made to expire works until then, and is then a 401 saying so", async () => {
  await using t = await makeTestApp();
  const c = new Client(t);
  await c.signUp();
  const day = 86_400_000;
  const created = await c.api("POST", "/tokens", { name: "Trial sync", expiresInDays: 7 });
  assert.equal(created.status, 201);
  assert.equal(created.json.token.expiresAt, t.clock.now() + 7 * day);
  const secret: string = created.json.secret;
  t.clock.advance(7 * day - 1);
  assert.equal((await bearer(t, secret, "GET", "/me")).status, 200);
  t.clock.advance(1);
  const expired = await bearer(t, secret, "GET", "/me");
  assert.equal(expired.status, 401);
  assert.equal(expired.json.error.code, "token_expired");
  assert.match(expired.json.error.message, /^This API token expired on \d{4}-\d\d-\d\d\. Make a new one/);
  assert.equal(
    (await c.api("GET", "/tokens")).json.items[0].expiresAt,
    created.json.token.expiresAt,
    "still listed",
  );

  assert.equal(
    (await c.api("POST", "/tokens", { name: "Forever" })).json.token.expiresAt,
    null,
    "never, unless asked",
  );
  for (const expiresInDays of [0, 1.5, "soon", 4000]) {
    const bad = await c.api("POST", "/tokens", { name: "Bad", expiresInDays });
    assert.equal(bad.status, 400, String(expiresInDays));
    assert.ok(bad.json.error.fields.expiresInDays, String(expiresInDays));
  }
  assert.equal((await c.api("GET", "/tokens")).json.items.length, 2);
});

Deno.test("api - bad JSON bodies get a 400 naming the fields", async () => {
  await using t = await makeTestApp();
  const c = new Client(t);
  await c.signUp();
  const r = await c.api("POST", "/invites", { email: "nope", role: "owner" });
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.json.error.fields).sort(), ["email", "role"]);
  const q = await c.api("GET", "/contacts?limit=5000");
  assert.equal(q.status, 400);
  assert.ok(q.json.error.fields.limit);
});

Deno.test("health - answers with the version and KV reachability", async () => {
  await using t = await makeTestApp();
  const r = await t.app.request("/healthz");
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(body.kv, true);
  assert.match(body.version, /^\d+\.\d+\.\d+$/);
  t.kv.close();
  const down = await t.app.request("/healthz");
  assert.equal(down.status, 503);
});

Deno.test("api - a body that isn't JSON is a 400 on every endpoint that takes one, and changes nothing", async () => {
  await using t = await makeTestApp();
  const c = new Client(t);
  await c.signUp();
  const secret: string = (await c.api("POST", "/tokens", { name: "CRM sync" })).json.secret;
  await bearer(t, secret, "GET", "/me"); // its first use is noted; uses within the hour write nothing
  const doc = await (await t.app.request("/api/openapi.json")).json();
  const before = await Array.fromAsync(t.kv.list({ prefix: [] }));
  let checked = 0;
  for (
    const [path, operations] of Object.entries<Record<string, { requestBody?: { content: object } }>>(
      doc.paths,
    )
  ) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.requestBody || !("application/json" in operation.requestBody.content)) continue;
      const response = await t.app.request(
        `http://beacon.test/api${path.replaceAll(/\{\w+\}/g, "01JZZZZZZZZZZZZZZZZZZZZZZZ")}`,
        {
          method: method.toUpperCase(),
          body: '{"name": "Ken",',
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        },
      );
      const { error } = await response.json();
      assert.equal(response.status, 400, `${method} ${path}: ${error.message}`);
      assert.equal(error.code, "validation", `${method} ${path}`);
      assert.match(error.message, /JSON/, `${method} ${path}`);
      checked++;
    }
  }
  assert.ok(checked >= 15, `only ${checked} endpoints take a body`);
  assert.deepEqual(await Array.fromAsync(t.kv.list({ prefix: [] })), before);
});
