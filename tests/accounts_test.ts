import assert from "node:assert/strict";
import { makeTestApp } from "./helpers/app.ts";
import { bearer, Client, teammate } from "./helpers/client.ts";
import { INVITE_TTL_MS } from "../lib/accounts/invites.ts";
import { getUser, updateProfile } from "../lib/accounts/users.ts";
import { outbox } from "./helpers/mail.ts";
import { ResendMailer } from "../lib/mail/resend.ts";
import { startResendStandIn } from "./standins/resend_standin.ts";

Deno.test("accounts - sign up creates a team with its admin and signs in", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp({ email: "Ana@Example.com", timeZone: "Asia/Kolkata" });
  assert.equal(me.user.email, "ana@example.com");
  const { json } = await ana.api("GET", "/me");
  assert.equal(json.user.role, "admin");
  assert.equal(json.user.timeZone, "Asia/Kolkata");
  assert.equal(json.team.name, "Acme Sales");
  const other = new Client(t);
  await other.signUp({ timeZone: "Mars/Base" });
  assert.equal(
    (await other.api("GET", "/me")).json.user.timeZone,
    "UTC",
    "an unknown browser zone falls back to UTC",
  );
  assert.equal(json.user.passwordHash, undefined, "no hash leaves the server");
  const home = await ana.page("/");
  assert.equal(home.status, 200);
  assert.match(home.html, /Acme Sales/);
});

Deno.test("accounts - sign-up errors name the field and write nothing", async () => {
  await using t = await makeTestApp();
  const c = new Client(t);
  const response = await c.form("/signup", {
    teamName: "",
    name: "Ana",
    email: "not-an-email",
    password: "short",
    timeZone: "Mars/Base",
  });
  assert.equal(response.status, 400);
  const html = await response.text();
  assert.match(html, /Enter a team name/);
  assert.match(html, /Enter a valid email address/);
  assert.match(html, /Use at least 10 characters/);
  assert.doesNotMatch(
    html,
    />At least 10 characters\.</,
    "the error, not the hint beside it saying it again",
  );
  assert.match(html, /value="Ana"/, "what the user typed stays in the form");
  const keys = [];
  for await (const e of t.kv.list({ prefix: [] })) keys.push(e.key[0]);
  assert.deepEqual(keys.filter((k) => k !== "throttle"), []);

  // Spaces alone are no password, here or when changing one.
  const blank = await c.form("/signup", {
    teamName: "Acme",
    name: "Ana",
    email: "ana@acme.example",
    password: " ".repeat(12),
    timeZone: "UTC",
  });
  assert.equal(blank.status, 400);
  assert.match(await blank.text(), /Use at least 10 characters besides spaces/);
  const ok = new Client(t);
  await ok.signUp({ email: "bea@acme.example" });
  const change = await ok.api("POST", "/me/password", {
    currentPassword: "correct horse battery",
    newPassword: " ".repeat(20),
  });
  assert.equal(change.status, 400);
  assert.match(change.json.error.fields.newPassword, /besides spaces/);
});

Deno.test("accounts - one account per email, case-insensitively", async () => {
  await using t = await makeTestApp();
  await new Client(t).signUp({ email: "ana@example.com" });
  const response = await new Client(t).form("/signup", {
    teamName: "Other",
    name: "Ana Two",
    email: "ANA@example.com",
    password: "correct horse battery",
  });
  assert.equal(response.status, 409);
  assert.match(await response.text(), /already exists/);
});

Deno.test("accounts - sign in rotates the session; sign out ends it", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp({ email: "ana@example.com" });
  const first = ana.cookies.get("beacon_session")!;
  const again = await ana.form("/signin?next=/contacts", {
    email: "ana@example.com",
    password: "correct horse battery",
  });
  assert.equal(again.status, 303);
  assert.equal(again.headers.get("location"), "/contacts");
  const second = ana.cookies.get("beacon_session")!;
  assert.notEqual(first, second);
  const stale = new Client(t);
  stale.cookies.set("beacon_session", first);
  assert.equal((await stale.page("/contacts")).status, 303, "the old session id no longer works");

  const cookie = again.headers.getSetCookie().find((c) => c.startsWith("beacon_session="))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);

  await ana.form("/signout", {});
  const after = new Client(t);
  after.cookies.set("beacon_session", second);
  assert.equal((await after.page("/")).status, 303);
});

