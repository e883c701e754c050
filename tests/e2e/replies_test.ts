/**
 * End to end (issue 6): a seller sends an email with a followed PDF; the recipient opens the
 * attachment from the Outbox (a new tab, the PDF served inline) and answers with "Reply as
 * recipient", then an out-of-office; the seller's message page shows the attachment view and the
 * replies arrive live — KPIs, history and the Replies section, each reply readable in full.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { recordDelivery } from "../../lib/messages/delivery_status.ts";
import { publishAll } from "../../lib/realtime/feed.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  openEmailInOutbox,
  openMessagePage,
  pageApi,
  recipientInbox,
  signUpInBrowser,
  waitForMessageStatus,
} from "../helpers/e2e_flows.ts";

/** A small, valid one-page PDF. */
function pdf(): string {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " +
    "/Resources << /Font << /F1 5 0 R >> >> >>",
    "<< /Length 58 >>\nstream\nBT /F1 24 Tf 72 760 Td (Proposal 2027 for Globex) Tj ET\nendstream",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  return out + `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
}

Deno.test("e2e - an attachment view and replies reach the seller's message page live", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context: seller, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);

  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Proposal for Globex",
    html: "<p>Hi Ken,</p><p>The proposal is attached, with our terms. Talk soon!</p>",
  });
  // Upload the files as the composer does: the raw bytes as the request body.
  const upload = (filename: string, body: string, type: string) =>
    page.evaluate(async ({ id, filename, body, type }) => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const response = await fetch(
        `/api/messages/${id}/attachments?filename=${encodeURIComponent(filename)}`,
        {
          method: "POST",
          headers: { "content-type": type, "x-csrf-token": token },
          body: new TextEncoder().encode(body),
        },
      );
      return { status: response.status, json: await response.json() };
    }, { id: draft.id, filename, body, type });
  const proposal = await upload("Proposal 2027.pdf", pdf(), "application/pdf");
  assert.equal(proposal.status, 201);
  assert.equal(proposal.json.followed, true, "followed by default: it goes out as a tracked link");
  const terms = await upload("terms.txt", "Net 30. Prices in EUR.", "text/plain");
  assert.equal(terms.status, 201);
  await pageApi(page, "PATCH", `/messages/${draft.id}/attachments/${terms.json.blobId}`, { followed: false });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);

  await openMessagePage(page, server.url, draft.id);
  await waitForMessageStatus(page, "Not opened yet");
  const files = page.locator("[data-testid=attachments] li");
  assert.equal(await files.count(), 2);
  assert.match(await files.nth(0).textContent() ?? "", /^Proposal 2027\.pdf\d+ B · Tracked link0 views$/);
  assert.match(await files.nth(1).textContent() ?? "", /terms\.txt22 B · Attached/);
  assert.equal(
    await files.nth(0).locator("a").getAttribute("href"),
    `/api/messages/${draft.id}/attachments/${proposal.json.blobId}`,
  );
  // The seller downloads their own copy: not a view.
  const [download] = await Promise.all([page.waitForEvent("download"), files.nth(1).locator("a").click()]);
  assert.equal(download.suggestedFilename(), "terms.txt");
  assert.equal(await page.textContent("[data-testid=replies-empty]"), "No replies yet.");

  // The provider reports the delivery (as Resend's webhook would): it shows beside the status, live.
  const { providerId } = await pageApi<{ providerId: string }>(page, "GET", `/messages/${draft.id}`);
  const delivered = await recordDelivery(server.kv, providerId, {
    kind: "delivered",
    at: server.clock.now(),
    reason: null,
    webhookId: "msg_delivered_1",
    recipient: "ken@globex.example",
  });
  await publishAll(server.deps.realtime, delivered!.events);
  await page.waitForFunction(() =>
    /^Delivery Delivered/.test(document.querySelector("[data-testid=delivery]")?.textContent ?? "")
  );
  assert.match(await page.textContent("[data-testid=history]") ?? "", /Delivered/);
  await screenshot(page, "message-attachments");

  // The recipient, a few minutes later: opens the email in the Outbox and the PDF from it.
  server.clock.advance(5 * 60_000);
  const { context: recipient, inbox } = await recipientInbox(browser, server.url, { timeout: 10_000 });
  await openEmailInOutbox(inbox, server.url, "Proposal for Globex");
  const frame = inbox.frameLocator("iframe.email-frame");
  await frame.locator("text=Proposal 2027.pdf").waitFor();
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=kpi-opens] .kpi-value")?.textContent === "1"
  );
  const served = recipient.waitForEvent(
    "response",
    (r) => r.url().includes("/t/a/") && r.request().method() === "GET",
  );
  const [popup] = await Promise.all([
    inbox.waitForEvent("popup"),
    frame.locator('a[href*="/t/a/"]').click(),
  ]);
  const response = await served;
  assert.equal(response.status(), 200);
  assert.equal(response.headers()["content-type"], "application/pdf");
  assert.match(response.headers()["content-disposition"], /^inline; filename="Proposal 2027.pdf"/);

  // The seller's page, live: the view is counted and named.
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=kpi-attachments] .kpi-value")?.textContent === "1"
  );
  assert.equal(await page.textContent("[data-testid=attachment-views-0]"), "1 view");
  assert.match(await page.textContent("[data-testid=history]") ?? "", /Viewed Proposal 2027\.pdf/);
  await popup.close();

  // "Reply as recipient" in the Outbox: a real reply through the inbound pipeline.
  await inbox.fill("#f-text", "Thanks Ana — the proposal looks right.\nCan we talk on Thursday?");
  await inbox.click("button:has-text('Send reply')");
  await inbox.waitForURL(`${server.url}/messages/${draft.id}`);

  await page.waitForFunction(() =>
    document.querySelector("[data-testid=kpi-replies] .kpi-value")?.textContent === "1"
  );
  assert.equal(await page.textContent("[data-testid=message-status]"), "Replied");
  const replies = page.locator("[data-testid=replies] li");
  await replies.first().waitFor();
  assert.equal(await replies.count(), 1);
  const reply = replies.first();
  assert.match(await reply.textContent() ?? "", /Ken Sato/);
  assert.match(await reply.textContent() ?? "", /the proposal looks right\.\s*Can we talk on Thursday\?/);
  assert.equal(await reply.locator(".badge").count(), 0, "a person's reply from the recipient: no badges");
  assert.match(
    await page.textContent("[data-testid=history]") ?? "",
    /Ken Sato replied: “Thanks Ana — the proposal looks right\. Can we talk on Thursday\?”/,
  );
  await screenshot(page, "message-replied");

  // An out-of-office arrives too: recorded, shown with its badge, not counted.
  await openEmailInOutbox(inbox, server.url, "Proposal for Globex");
  await inbox.fill("#f-text", "I am out of the office until Monday.");
  await inbox.check("input[name=autoReply]");
  await inbox.click("button:has-text('Send reply')");
  await inbox.waitForURL(`${server.url}/messages/${draft.id}`);
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=replies] li").length === 2);
  const auto = replies.first();
  assert.match(await auto.textContent() ?? "", /Auto-reply — not counted/);
  assert.match(await auto.getAttribute("class") ?? "", /history-muted/);
  assert.equal(
    await page.textContent("[data-testid=kpi-replies] .kpi-value"),
    "1",
    "auto-replies don't count",
  );
  await screenshot(page, "message-replies");

  // Each reply reads in full on its own page.
  await replies.nth(1).locator("a:has-text('Read the whole reply')").click();
  await page.waitForURL(/\/inbound\/\w+$/);
  assert.match(await page.textContent(".reply-text") ?? "", /Can we talk on Thursday\?/);
  await screenshot(page, "inbound-reply");
  assert.deepEqual(errors, []);
  await seller.close();
  await recipient.close();
});
