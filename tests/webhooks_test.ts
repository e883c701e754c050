/** Resend webhooks against a local stand-in of Resend's API (tests/standins/resend_standin.ts). */
import assert from "node:assert/strict";
import { gmailReply } from "../lib/inbound/fixtures/mime.ts";
import { getContact } from "../lib/contacts/contacts.ts";
import { ResendMailer } from "../lib/mail/resend.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { startResendStandIn } from "./standins/resend_standin.ts";
import { svixHeaders, TEST_WEBHOOK_SECRET } from "./standins/svix.ts";

async function setup(env: Record<string, string> = {}, { trailingSlash = false } = {}) {
  const resend = startResendStandIn();
  const t = await makeTestApp({
    env: {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: trailingSlash ? `${resend.url}/` : resend.url,
      RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      ...env,
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
  /** The fields every email event carries (resend 6.38.0 `BaseEmailEventData`), as Resend sends them. */
  const emailEvent = (data: Record<string, unknown> = {}) => ({
    created_at: "2026-03-03 09:10:11.894719+00",
    email_id: message.providerId,
    message_id: message.rfcMessageId,
    from: "Ana Seller <ana@acme.example>",
    to: [ken.email],
    subject: "Proposal",
    ...data,
  });
  /** Ken's reply from Gmail to the email sent: "Yes please, send the contract." */
  const kenReplies = (headers: Partial<Parameters<typeof gmailReply>[2]> = {}) =>
    gmailReply(
      {
        rfcMessageId: message.rfcMessageId,
        subject: "Proposal",
        seller: { name: "Ana", address: "ana@acme.example" },
        sentAt: new Date(),
      },
      ["Yes please, send the contract."],
      { from: "Ken <ken@globex.example>", ...headers },
    );
  return {
    t,
    ana,
    me,
    ken,
    message,
    hook,
    emailEvent,
    kenReplies,
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
  const raw = await s.kenReplies();
  s.resend.addReceived({
    id: "rcv_1",
    raw,
    from: "ken@globex.example",
    to: ["beacon@beacon.test"],
    subject: "Re: Proposal",
    messageId: "<r1@globex>",
  });
  // The event carries metadata only (resend.com/docs/webhooks/emails/received); the content is fetched.
  const r = await s.hook("email.received", {
    email_id: "rcv_1",
    created_at: "2026-03-03 11:02:00.000000+00",
    from: "Ken <ken@globex.example>",
    to: ["beacon@beacon.test"],
    cc: [],
    bcc: [],
    received_for: ["beacon@beacon.test"],
    message_id: "<r1@globex>",
    subject: "Re: Proposal",
    attachments: [],
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

Deno.test("webhooks - a RESEND_BASE_URL with a trailing slash still reaches the received email", async () => {
  await using s = await setup({}, { trailingSlash: true });
  s.resend.addReceived({
    id: "rcv_slash",
    raw: new TextEncoder().encode("From: ken@globex.example\r\nSubject: hi\r\n\r\nhello\r\n"),
    from: "ken@globex.example",
    to: ["beacon@beacon.test"],
    subject: "hi",
    messageId: "<s1@globex>",
  });
  const r = await s.hook("email.received", { email_id: "rcv_slash", to: ["beacon@beacon.test"] });
  assert.equal(r.status, 200);
  assert.ok(s.resend.requests.some((q) => q.path === "/emails/receiving/rcv_slash"));
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

Deno.test("webhooks - a bounce or complaint on an email to several flags only whom it names", async () => {
  await using s = await setup();
  const bea = (await s.ana.api("POST", "/contacts", { firstName: "Bea", email: "bea@initech.example" })).json;
  const flagged = async () =>
    (await Promise.all([s.ken, bea].map((c) => getContact(s.t.kv, s.me.team.id, c.id))))
      .filter((c) => c.deliveryIssue).map((c) => c.email);
  // A spam report from one of two can't say whose: neither is flagged, the email still says it.
  await s.hook("email.complained", s.emailEvent({ to: [s.ken.email, bea.email] }));
  assert.deepEqual(await flagged(), []);
  assert.equal((await s.ana.api("GET", `/messages/${s.message.id}`)).json.delivery.kind, "complained");
  // A bounce whose message names Ken is Ken's.
  await s.hook(
    "email.bounced",
    s.emailEvent({
      to: [bea.email, s.ken.email],
      bounce: {
        type: "Permanent",
        subType: "General",
        message: "550 5.1.1 <KEN@globex.example>: no such user",
      },
    }),
  );
  assert.deepEqual(await flagged(), [s.ken.email]);
});

Deno.test("webhooks - an email Resend suppressed (the address bounced before) shows as bounced", async () => {
  await using s = await setup();
  const r = await s.hook(
    "email.suppressed",
    s.emailEvent({
      suppressed: {
        type: "OnAccountSuppressionList",
        message: "Resend has suppressed sending to this address because it is on the account-level " +
          "suppression list.",
      },
    }),
  );
  assert.equal(r.status, 200);
  assert.equal(r.json.outcome, "bounced");
  const message = (await s.ana.api("GET", `/messages/${s.message.id}`)).json;
  assert.equal(message.delivery.kind, "bounced");
  assert.equal(message.statusText, "Bounced — address is on the suppression list");
  const contact = await s.ana.page(`/contacts/${s.ken.id}`);
  assert.match(contact.html, /Bounced/);
});

Deno.test("webhooks - a signature header with several signatures (a secret being rotated) is accepted", async () => {
  await using s = await setup();
  const r = await s.hook("email.delivered", s.emailEvent(), {
    otherSecrets: ["whsec_" + btoa("the-secret-before-the-rotation!!")],
  });
  assert.equal(r.status, 200);
  assert.equal(r.json.outcome, "delivered");
});

Deno.test("webhooks - a reply reaching the reply address only through the envelope (received_for) is matched by its token", async () => {
  await using s = await setup({ BEACON_INBOUND_DOMAIN: "in.beacon.test" });
  const replyTo = s.resend.accepted[0].body.reply_to;
  const replyAddress = (Array.isArray(replyTo) ? replyTo[0] : replyTo) ?? "";
  assert.match(replyAddress, /^reply\+.+@in\.beacon\.test$/);
  // Forwarded by a rule at the customer's: To names another mailbox, and no threading headers survive.
  const raw = await s.kenReplies({
    to: "Sales desk <sales@globex.example>",
    subject: "Fw: Proposal",
    inReplyTo: null,
    references: null,
  });
  s.resend.addReceived({
    id: "rcv_env",
    raw,
    from: "ken@globex.example",
    to: ["sales@globex.example"],
    subject: "Fw: Proposal",
    messageId: "<fw1@globex>",
  });
  const r = await s.hook("email.received", {
    email_id: "rcv_env",
    created_at: "2026-03-03 11:02:00.000000+00",
    from: "Ken <ken@globex.example>",
    to: ["sales@globex.example"],
    cc: [],
    bcc: [],
    received_for: [replyAddress],
    message_id: "<fw1@globex>",
    subject: "Fw: Proposal",
    attachments: [],
  });
  assert.equal(r.status, 200);
  assert.equal(r.json.outcome, "matched");
  assert.equal((await s.ana.api("GET", `/messages/${s.message.id}/events`)).json.stats.replies, 1);
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
