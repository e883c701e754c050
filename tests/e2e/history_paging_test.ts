/**
 * End to end: a much-opened email's history shows its newest events a page at a time; "Show older events"
 * brings the rest in, by keyboard too, and "Sent" ends the history only once everything is there. A reply
 * further back is said to be there, not taken for none.
 */
import assert from "node:assert/strict";
import { EVENTS_PAGE } from "../../lib/messages/list.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { draftToNewContact, KEN, openMessagePage, pageApi, signUpInBrowser } from "../helpers/e2e_flows.ts";
import { outbox, trackingPaths } from "../helpers/mail.ts";
import { personRequest } from "../helpers/people.ts";
import { gmailReply } from "../../lib/inbound/fixtures/mime.ts";
import { receiveAndFollowUp } from "../../workers/replies.ts";

Deno.test("e2e - history: older events come on request, every one once, and the focus stays in the history", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const { draft } = await draftToNewContact(page, KEN, { subject: "Pricing", html: "<p>Hi Ken</p>" });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();
  const { pixel } = trackingPaths((await outbox(server, me.team.id))[0].html);
  // Ken answers first; then the email is opened again and again.
  const sent = await pageApi<{ rfcMessageId: string }>(page, "GET", `/messages/${draft.id}`);
  const reply = await gmailReply(
    {
      rfcMessageId: sent.rfcMessageId,
      subject: "Pricing",
      seller: { name: "Ana Lima", address: "ana@acme.example" },
      sentAt: new Date(),
    },
    ["Thanks, looks good."],
    { from: "Ken Sato <ken@globex.example>" },
  );
  assert.equal((await receiveAndFollowUp(server.deps, reply, { via: "raw" })).status, "matched");
  const hits = EVENTS_PAGE + 5;
  for (let i = 0; i < hits; i++) {
    server.clock.advance(60_000);
    await personRequest(server, pixel!);
  }
  await server.deps.recorder.idle();

  await openMessagePage(page, server.url, draft.id);
  const items = page.locator("[data-testid=history] .history-item");
  assert.equal(await items.count(), EVENTS_PAGE, "the newest page, and no 'Sent' yet");
  // The reply is further back: the Replies section says so rather than "No replies yet".
  assert.equal(await page.locator("[data-testid=replies-empty]").count(), 0);
  assert.match(
    await page.textContent("[data-testid=replies-back]") ?? "",
    /^1 reply is further back in the history/,
  );
  await page.locator("[data-testid=replies-back]").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "tests/screenshots/message-replies-back.png" });
  const older = page.locator("[data-testid=history-older]");
  await older.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "tests/screenshots/message-history-paged.png" });
  await older.focus();
  await page.keyboard.press("Enter");
  await older.waitFor({ state: "detached" });
  assert.equal(await items.count(), hits + 2, "every event once (the reply too), then 'Sent'");
  assert.match(await page.textContent("[data-testid=replies]") ?? "", /Thanks, looks good\./);
  assert.equal(await page.locator("[data-testid=replies-back]").count(), 0);
  assert.match(await items.last().textContent() ?? "", /^Sent/);
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
    "history",
    "the focus stays in the history",
  );
  await screenshot(page, "message-history-older");
  assert.deepEqual(errors, []);
  await context.close();
});