Deno.test("accounts - sign in never redirects off-site", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp({ email: "ana@example.com" });
  // Browsers drop tabs and newlines from a URL, so "/\t/evil.example" is "//evil.example" to them.
  const offSite = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/\\evil.example",
    "/.//evil.example",
  ];
  for (const next of offSite) {
    const response = await ana.form(`/signin?next=${encodeURIComponent(next)}`, {
      email: "ana@example.com",
      password: "correct horse battery",
    });
    assert.equal(response.headers.get("location"), "/", JSON.stringify(next));
    // Signed in already, the sign-in page redirects at once.
    const page = await ana.page(`/signin?next=${encodeURIComponent(next)}`);
    assert.equal(page.response.headers.get("location"), "/", `GET ${JSON.stringify(next)}`);
  }
  const back = await ana.page(`/signin?next=${encodeURIComponent("/contacts?q=ken#top")}`);
  assert.equal(back.response.headers.get("location"), "/contacts?q=ken#top", "a page of ours is followed");
});

Deno.test("accounts - sign-in throttling per account and per address, with a clear message", async () => {
  await using t = await makeTestApp();
  await new Client(t).signUp({ email: "ana@example.com" });
  const attacker = new Client(t, "198.51.100.1");
  for (let i = 0; i < 5; i++) {
    const r = await attacker.form("/signin", { email: "ana@example.com", password: "wrong password!" });
    assert.equal(r.status, 400);
  }
  const blocked = await attacker.form("/signin", {
    email: "ana@example.com",
    password: "correct horse battery",
  });
  assert.equal(blocked.status, 429);
  assert.match(
    await blocked.text(),
    /Too many failed sign-in attempts for this account\. Try again in 15 minutes/,
  );

  t.clock.advance(15 * 60_000 + 1);
  const ok = await attacker.form("/signin", { email: "ana@example.com", password: "correct horse battery" });
  assert.equal(ok.status, 303, "the window passes");

  const sprayer = new Client(t, "198.51.100.2");
  for (let i = 0; i < 30; i++) {
    await sprayer.form("/signin", { email: `user${i}@example.com`, password: "wrong password!" });
  }
  const r = await sprayer.form("/signin", { email: "ana@example.com", password: "correct horse battery" });
  assert.equal(r.status, 429);
  assert.match(await r.text(), /your network address/);
});

Deno.test("accounts - strangers' guesses lock the account out of other browsers, never the seller's own", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t, "203.0.113.7");
  await ana.signUp({ email: "ana@example.com" });
  assert.ok(ana.cookies.get("beacon_device"), "the browser she signed up in is remembered");
  await ana.form("/signout", {});
  const attacker = new Client(t, "198.51.100.1");
  for (let i = 0; i < 6; i++) {
    await attacker.form("/signin", { email: "ana@example.com", password: "wrong password!" });
  }
  const elsewhere = new Client(t, "198.51.100.9");
  const stranger = await elsewhere.form("/signin", {
    email: "ana@example.com",
    password: "correct horse battery",
  });
  assert.equal(stranger.status, 429, "a browser the account never used waits out the window");

  const own = await ana.form("/signin", { email: "ana@example.com", password: "correct horse battery" });
  assert.equal(own.status, 303, "her own browser signs in");
  // Her browser's own failures still count, per browser: it is not a way around the limit.
  await ana.form("/signout", {});
  for (let i = 0; i < 5; i++) {
    await ana.form("/signin", { email: "ana@example.com", password: "wrong password!" });
  }
  const blocked = await ana.form("/signin", { email: "ana@example.com", password: "correct horse battery" });
  assert.equal(blocked.status, 429);
  // A device cookie stands for its account only: with it, another account is counted as before.
  t.clock.advance(15 * 60_000 + 1);
  await new Client(t).signUp({ email: "bo@example.com" });
  const asBo = new Client(t, "203.0.113.8");
  asBo.cookies.set("beacon_device", ana.cookies.get("beacon_device")!);
  for (let i = 0; i < 5; i++) {
    await attacker.form("/signin", { email: "bo@example.com", password: "wrong password!" });
  }
  const bo = await asBo.form("/signin", { email: "bo@example.com", password: "correct horse battery" });
  assert.equal(bo.status, 429);
  const stored = JSON.stringify(await Array.fromAsync(t.kv.list({ prefix: ["device"] })));
  assert.ok(!stored.includes("ana@"), "a remembered browser holds no address");
});

