/** Resend webhooks against a local stand-in of Resend's API (tests/standins/resend_standin.ts). */
import assert from "node:assert/strict";
import { gmailReply } from "../lib/inbound/fixtures/mime.ts";
import { ResendMailer } from "../lib/mail/resend.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { startResendStandIn } from "./standins/resend_standin.ts";
import { svixHeaders, TEST_WEBHOOK_SECRET } from "./standins/svix.ts";

async function setup() {
  const resend = startResendStandIn();
  const t = await makeTestApp({
    env: {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    },
    mailer: () => new ResendMailer({ apiKey: resend.apiKey, baseUrl: resend.url }),
  });
  const ana = new Client(t);
  const me = await ana.signUp({ name: "Ana Seller", email: "ana@acme.example" });
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" })).json;
  const draft =
    (await ana.api("POST", "/messages", { to: [ken.email], subject: "Proposal", html: "<p>Hi</p>" })).json;
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  const message = (await ana.api("GET", `/messages/${draft.id}`)).json;
  const hook = async (
    type: string,
    data: Record<string, unknown>,
    options: Parameters<typeof svixHeaders>[1] = {},
  ) => {
    const payload = JSON.stringify({ type, created_at: new Date().toISOString(), data });
    const headers = await svixHeaders(payload, options);
    const response = await t.app.request("http://beacon.test/webhooks/resend", {
      method: "POST",
      body: payload,
      headers,
    });
    return { status: response.status, json: await response.json(), id: headers["svix-id"] };
  };
  return {
    t,
    ana,
    me,
    ken,
    message,
    hook,
    resend,
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await resend.close();
    },
  };
}

Deno.test("webhooks - a received email is fetched from Resend, matched and counted", async () => {
  await using s = await setup();
  assert.equal(s.message.providerId, s.resend.accepted[0].id);
  const raw = await gmailReply(
    {
      rfcMessageId: s.message.rfcMessageId,
      subject: "Proposal",
      seller: { name: "Ana", address: "ana@acme.example" },
      sentAt: new Date(),
    },
    ["Yes please, send the contract."],
    { from: "Ken <ken@globex.example>" },
  );
  s.resend.addReceived({
    id: "rcv_1",
    raw,
    from: "ken@globex.example",
    to: ["beacon@beacon.test"],
    subject: "Re: Proposal",
    messageId: "<r1@globex>",
  });
  const r = await s.hook("email.received", {
    email_id: "rcv_1",
    to: ["beacon@beacon.test"],
    from: "ken@globex.example",
  });
  assert.equal(r.status, 200);
  assert.equal(r.json.outcome, "matched");
  assert.equal((await s.ana.api("GET", `/messages/${s.message.id}/events`)).json.stats.replies, 1);
  assert.ok(
    s.resend.requests.some((q) =>
      q.path === "/emails/receiving/rcv_1" && q.headers.authorization === `Bearer ${s.resend.apiKey}`
    ),
  );
});

Deno.test("webhooks - wrong signatures, stale timestamps and replays are refused or ignored", async () => {
  await using s = await setup();
  const forged = await s.hook("email.delivered", { email_id: s.message.providerId }, {
    secret: "whsec_" + btoa("some-other-secret-of-32-bytes!!!"),
  });
  assert.equal(forged.status, 400);
  assert.match(forged.json.error.message, /Webhook refused/);
  const stale = await s.hook("email.delivered", { email_id: s.message.providerId }, {
    timestamp: Date.now() - 3600_000,
  });
  assert.equal(stale.status, 400);
  const bounced = {
    email_id: s.message.providerId,
    to: ["ken@globex.example"],
    bounce: { type: "Permanent", subType: "NoSuchUser", message: "550 5.1.1 user unknown" },
  };
  const first = await s.hook("email.bounced", bounced, { id: "msg_bounce_1" });
  assert.equal(first.json.outcome, "bounced");
  const replay = await s.hook("email.bounced", bounced, { id: "msg_bounce_1" });
  assert.equal(replay.json.duplicate, true);
  const events = (await s.ana.api("GET", `/messages/${s.message.id}/events`)).json.items;
  assert.equal(events.filter((e: { type: string }) => e.type === "delivery").length, 1, "recorded once");
});

Deno.test("webhooks - out of order: a late 'delivered' never overwrites 'bounced'; the contact is flagged", async () => {
  await using s = await setup();
  await s.hook("email.sent", { email_id: s.message.providerId });
  await s.hook("email.bounced", {
    email_id: s.message.providerId,
    to: ["ken@globex.example"],
    bounce: { type: "Permanent", subType: "NoSuchUser", message: "550 user unknown" },
  });
  await s.hook("email.delivered", { email_id: s.message.providerId });
  const message = (await s.ana.api("GET", `/messages/${s.message.id}`)).json;
  assert.equal(message.delivery.kind, "bounced");
  assert.equal(message.statusText, "Bounced — mailbox does not exist");
  const contact = await s.ana.page(`/contacts/${s.ken.id}`);
  assert.match(contact.html, /Bounced/);
  const history = (await s.ana.api("GET", `/messages/${s.message.id}/events`)).json.items.map((
    e: { delivery?: { kind: string } },
  ) => e.delivery?.kind);
  assert.deepEqual(history.filter(Boolean), ["delivered", "bounced", "sent"]);
});

Deno.test("webhooks - Resend's own opens and clicks are not counted twice", async () => {
  await using s = await setup();
  const r = await s.hook("email.opened", { email_id: s.message.providerId });
  assert.equal(r.json.outcome, "ignored");
  await s.hook("email.clicked", { email_id: s.message.providerId });
  const stats = (await s.ana.api("GET", `/messages/${s.message.id}/events`)).json.stats;
  assert.equal(stats.opens, 0);
  assert.equal(stats.clicks, 0);
});

Deno.test("webhooks - without a secret configured the endpoint says so", async () => {
  await using t = await makeTestApp();
  const r = await t.app.request("http://beacon.test/webhooks/resend", { method: "POST", body: "{}" });
  assert.equal(r.status, 404);
});
