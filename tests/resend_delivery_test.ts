/** Delivery through the real Resend adapter against the stand-in of Resend's API. */
import assert from "node:assert/strict";
import { ResendMailer } from "../lib/mail/resend.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { startResendStandIn } from "./standins/resend_standin.ts";

Deno.test("resend delivery - a lost response is retried with the same key and payload: sent once", async () => {
  await using resend = startResendStandIn();
  await using t = await makeTestApp({
    mailer: () => new ResendMailer({ apiKey: resend.apiKey, baseUrl: resend.url }),
  });
  const ana = new Client(t);
  await ana.signUp({ name: "Ana Seller", email: "ana@acme.example" });
  await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" });
  const draft = (await ana.api("POST", "/messages", {
    to: ["ken@globex.example"],
    subject: "Proposal",
    html: '<p>Hi, see <a href="https://acme.example/pricing">pricing</a></p>',
  })).json;
  resend.failNext(500, 1, {}, { afterAccepting: true });
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  t.clock.advance(60_000);
  await t.deps.scheduler.drain();
  const message = (await ana.api("GET", `/messages/${draft.id}`)).json;
  const posts = resend.requests.filter((r) => r.path === "/emails");
  assert.equal(posts.length, 2, "one lost answer, one retry");
  assert.equal(posts[0].headers["idempotency-key"], posts[1].headers["idempotency-key"]);
  assert.equal(posts[0].body, posts[1].body, "the retry sends the same payload");
  assert.equal(resend.accepted.length, 1);
  assert.equal(message.status, "sent");
  assert.equal(message.providerId, resend.accepted[0].id);
});