Deno.test("accounts - CSRF: state changes without the token are refused, with it they pass", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const noToken = await ana.form("/contacts", { firstName: "Ken", email: "ken@example.com" }, {
    csrf: false,
  });
  // A page's form: back to the page it was posted from, which has a fresh token, saying nothing was saved.
  assert.equal(noToken.status, 303);
  assert.equal(noToken.headers.get("location"), "/");
  assert.match(await flashOn(ana, "/contacts"), /That form had expired, so nothing was saved/);
  const apiNoToken = await ana.request("/api/contacts", {
    method: "POST",
    body: JSON.stringify({ firstName: "Ken", email: "ken@example.com" }),
    headers: { "content-type": "application/json" },
  });
  assert.equal(apiNoToken.status, 403);
  const crossSite = await ana.request("/api/contacts", {
    method: "POST",
    body: JSON.stringify({ firstName: "Ken", email: "ken@example.com" }),
    headers: {
      "content-type": "application/json",
      "x-csrf-token": await ana.csrfToken(),
      origin: "https://evil.example",
    },
  });
  assert.equal(crossSite.status, 403);
  assert.equal((await ana.api("GET", "/contacts")).json.items.length, 0, "nothing was written");
  assert.equal(
    (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@example.com" })).status,
    201,
  );
});

Deno.test("accounts - a CSRF token works only in the browser and session it was made for", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp({ email: "ana@example.com" });
  const eve = new Client(t);
  await eve.signUp({ email: "eve@example.com" });
  const contacts = async () => (await ana.api("GET", "/contacts")).json.items.length;

  // Eve can set cookies for the site (a sibling subdomain, plain HTTP): she plants her own CSRF cookie in
  // Ana's browser and posts her own token with it. With a plain double submit the two matched.
  const planted = new Client(t);
  planted.cookies = new Map([...ana.cookies, ["beacon_csrf", eve.cookies.get("beacon_csrf")!]]);
  const forged = await planted.request("/api/contacts", {
    method: "POST",
    body: JSON.stringify({ firstName: "Ken", email: "ken@example.com" }),
    headers: { "content-type": "application/json", "x-csrf-token": await eve.csrfToken() },
  });
  assert.equal(forged.status, 403);
  assert.equal((await forged.json()).error.code, "csrf");
  assert.equal(await contacts(), 0);

  // A token from before signing in again is the old session's.
  const before = await ana.csrfToken();
  await ana.page("/signin");
  const again = await ana.form("/signin", { email: "ana@example.com", password: "correct horse battery" });
  assert.equal(again.status, 303);
  const stale = await ana.request("/api/contacts", {
    method: "POST",
    body: JSON.stringify({ firstName: "Ken", email: "ken@example.com" }),
    headers: { "content-type": "application/json", "x-csrf-token": before },
  });
  assert.equal(stale.status, 403);
  assert.equal(await contacts(), 0);
  assert.equal(
    (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@example.com" })).status,
    201,
  );
  assert.notEqual(await ana.csrfToken(), before, "the pages of the new session carry a new token");
});

Deno.test("accounts - invites: one-time link, joins as the given role, expires", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const created = await ana.api("POST", "/invites", { email: "ken@example.com", role: "member" });
  assert.equal(created.status, 201);
  const path = new URL(created.json.url).pathname;
  assert.match(path, /^\/invite\/[\w-]{43}$/);

  const ken = new Client(t);
  const page = await ken.page(path);
  assert.equal(page.status, 200);
  assert.match(page.html, /ken@example\.com/);
  const joined = await ken.form(path, {
    name: "Ken Member",
    password: "another good password",
    timeZone: "Asia/Tokyo",
  });
  assert.equal(joined.status, 303);
  const me = (await ken.api("GET", "/me")).json;
  assert.equal(me.user.role, "member");
  assert.equal(me.team.id, (await ana.api("GET", "/me")).json.team.id);

  const reuse = await new Client(t).form(path, { name: "Eve", password: "another good password" });
  assert.equal(reuse.status, 404, "a used link is gone");
  assert.match(await reuse.text(), /If you already joined, sign\s+in/);

  // Inviting the same address again replaces its open invite: one in the list, only the new link works.
  const first = await ana.api("POST", "/invites", { email: "bea@example.com" });
  const again = await ana.api("POST", "/invites", { email: "Bea@Example.com", role: "admin" });
  assert.equal(again.status, 201);
  const open = (await ana.api("GET", "/invites")).json.items;
  assert.deepEqual(open.map((i: { email: string; role: string }) => [i.email, i.role]), [[
    "bea@example.com",
    "admin",
  ]]);
  assert.equal(
    (await new Client(t).page(new URL(first.json.url).pathname)).status,
    404,
    "the old link stops",
  );
  assert.equal((await new Client(t).page(new URL(again.json.url).pathname)).status, 200);

  const late = await ana.api("POST", "/invites", { email: "late@example.com" });
  t.clock.advance(INVITE_TTL_MS + 1000);
  const expired = await new Client(t).page(new URL(late.json.url).pathname);
  assert.equal(expired.status, 404);
  assert.match(expired.html, /no longer works/);
});

