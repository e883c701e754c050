/** A user of team A gets 404 for every kind of team B object, through pages and API, and changes nothing. */
import assert from "node:assert/strict";
import { makeTestApp } from "./helpers/app.ts";
import { bearer, Client } from "./helpers/client.ts";

async function snapshot(kv: Deno.Kv, teamId: string) {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: ["team", teamId] })) out.push(JSON.stringify([e.key, e.value]));
  return out;
}

Deno.test("isolation - team A cannot see or touch team B's objects by id", async () => {
  await using t = await makeTestApp();
  const bob = new Client(t);
  const bobMe = await bob.signUp({ teamName: "Team B" });
  const company = (await bob.api("POST", "/companies", { name: "B Corp" })).json;
  const contact =
    (await bob.api("POST", "/contacts", { firstName: "Bea", email: "bea@b.example", companyId: company.id }))
      .json;
  const invite = (await bob.api("POST", "/invites", { email: "newbie@b.example" })).json.invite;
  const token = (await bob.api("POST", "/tokens", { name: "B sync" })).json;
  const before = await snapshot(t.kv, bobMe.team.id);

  const alice = new Client(t);
  await alice.signUp({ teamName: "Team A" });
  const aliceToken = (await alice.api("POST", "/tokens", { name: "A" })).json.secret;

  const pages = [
    `/contacts/${contact.id}`,
    `/contacts/${contact.id}/edit`,
    `/contacts/${contact.id}/delete`,
    `/contacts/${contact.id}/opt-out`,
    `/companies/${company.id}`,
    `/companies/${company.id}/edit`,
    `/settings/tokens/${token.token.id}/revoke`,
  ];
  for (const path of pages) {
    const page = await alice.page(path);
    assert.equal(page.status, 404, `GET ${path}`);
    assert.doesNotMatch(page.html, /bea@b\.example|B Corp/);
  }
  const posts: [string, Record<string, string>][] = [
    [`/contacts/${contact.id}`, { firstName: "Hacked", email: "bea@b.example" }],
    [`/contacts/${contact.id}/delete`, { confirm: "yes" }],
    [`/contacts/${contact.id}/opt-out`, { confirm: "yes" }],
    [`/companies/${company.id}`, { name: "Hacked" }],
    [`/companies/${company.id}/delete`, {}],
    [`/team/members/${bobMe.user.id}/role`, { role: "member" }],
    [`/team/members/${bobMe.user.id}/remove`, {}],
    [`/team/invites/${invite.id}/revoke`, {}],
    [`/settings/tokens/${token.token.id}/revoke`, {}],
  ];
  for (const [path, fields] of posts) {
    assert.equal((await alice.form(path, fields)).status, 404, `POST ${path}`);
  }
  const calls: [string, string, unknown?][] = [
    ["GET", `/contacts/${contact.id}`],
    ["PATCH", `/contacts/${contact.id}`, { firstName: "Hacked" }],
    ["DELETE", `/contacts/${contact.id}`],
    ["GET", `/companies/${company.id}`],
    ["GET", `/companies/${company.id}/contacts`],
    ["PATCH", `/companies/${company.id}`, { name: "Hacked" }],
    ["DELETE", `/companies/${company.id}`],
    ["GET", `/members/${bobMe.user.id}`],
    ["PATCH", `/members/${bobMe.user.id}`, { role: "member" }],
    ["DELETE", `/members/${bobMe.user.id}`],
    ["DELETE", `/invites/${invite.id}`],
    ["DELETE", `/tokens/${token.token.id}`],
  ];
  for (const [method, path, body] of calls) {
    const viaSession = await alice.api(method, path, body);
    assert.equal(viaSession.status, 404, `${method} ${path} (session)`);
    assert.equal(viaSession.json.error.code, "not_found");
    const viaToken = await bearer(t, aliceToken, method, path, body);
    assert.equal(viaToken.status, 404, `${method} ${path} (token)`);
  }
  const lists = await alice.api("GET", "/contacts");
  assert.equal(lists.json.items.length, 0);
  assert.equal((await alice.api("GET", "/companies")).json.items.length, 0);
  assert.equal((await alice.api("GET", "/members")).json.items.length, 1);
  assert.deepEqual(await snapshot(t.kv, bobMe.team.id), before, "team B's data is unchanged");
});

Deno.test("isolation - every team key begins with the team id", async () => {
  await using t = await makeTestApp();
  const c = new Client(t);
  const me = await c.signUp();
  await c.api("POST", "/contacts", { firstName: "Ken", email: "ken@example.com" });
  await c.api("POST", "/invites", { email: "x@example.com" });
  const global = new Set([
    "user",
    "user_by_email",
    "session",
    "session_by_user",
    "invite_by_token",
    "api_token_by_hash",
    "throttle",
    "device",
    "config",
  ]);
  for await (const e of t.kv.list({ prefix: [] })) {
    const [first, second] = e.key;
    assert.ok(
      global.has(first as string) || (first === "team" && second === me.team.id),
      `unexpected key ${JSON.stringify(e.key)}`,
    );
  }
});
