/**
 * End to end: an email the provider refuses. Sent from the composer through the real Resend client (against the
 * stand-in), it fails while its page is open: the page says so live — a short status, the full reason, the
 * failure in the history, "Retry sending" — and the sender gets an error toast, here and wherever else they are.
 * Retry sends it from the page. And Back after Send leads to the sent email's page, not to a dead end.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { ResendMailer } from "../../lib/mail/resend.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  pageApi,
  signUpInBrowser,
  waitForMessageStatus,
} from "../helpers/e2e_flows.ts";
import { startResendStandIn } from "../standins/resend_standin.ts";

const REFUSED = "The `to` field contains an address the provider refuses.";

Deno.test("e2e - a refused email says so live, alerts its sender anywhere in Beacon, and Retry sends it", async () => {
  await using resend = startResendStandIn();
  // Cron-only wake-ups and no sweep yet: an email goes out when the test runs the due work.
  await using server = await startServer({
    clock: new ManualClock(Date.now(), true),
    scheduler: { wakeups: ["cron"] },
    mailer: () => new ResendMailer({ apiKey: resend.apiKey, baseUrl: resend.url }),
  });
  const refuseNext = () =>
    resend.failNext(422, 1, {}, { body: { name: "validation_error", message: REFUSED } });
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Your Q3 proposal",
    html: "<p>Hi Ken,</p><p>Here is the proposal.</p>",
  });

  // Sent from the composer; the provider refuses it while its page is open.
  refuseNext();
  await page.goto(`${server.url}/compose/${draft.id}`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  await page.click(".composer-send");
  await page.waitForURL(`${server.url}/messages/${draft.id}`);
  await page.waitForSelector("beacon-island[data-island=message_header][data-hydrated]");
  await waitForMessageStatus(page, "Sending");
  assert.equal(await page.locator("[data-testid=retry-send]").count(), 0);
  await server.deps.scheduler.runDue();
  await waitForMessageStatus(page, "Failed — address rejected");
  await page.waitForSelector("[data-testid=retry-send]");
  await page.waitForSelector(
    ".toast-error:has-text('“Your Q3 proposal” to Ken Sato was not sent: address rejected')",
  );
  assert.equal(await page.locator(".toast:has-text('on its way')").count(), 0, "the failure takes its place");
  const reason = `Resend rejected the email: ${REFUSED} (422 validation_error)`;
  assert.equal(await page.textContent("[data-testid=status-detail]"), reason, "the reason in full");
  assert.match(await page.textContent("[data-testid=history-failure]") ?? "", new RegExp(`Not sent — .*422`));
  assert.doesNotMatch(await page.textContent("[data-testid=history]") ?? "", /Nothing yet/);
  await screenshot(page, "message-failed");

  // The Activity list says it in one line. The alert is not raised again on the next page.
  // The toast was up long enough to count as seen (1.5 s): the page notes it, and the next page reads the note.
  await page.waitForFunction(() =>
    JSON.parse(sessionStorage.getItem("beacon:raised-alerts") ?? "[]").length === 1
  );
  await page.goto(`${server.url}/`);
  await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
  assert.equal(
    await page.textContent(`tr[data-message="${draft.id}"] [data-testid=status]`),
    "Failed — address rejected",
  );
  assert.equal(await page.locator(".toast-error").count(), 0, "an alert already seen is not raised again");
  await screenshot(page, "activity-failed");
  // The assistant has it first, as a card that leads to the email.
  await page.goto(`${server.url}/assistant`);
  const card = page.locator("[data-kind=send_failed]").first();
  assert.match(
    await card.textContent() ?? "",
    /Not sent.*Couldn't send to Ken Sato: address rejected.*Your Q3 proposal/s,
  );
  await screenshot(page, "assistant-not-sent");

  // Retry, from the message page: sending again, then sent; the failure stays in the history. The failure's
  // toast, still up (errors stay until dismissed), gives its place to "Sending again.".
  await page.goto(`${server.url}/messages/${draft.id}`);
  await page.waitForSelector("beacon-island[data-island=message_header][data-hydrated]");
  // Raised until it shows: the toaster listens from its first effect, a moment after the page is ready (the same
  // tag makes a repeat replace the toast, not add one).
  await page.waitForFunction((id) => {
    dispatchEvent(
      new CustomEvent("beacon:toast", {
        detail: { kind: "error", text: "“Your Q3 proposal” to Ken Sato was not sent", tag: `message:${id}` },
      }),
    );
    return document.querySelectorAll(".toast-error").length === 1;
  }, draft.id);
  await page.click("[data-testid=retry-send]");
  await page.waitForSelector(".toast:has-text('Sending again.')");
  assert.equal(await page.locator(".toast-error").count(), 0, "the failure's toast is gone");
  assert.equal(page.url(), `${server.url}/messages/${draft.id}`);
  await waitForMessageStatus(page, "Sending");
  assert.equal(await page.locator("[data-testid=retry-send]").count(), 0, "no Retry while it is sending");
  await server.deps.scheduler.runDue();
  await waitForMessageStatus(page, "Not opened yet");
  await page.waitForSelector(".page-header .subtitle:has-text('· sent')");
  assert.equal(await page.locator("[data-testid=retry-send]").count(), 0);
  assert.equal(await page.locator("[data-testid=status-detail]").count(), 0);
  assert.match(await page.textContent("[data-testid=history]") ?? "", /Sent.*Not sent — Resend rejected/s);
  assert.equal(resend.accepted.length, 1);
  await screenshot(page, "message-sent-after-retry");

  // Elsewhere in Beacon when another email fails: the toast finds the seller there, and leads to it.
  await page.goto(`${server.url}/contacts`);
  await page.waitForSelector("beacon-island[data-island=live_alerts][data-hydrated]", { state: "attached" });
  const pricing = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: [KEN.email],
    subject: "Pricing",
    html: "<p>Our prices.</p>",
  });
  refuseNext();
  await pageApi(page, "POST", `/messages/${pricing.id}/send`);
  await server.deps.scheduler.runDue();
  const toast = page.locator(".toast-error", {
    hasText: "“Pricing” to Ken Sato was not sent: address rejected",
  });
  await toast.waitFor();
  await screenshot(page, "toast-send-failed");
  await toast.locator("a", { hasText: "View" }).click();
  await page.waitForURL(`${server.url}/messages/${pricing.id}`);
  await waitForMessageStatus(page, "Failed — address rejected");
  // A rejected address needs changing, not retrying: the email goes back to the composer as a draft.
  await page.waitForSelector("beacon-island[data-island=message_header][data-hydrated]");
  await screenshot(page, "message-failed-actions");
  await page.click("[data-testid=edit-send]");
  await page.waitForURL(`${server.url}/compose/${pricing.id}`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  assert.equal(await page.inputValue("#composer-subject"), "Pricing");
  assert.match(await page.textContent("[data-testid=chip]") ?? "", /Ken Sato/);

  // A send that fails as the seller moves on is raised on the page they arrive at.
  const terms = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: [KEN.email],
    subject: "Terms",
    html: "<p>Our terms.</p>",
  });
  refuseNext();
  await pageApi(page, "POST", `/messages/${terms.id}/send`);
  await server.deps.scheduler.runDue();
  await page.goto(`${server.url}/messages/${terms.id}`);
  await page.waitForSelector(".toast-error:has-text('“Terms” to Ken Sato was not sent')");
  assert.deepEqual(errors, []);
});

Deno.test("e2e - Back after Send opens the sent email's page, not a dead end", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await page.goto(`${server.url}/compose`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  await page.type("#composer-to", `${KEN.email},`);
  await page.fill("#composer-subject", "Quick question");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hi Ken, are you free on Friday?");
  await page.click(".composer-send");
  await page.waitForURL(/\/messages\/\w+$/);
  const sent = page.url();
  await page.waitForSelector("beacon-island[data-island=message_header][data-hydrated]");
  await page.goBack();
  await page.waitForURL(sent);
  assert.equal(await page.textContent("h1"), "Quick question");
  assert.equal(await page.locator("text=Something changed").count(), 0);
  await page.goBack();
  await page.waitForURL(`${server.url}/`);
  assert.deepEqual(errors, []);
});