Deno.test("accounts - members cannot manage the team; the last admin stays an admin", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const anaMe = await ana.signUp();
  const ken = await teammate(t, ana, "ken@example.com", "Ken");
  const kenMe = (await ken.api("GET", "/me")).json;

  assert.equal((await ken.api("POST", "/invites", { email: "x@example.com" })).status, 403);
  assert.equal((await ken.api("PATCH", `/members/${anaMe.user.id}`, { role: "member" })).status, 403);
  assert.equal((await ken.form(`/team/members/${anaMe.user.id}/remove`, {})).status, 403);

  const demoteSelf = await ana.api("PATCH", `/members/${anaMe.user.id}`, { role: "member" });
  assert.equal(demoteSelf.status, 409);
  assert.match(demoteSelf.json.error.message, /at least one admin/);

  assert.equal((await ana.api("PATCH", `/members/${kenMe.user.id}`, { role: "admin" })).status, 200);
  assert.equal((await ana.api("DELETE", `/members/${kenMe.user.id}`)).status, 204);
  assert.equal((await ken.page("/")).status, 303, "a removed member's session ends");
  const signIn = await new Client(t).form("/signin", {
    email: "ken@example.com",
    password: "another good password",
  });
  assert.equal(signIn.status, 400, "and they cannot sign in again");
  const members = (await ana.api("GET", "/members")).json.items;
  assert.deepEqual(members.map((m: { id: string }) => m.id), [anaMe.user.id]);

  // Back at the team later: invited again, a new account under the same address, with its own password.
  const back = await ana.api("POST", "/invites", { email: "ken@example.com" });
  assert.equal(back.status, 201, JSON.stringify(back.json));
  const again = new Client(t);
  assert.equal(
    (await again.form(new URL(back.json.url).pathname, { name: "Ken", password: "a brand new password" }))
      .status,
    303,
  );
  const returned = (await again.api("GET", "/me")).json;
  assert.notEqual(returned.user.id, kenMe.user.id);
  assert.equal(
    (await new Client(t).form("/signin", { email: "ken@example.com", password: "a brand new password" }))
      .status,
    303,
  );
  assert.equal((await ana.api("POST", "/invites", { email: "ken@example.com" })).status, 409, "in use again");
});

Deno.test("accounts - password change checks the current one and ends other sessions", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp({ email: "ana@example.com" });
  const laptop = new Client(t);
  await laptop.form("/signin", { email: "ana@example.com", password: "correct horse battery" });

  const wrong = await ana.form("/settings/password", {
    currentPassword: "nope nope nope",
    newPassword: "a brand new password",
  });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /not your current password/);
  // A wrong current password and a new one too short: both said at once, not one after the other.
  const both = await (await ana.form("/settings/password", {
    currentPassword: "nope nope nope",
    newPassword: "short",
  })).text();
  assert.match(both, /not your current password/);
  assert.match(both, /Use at least 10 characters/);
  const onlyNew = await (await ana.form("/settings/password", {
    currentPassword: "correct horse battery",
    newPassword: "short",
  })).text();
  assert.doesNotMatch(onlyNew, /not your current password/);
  assert.match(onlyNew, /Use at least 10 characters/);

  const ok = await ana.form("/settings/password", {
    currentPassword: "correct horse battery",
    newPassword: "a brand new password",
  });
  assert.equal(ok.status, 303);
  assert.equal((await ana.page("/")).status, 200, "this browser stays signed in");
  assert.equal((await laptop.page("/")).status, 303, "the other session ended");
  const fresh = await new Client(t).form("/signin", {
    email: "ana@example.com",
    password: "a brand new password",
  });
  assert.equal(fresh.status, 303);
});

