/**
 * End to end (issue 5): a followed email with a "not opened by" alarm a minute out; the alarm
 * fires and its card arrives live in the assistant with the bell count; the seller snoozes it;
 * then the recipient opens the email from the Outbox and the "Email opened" card and the toast
 * arrive live.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
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

Deno.test("e2e - an alarm's card arrives live with the bell count, snoozes, and an open brings 'Email opened' and a toast", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context: seller, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);

  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Next steps on the pilot",
    html: "<p>Hi Ken,</p><p>Shall we start the pilot on Monday?</p>",
  });
  // The alarm is set on the draft, a minute out; sending keeps it.
  const deadline = server.clock.now() + 60_000;
  await pageApi(page, "POST", `/messages/${draft.id}/alarms`, {
    condition: "not_opened",
    at: deadline,
    comment: "Ring Ken before lunch",
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  for (let i = 0; i < 100; i++) {
    const message = await pageApi<{ status: string }>(page, "GET", `/messages/${draft.id}`);
    if (message.status === "sent") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const alarms = await pageApi<{ items: { status: string }[] }>(page, "GET", `/messages/${draft.id}/alarms`);
  assert.deepEqual(alarms.items.map((a) => a.status), ["pending"]);

  // The seller is on Activity: nothing yet.
  await page.goto(`${server.url}/`);
  await page.waitForSelector("beacon-island[data-island=bell][data-hydrated]");
  assert.equal(await page.locator("[data-testid=bell-count]").count(), 0);

  // A minute later nobody has opened it: the alarm fires, and the bell says so without a reload.
  server.clock.advance(deadline - server.clock.now() + 1_000);
  await server.deps.scheduler.runDue();
  await page.waitForFunction(() => document.querySelector("[data-testid=bell-count]")?.textContent === "1");
  // In the assistant, the card is there; once it has been on screen a moment it counts as seen.
  await page.click("a.bell");
  const alarmCard = page.locator(".action-card[data-kind=not_opened]");
  await alarmCard.waitFor();
  await page.waitForFunction(() => !document.querySelector("[data-testid=bell-count]"));
  assert.match(await alarmCard.textContent() ?? "", /Not opened yet/);
  assert.match(await alarmCard.textContent() ?? "", /Ken Sato hasn't opened your email yet/);
  assert.match(await alarmCard.textContent() ?? "", /Ring Ken before lunch/);
  assert.equal(
    (await pageApi<{ items: { status: string }[] }>(page, "GET", `/messages/${draft.id}/alarms`)).items[0]
      .status,
    "fired",
  );
  await screenshot(page, "assistant-alarm");

  // Snooze it for an hour from the card's menu: it leaves the active cards and the bell.
  await alarmCard.locator("summary:has-text('Snooze')").click();
  await screenshot(page, "assistant-snooze-menu");
  await alarmCard.locator(".menu-panel button:has-text('1 hour')").click();
  await page.waitForSelector(".action-card.is-snoozed[data-kind=not_opened]");
  assert.match(await alarmCard.textContent() ?? "", /Snoozed until/);
  await page.waitForSelector(".toast:has-text('Snoozed until')");
  await page.waitForFunction(() => !document.querySelector("[data-testid=bell-count]"));
  const cards = await pageApi<{ items: { kind: string; status: string }[]; unread: number }>(
    page,
    "GET",
    "/cards",
  );
  assert.deepEqual(cards.items.map((c) => [c.kind, c.status]), [["not_opened", "snoozed"]]);
  assert.equal(cards.unread, 0);
  await screenshot(page, "assistant-snoozed");

  // Ken opens the email a few minutes later (the recipient's context opens it from the Outbox).
  server.clock.advance(3 * 60_000);
  const { context: recipient, inbox } = await recipientInbox(browser, server.url, { timeout: 10_000 });
  await openEmailInOutbox(inbox, server.url, "Next steps on the pilot");
  await inbox.frameLocator("iframe.email-frame").locator("text=Shall we start the pilot").waitFor();

  // The seller's assistant, live: the "Email opened" card, the toast and the bell.
  const openedCard = page.locator(".action-card[data-kind=email_opened]");
  await openedCard.waitFor();
  assert.match(await openedCard.textContent() ?? "", /Email opened/);
  assert.match(await openedCard.textContent() ?? "", /Ken Sato/);
  await page.waitForSelector(".toast:has-text('Ken Sato opened')");
  assert.ok(await page.locator(".action-card.is-snoozed[data-kind=not_opened]").isVisible(), "still snoozed");
  // A card that arrives on the open assistant counts as seen too: it leaves the bell, and is marked read.
  await page.waitForSelector(".action-card[data-kind=email_opened]:not(.is-unread)");
  await page.waitForFunction(() => !document.querySelector("[data-testid=bell-count]"));
  assert.equal((await pageApi<{ unread: number }>(page, "GET", "/cards")).unread, 0);
  await screenshot(page, "assistant-opened");
  assert.deepEqual(errors, []);
  await seller.close();
  await recipient.close();
});

Deno.test("e2e - the assistant refuses a past call or snooze beside its field; text inputs are styled; tasks read well", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Pilot pricing",
    html: "<p>Hi Ken, here is the pricing.</p>",
  });
  // What the stylesheet gives a text field: the fields beside it have the same.
  const fieldStyle = (selector: string) =>
    page.locator(selector).evaluate((input) => {
      const { minHeight, paddingLeft, borderTopLeftRadius } = getComputedStyle(input);
      return { minHeight, paddingLeft, borderTopLeftRadius };
    });

  // The alarm form's Note field (an input with no type) looks like the fields around it.
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await pageApi(page, "POST", `/messages/${draft.id}/alarms`, {
    condition: "not_opened",
    at: server.clock.now() + 3600_000,
    recipients: [KEN.email],
  });
  await openMessagePage(page, server.url, draft.id);
  await waitForMessageStatus(page, "Not opened yet");
  await page.waitForSelector("beacon-island[data-island=alarm_editor][data-hydrated]");
  assert.match(
    await page.locator("[data-testid=alarms]").textContent() ?? "",
    /· Ken Sato/,
    "named, not by address",
  );
  await page.locator("[data-testid=alarm-editor] button:has-text('Add alarm')").click();
  await page.locator("#alarm-comment").waitFor();
  assert.deepEqual(await fieldStyle("#alarm-comment"), await fieldStyle("#alarm-at"));
  assert.equal((await fieldStyle("#alarm-comment")).minHeight, "38px");

  // A reminder goes off: its card is in the assistant.
  const at = server.clock.now() + 60_000;
  await pageApi(page, "POST", `/messages/${draft.id}/alarms`, { condition: "reminder", at });
  server.clock.advance(61_000);
  await server.deps.scheduler.runDue();
  await page.goto(`${server.url}/assistant`);
  await page.waitForSelector("beacon-island[data-island=assistant_board][data-hydrated]");
  const card = page.locator(".action-card[data-kind=reminder]");
  await card.waitFor();

  // "Plan a call" for a time already past: refused, with the reason beside "When".
  await card.locator("button:has-text('Plan a call')").click();
  assert.deepEqual(await fieldStyle("input[id^=call-subject-]"), await fieldStyle("input[id^=call-due-]"));
  const due = card.locator("input[id^=call-due-]");
  // It starts at 10:00 tomorrow where Ken is, and says so beside the seller's own time.
  const theirTime = await card.locator("[data-testid=call-their-time]").textContent();
  assert.match(theirTime ?? "", /^(\w{3} )?10:00 for Ken Sato in Tokyo$/);
  await due.fill("2030-06-03T09:00"); // a Monday, 09:00 for the seller in Lisbon
  await card.locator("[data-testid=call-their-time]:has-text('17:00 for Ken Sato in Tokyo')").waitFor();
  await due.fill("2020-01-01T10:00");
  await card.locator("button:has-text('Add call')").click();
  const dueError = card.locator(`#${await due.getAttribute("id")}-error`);
  await dueError.waitFor();
  assert.equal(await dueError.textContent(), "Choose a time in the future.");
  assert.equal(await due.getAttribute("aria-invalid"), "true");
  await screenshot(page, "assistant-call-past");
  assert.deepEqual((await pageApi<{ items: unknown[] }>(page, "GET", "/tasks")).items, []);

  // Tomorrow is fine: as soon as the time is changed, the error and the form's banner go.
  const tomorrow = new Date(Date.now() + 86_400_000);
  await due.fill(`${tomorrow.toISOString().slice(0, 10)}T10:00`);
  await dueError.waitFor({ state: "detached" });
  assert.equal(await due.getAttribute("aria-invalid"), null);
  assert.equal(await card.locator(".alert-error").count(), 0);
  await card.locator("button:has-text('Add call')").click();
  await page.waitForSelector(".toast:has-text('Call added')");

  // A past custom snooze: the menu stays open with the reason under the field, not a toast about fields.
  await card.locator("summary:has-text('Snooze')").click();
  const until = card.locator("input[id^=snooze-]");
  await until.fill("2020-01-01T10:00");
  await card.locator(".snooze-custom button:has-text('Snooze')").click();
  const untilError = card.locator(`#${await until.getAttribute("id")}-error`);
  await untilError.waitFor();
  assert.equal(await untilError.textContent(), "Choose a time in the future.");
  assert.equal(await until.getAttribute("aria-invalid"), "true");
  assert.ok(await card.locator(".menu-panel").isVisible(), "the menu stays open");
  assert.equal(await page.locator(".toast:has-text('highlighted')").count(), 0);
  await screenshot(page, "assistant-snooze-past");
  assert.equal(
    (await pageApi<{ items: { status: string }[] }>(page, "GET", "/cards")).items[0].status,
    "active",
  );

  // My tasks: the row's text sits inside the card, and its facts are spaced.
  await page.goto(`${server.url}/tasks`);
  const row = page.locator(".tasks .list-row").first();
  const inset = await row.evaluate((li) =>
    li.getBoundingClientRect().left - li.closest(".card")!.getBoundingClientRect().left
  );
  assert.ok(inset >= 16, `rows are inset from the card's edge (${inset}px)`);
  assert.match(await row.locator(".muted.small").textContent() ?? "", /^Due .+ · Ken Sato · the email$/);
  await screenshot(page, "tasks");
  assert.deepEqual(errors, []);
  await context.close();
});