Deno.test("accounts - guessing the current password to change it is throttled like signing in", async () => {
  // Someone holding a seller's session or API token, but not their password, must not be able to find it out
  // by changing the password again and again: guesses count against the account as failed sign-ins do.
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp({ email: "ana@example.com" });
  const token = (await ana.api("POST", "/tokens", { name: "leaked" })).json.secret;
  for (let i = 0; i < 3; i++) {
    const guess = { currentPassword: `guess number ${i}`, newPassword: "the attacker's own" };
    assert.equal((await bearer(t, token, "POST", "/me/password", guess)).status, 400);
  }
  for (let i = 3; i < 5; i++) {
    const guess = await ana.form("/settings/password", {
      currentPassword: `guess number ${i}`,
      newPassword: "the attacker's own",
    });
    assert.equal(guess.status, 400);
  }
  const right = { currentPassword: "correct horse battery", newPassword: "the attacker's own" };
  const blocked = await bearer(t, token, "POST", "/me/password", right);
  assert.equal(blocked.status, 429, "even the right password waits out the window");
  assert.match(blocked.json.error.message, /Try again in 15 minutes/);
  const signIn = await new Client(t, "198.51.100.9").form("/signin", {
    email: "ana@example.com",
    password: "correct horse battery",
  });
  assert.equal(signIn.status, 429, "the same count as signing in");
  t.clock.advance(15 * 60_000 + 1);
  assert.equal((await bearer(t, token, "POST", "/me/password", right)).status, 204);

  // The other way round: a stranger's wrong sign-ins don't stop the signed-in owner changing the password.
  // (The change ended Ana's session: she opens the sign-in page again, whose form has a token of no session.)
  await ana.page("/signin");
  assert.equal(
    (await ana.form("/signin", { email: "ana@example.com", password: "the attacker's own" })).status,
    303,
  );
  for (let i = 0; i < 6; i++) {
    await new Client(t, "198.51.100.9").form("/signin", { email: "ana@example.com", password: `wrong ${i}` });
  }
  const owner = await ana.api("POST", "/me/password", {
    currentPassword: "the attacker's own",
    newPassword: "the owner's new one",
  });
  assert.equal(owner.status, 204, JSON.stringify(owner.json));
});

Deno.test("accounts - profile time zone is validated and used", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const bad = await ana.api("PATCH", "/me", { name: "Ana", timeZone: "Nowhere/City" });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.fields.timeZone, /not an IANA time zone/);
  const good = await ana.api("PATCH", "/me", { name: "Ana B", timeZone: "pacific/chatham" });
  assert.equal(good.json.timeZone, "Pacific/Chatham");
  // A PATCH changes what it sends: the name stays.
  const zoneOnly = await ana.api("PATCH", "/me", { timeZone: "Asia/Tokyo" });
  assert.deepEqual([zoneOnly.json.name, zoneOnly.json.timeZone], ["Ana B", "Asia/Tokyo"]);
  assert.equal((await ana.api("PATCH", "/me", { name: " " })).json.error.fields.name, "Enter your name.");
  assert.equal((await ana.api("GET", "/me")).json.user.name, "Ana B", "a refused change changes nothing");
  // A caller in code passing an absent field as undefined doesn't erase it either.
  const me = (await ana.api("GET", "/me")).json.user;
  const updated = await updateProfile(t.deps.kv, me.id, { name: undefined, timeZone: "Europe/Lisbon" });
  assert.deepEqual([updated.name, updated.timeZone], ["Ana B", "Europe/Lisbon"]);
  // A renamed zone is saved under its current name; one saved earlier under the old name shows as the current.
  assert.equal((await ana.api("PATCH", "/me", { timeZone: "Asia/Calcutta" })).json.timeZone, "Asia/Kolkata");
  const key = ["user", me.id];
  await t.deps.kv.set(key, { ...(await t.deps.kv.get<object>(key)).value, timeZone: "Europe/Kiev" });
  const profile = (await ana.page("/settings/profile")).html;
  assert.match(profile, /<option value="Europe\/Kyiv" selected>/);
  assert.doesNotMatch(profile, /<option value="(Europe\/Kiev|Asia\/Calcutta)"/);
});

Deno.test("flash - the message after a form shows once, on the next page; API calls in between leave it", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const saved = await ana.form("/team/settings", { followByDefault: "true" });
  assert.equal(saved.status, 303);
  // A request still running from the previous page (an autosave, the live stream) comes first.
  assert.equal((await ana.api("GET", "/me")).status, 200);
  assert.match((await ana.page("/team")).html, /Team settings saved\./);
  assert.doesNotMatch((await ana.page("/team")).html, /Team settings saved\./, "shown once");
});

/** The page `path` as the client's browser would show it next, with the flash message the last answer left. */
async function flashOn(client: Client, path: string): Promise<string> {
  const page = await client.page(path);
  assert.equal(page.status, 200, path);
  return page.html;
}

Deno.test("accounts - a form posted after the session ended goes to sign-in, then back to its page, saying so", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp({ email: "ana@example.com" });
  // Signed out in another tab: this tab's form comes back with the token of the session that ended.
  const token = await ana.csrfToken();
  const otherTab = new Client(t);
  otherTab.cookies = ana.cookies;
  assert.equal((await otherTab.form("/signout", {})).status, 303);
  const posted = await ana.request("/contacts", {
    method: "POST",
    body: new URLSearchParams({ _csrf: token, firstName: "Ken", email: "ken@example.com" }),
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      referer: "http://beacon.test/contacts/new?company=x",
    },
  });
  assert.equal(posted.status, 303);
  const signIn = posted.headers.get("location")!;
  assert.equal(signIn, `/signin?next=${encodeURIComponent("/contacts/new?company=x")}`);
  assert.match(await flashOn(ana, signIn), /Your session ended, so that wasn.t saved/);
  const back = await ana.form(signIn, { email: "ana@example.com", password: "correct horse battery" });
  assert.equal(back.headers.get("location"), "/contacts/new?company=x", "back to the form's page");
  assert.equal((await ana.api("GET", "/contacts")).json.items.length, 0, "nothing was written");

  // A page asked for with a session that has ended says so; a first visit is just sent to sign in.
  const stale = new Client(t);
  stale.cookies.set("beacon_session", "no-longer-valid");
  const asked = await stale.page("/contacts?q=ken");
  assert.equal(
    asked.response.headers.get("location"),
    `/signin?next=${encodeURIComponent("/contacts?q=ken")}`,
  );
  assert.match(await flashOn(stale, "/signin"), /Your session ended. Sign in to carry on./);
  const stranger = new Client(t);
  const first = await stranger.page("/contacts");
  assert.equal(first.response.headers.get("location"), `/signin?next=${encodeURIComponent("/contacts")}`);
  assert.doesNotMatch(await flashOn(stranger, "/signin"), /session ended/);

  // A sign-in form whose browser has lost its cookies since (a restart restoring its tabs) had no session to
  // end: it says the form expired, back on the sign-in page.
  const restored = new Client(t);
  const anonymous = await restored.csrfToken();
  restored.cookies.delete("beacon_csrf");
  const retried = await restored.request("/signin", {
    method: "POST",
    body: new URLSearchParams({
      _csrf: anonymous,
      email: "ana@example.com",
      password: "correct horse battery",
    }),
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", referer: "http://beacon.test/signin" },
  });
  assert.equal(retried.headers.get("location"), "/signin");
  assert.match(await flashOn(restored, "/signin"), /That form had expired, so nothing was saved/);

  // A form posted from another site's page doesn't send the seller there.
  const elsewhere = await new Client(t).request("/contacts", {
    method: "POST",
    body: new URLSearchParams({ firstName: "Ken" }),
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", referer: "https://evil.example/page" },
  });
  assert.equal(elsewhere.headers.get("location"), "/");
});

Deno.test("accounts - two admins demoting or removing each other at once leave the team an admin", async () => {
  for (const [anaDoes, kenDoes] of [["PATCH", "PATCH"], ["PATCH", "DELETE"], ["DELETE", "DELETE"]]) {
    await using t = await makeTestApp();
    const ana = new Client(t);
    const anaMe = await ana.signUp();
    const invite = await ana.api("POST", "/invites", { email: "ken@example.com", role: "admin" });
    const ken = new Client(t);
    await ken.form(new URL(invite.json.url).pathname, { name: "Ken", password: "another good password" });
    const kenMe = (await ken.api("GET", "/me")).json;
    const takeAway = (client: Client, how: string, id: string) =>
      client.api(how, `/members/${id}`, how === "PATCH" ? { role: "member" } : undefined);
    const results = await Promise.all([
      takeAway(ana, anaDoes, kenMe.user.id),
      takeAway(ken, kenDoes, anaMe.user.id),
    ]);
    // One wins. The other is refused: 409 when both passed their checks at once, 403 when the winner's commit
    // came first and the loser was no longer an admin by the time theirs was checked, 401 when the winner had
    // removed the loser (ending their session) before the loser's request was read.
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s < 300).length, 1, `${anaDoes}/${kenDoes}: ${statuses}`);
    assert.ok(statuses.some((s) => [401, 403, 409].includes(s)), `${anaDoes}/${kenDoes}: ${statuses}`);
    const users = await Promise.all([anaMe.user.id, kenMe.user.id].map((id) => getUser(t.kv, id)));
    assert.equal(users.filter((u) => u && !u.removedAt && u.role === "admin").length, 1);
  }
});

Deno.test("accounts - a removed member's scheduled email doesn't go out in their name, nor do their alarms ring", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const anaMe = await ana.signUp();
  const carol = await teammate(t, ana, "carol@example.com", "Carol Diaz");
  const carolMe = (await carol.api("GET", "/me")).json;
  const draft = (await carol.api("POST", "/messages", {
    to: ["paul@client.example"],
    subject: "Later",
    html: "<p>Hi Paul</p>",
  })).json;
  const at = t.clock.now() + 3600_000;
  assert.equal((await carol.api("POST", `/messages/${draft.id}/schedule`, { at })).status, 202);
  const alarm =
    (await carol.api("POST", `/messages/${draft.id}/alarms`, { condition: "reminder", at: at + 600_000 }))
      .json;
  assert.ok(alarm.id, JSON.stringify(alarm));

  assert.equal((await ana.api("DELETE", `/members/${carolMe.user.id}`)).status, 204);
  t.clock.advance(2 * 3600_000);
  await t.deps.scheduler.drain();

  const toPaul = (await outbox(t, anaMe.team.id)).filter((e) => e.to.includes("paul@client.example"));
  assert.deepEqual(toPaul, [], "nothing went out");
  const message = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(message.status, "failed");
  assert.equal(message.failure.reason, "Carol Diaz was removed from the team before it went out.");
  const alarms = await Array.fromAsync(
    t.kv.list<{ status: string }>({ prefix: ["team", anaMe.team.id, "alarm"] }),
  );
  assert.deepEqual(alarms.map((a) => a.value.status), ["cancelled"]);
  const cards = await Array.fromAsync(t.kv.list({ prefix: ["team", anaMe.team.id, "card"] }));
  assert.deepEqual(cards, [], "no card for someone who can't see it");
});

Deno.test("accounts - a new token or invite link is shown once after a redirect: reloading makes nothing again", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const created = await ana.form("/settings/tokens", { name: "CRM sync" });
  assert.equal(created.status, 303);
  assert.equal(created.headers.get("location"), "/settings/tokens");
  const shown = (await ana.page("/settings/tokens")).html;
  const secret = shown.match(/data-testid="new-token">([^<]+)</)?.[1];
  assert.ok(secret?.startsWith("bcn_"), shown.slice(0, 200));
  const reloaded = (await ana.page("/settings/tokens")).html;
  assert.doesNotMatch(reloaded, /data-testid="new-token"/, "shown once");
  // Made with no expiry (the API's default): the list says so, as an admin should see at a glance.
  assert.match(reloaded, /CRM sync.*Read and write.*never expires · never used/s);
  // Revoking asks first, naming the token; only the confirmation revokes it.
  const crm = reloaded.match(/href="\/settings\/tokens\/([^/"]+)\/revoke"/)![1];
  const ask = (await ana.page(`/settings/tokens/${crm}/revoke`)).html;
  assert.match(ask, /Revoke “CRM sync”\?/);
  assert.match(ask, /This can&#39;t be undone|This can't be undone/);
  assert.equal((await bearer(t, secret!, "GET", "/me")).status, 200, "still works while asked");
  assert.equal((await ana.form(`/settings/tokens/${crm}/revoke`, {})).status, 303);
  assert.equal((await bearer(t, secret!, "GET", "/me")).status, 401);
  assert.equal((await ana.page(`/settings/tokens/${crm}/revoke`)).status, 404, "gone");
  assert.match(
    shown,
    /<div class="alert alert-success" role="status" tabindex="-1" autofocus>/,
    "focus on it",
  );
  assert.match(
    reloaded,
    /<input id="f-name" name="name" type="text" value required placeholder="CRM sync" maxlength="60"/,
  );
  const readOnly = await ana.form("/settings/tokens", { name: "BI dashboard", access: "read" });
  assert.equal(readOnly.status, 303);
  const bi = (await ana.page("/settings/tokens")).html.match(/data-testid="new-token">([^<]+)</)![1];
  await bearer(t, bi, "GET", "/me");
  t.clock.advance(3 * 3_600_000);
  assert.match((await ana.page("/settings/tokens")).html, /BI dashboard.*Read only.*last used 3 hours ago/s);
  await ana.form("/settings/tokens", { name: "Nightly", access: "write", expiresInDays: "1" });
  assert.match((await ana.page("/settings/tokens")).html, /Nightly.*expires \d+ \w+ \d{4}/s);
  t.clock.advance(2 * 86_400_000);
  assert.match((await ana.page("/settings/tokens")).html, /Nightly.*Expired.*expired \d+ \w+ \d{4}/s);
  const refused = await ana.form("/settings/tokens", { name: "Typo", access: "everything" });
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /Choose read or write/);
  assert.equal(
    (await ana.api("GET", "/tokens")).json.items.length,
    2,
    "one token each time the form was sent, however often the page loads (three, one revoked)",
  );

  const invited = await ana.form("/team/invites", { email: "erin@example.com", role: "member" });
  assert.equal(invited.headers.get("location"), "/team#invite-title");
  const link = (await ana.page("/team")).html.match(/data-testid="invite-link">([^<]+)</)?.[1];
  assert.ok(link?.includes("/invite/"), "the link, once");
  assert.doesNotMatch((await ana.page("/team")).html, /data-testid="invite-link"/);
  const signUp = await new Client(t).page(new URL(link!).pathname);
  assert.equal(signUp.status, 200, "the link shown still works: nothing replaced it");
});

Deno.test("accounts - 'Sign out everywhere' ends every session of the seller's, this browser's too; tokens stay", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp({ email: "ana@example.com" });
  const token = (await ana.api("POST", "/tokens", { name: "CRM sync" })).json.secret;
  const laptop = new Client(t);
  await laptop.form("/signin", { email: "ana@example.com", password: "correct horse battery" });
  assert.equal((await laptop.page("/")).status, 200);
  assert.match((await ana.page("/settings/profile")).html, /Sign out everywhere/);

  const out = await ana.form("/settings/sessions/end", {});
  assert.equal(out.status, 303);
  assert.equal(out.headers.get("location"), "/signin");
  assert.equal((await ana.page("/")).status, 303, "this browser is signed out");
  assert.equal((await laptop.page("/")).status, 303, "and the other one");
  assert.equal(
    (await bearer(t, token, "GET", "/me")).status,
    200,
    "API tokens keep working, as the page says",
  );
});

Deno.test("accounts - an invite emails its link to the teammate; one the mailer refuses says to pass it on", async () => {
  await using resend = startResendStandIn();
  await using t = await makeTestApp({
    mailer: () => new ResendMailer({ apiKey: resend.apiKey, baseUrl: resend.url }),
  });
  const ana = new Client(t);
  await ana.signUp({ name: "Ana Lima", email: "ana@acme.example", teamName: "Acme Sales" });

  const created = await ana.api("POST", "/invites", { email: "erin@example.com", role: "member" });
  assert.equal(created.status, 201);
  assert.equal(created.json.emailed, true);
  const [sent] = resend.accepted;
  assert.deepEqual(sent.body.to, ["erin@example.com"]);
  assert.equal(sent.body.subject, "Ana Lima invited you to Acme Sales on Beacon");
  assert.equal(sent.body.reply_to, "ana@acme.example", "a reply reaches who invited");
  assert.ok(
    String(sent.body.html).includes(created.json.url) && String(sent.body.text).includes(created.json.url),
  );
  assert.equal((await new Client(t).page(new URL(created.json.url).pathname)).status, 200, "its link works");

  // The mailer refuses: the invite stands, and the page says to send the link by hand.
  resend.failNext(422, 1, {}, { body: { name: "validation_error", message: "Invalid `to` field." } });
  const refused = await ana.form("/team/invites", { email: "finn@example.com", role: "member" });
  assert.equal(refused.status, 303);
  const page = (await ana.page("/team")).html;
  assert.match(
    page,
    /The invite email to <strong>finn@example\.com<\/strong> could not be sent: copy its link/,
  );
  assert.match(page, /data-testid="invite-link">[^<]+\/invite\//);
  assert.ok(
    (await ana.api("GET", "/invites")).json.items.some((i: { email: string }) =>
      i.email === "finn@example.com"
    ),
  );
});
