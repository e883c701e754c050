/**
 * End to end, from the keyboard alone: after each action the focus is somewhere that makes sense — in the form
 * that opened, back on the button that opened it, on the control that replaced the one pressed — never lost
 * to the page's top, where the next Tab would start again from the header.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { ManualClock } from "../../lib/clock/clock.ts";
import { ResendMailer } from "../../lib/mail/resend.ts";
import {
  launchBrowser,
  type LiveServer,
  newSellerPage,
  screenshot,
  startServer,
} from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  openComposer,
  openMessagePage,
  pageApi,
  pickContact,
  signUpInBrowser,
} from "../helpers/e2e_flows.ts";
import { startResendStandIn } from "../standins/resend_standin.ts";

/** What has the keyboard focus: its tag and its label, id or text, e.g. `button "Add alarm"`. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const name = el.getAttribute("aria-label") ?? (el.id ? `#${el.id}` : el.textContent?.trim().slice(0, 40));
    return `${el.tagName.toLowerCase()} "${name}"`;
  });
}

/** Waits (up to 2 s: islands move the focus after they render) for the focus to be on `expected`. */
async function assertFocus(page: Page, expected: string) {
  let now = "";
  for (let i = 0; i < 40 && (now = await focused(page)) !== expected; i++) await page.waitForTimeout(50);
  assert.equal(now, expected);
}

/** Signs up, sets a reminder on a draft to Ken for each subject, lets them go off, and opens the assistant. */
async function assistantWithReminders(server: LiveServer, page: Page, subjects: string[]) {
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", KEN);
  const at = server.clock.now() + 60_000;
  for (const subject of subjects) {
    const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
      to: [KEN.email],
      subject,
      html: "",
    });
    await pageApi(page, "POST", `/messages/${draft.id}/alarms`, {
      condition: "reminder",
      at,
      comment: subject,
    });
  }
  server.clock.advance(61_000);
  await server.deps.scheduler.runDue();
  await page.goto(`${server.url}/assistant`);
  await page.waitForSelector("beacon-island[data-island=assistant_board][data-hydrated]");
  assert.equal(await page.locator(".action-card").count(), subjects.length);
}

Deno.test("e2e - keyboard: the alarm form takes the focus when it opens and gives it back when it closes", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, { subject: "Pricing", html: "<p>Hi Ken</p>" });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await openMessagePage(page, server.url, draft.id);
  const add = page.locator("[data-testid=alarm-editor] button:has-text('Add alarm')");

  // Open with Enter: the first field has the focus. Escape closes, back on "Add alarm".
  await add.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("form.alarm-form");
  await assertFocus(page, 'select "#alarm-condition"');
  await page.keyboard.press("Escape");
  await page.waitForSelector("form.alarm-form", { state: "detached" });
  await assertFocus(page, 'button "Add alarm"');

  // A time refused: the form says why, and the focus stays on the button pressed (busy, not disabled, while it
  // saved: a disabled button drops the focus to the top of the page). Escape, and it is on "Add alarm".
  await page.keyboard.press("Enter");
  await page.fill("#alarm-at", "2020-01-06T09:00");
  await page.focus("form.alarm-form button[type=submit]");
  await page.keyboard.press("Enter");
  await page.waitForSelector("form.alarm-form .has-error");
  await assertFocus(page, 'button "Add alarm"');
  // The field says it is wrong, and why, to a screen reader that goes to it.
  assert.equal(await page.getAttribute("#alarm-at", "aria-invalid"), "true");
  const why = await page.getAttribute("#alarm-at", "aria-describedby");
  assert.equal(await page.textContent(`#${why}`), "Choose a time in the future.");
  await page.keyboard.press("Escape");
  await page.waitForSelector("form.alarm-form", { state: "detached" });
  await assertFocus(page, 'button "Add alarm"');

  // Add one from the keyboard: after saving, the focus is on "Add alarm" again.
  await page.keyboard.press("Enter");
  await assertFocus(page, 'select "#alarm-condition"');
  await page.focus("#alarm-comment");
  await page.keyboard.type("Call Ken");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=alarms] li");
  await assertFocus(page, 'button "Add alarm"');

  // Edit, then Cancel: back on that alarm's Edit.
  await page.focus("[data-testid=alarms] button:has-text('Edit')");
  await page.keyboard.press("Enter");
  await assertFocus(page, 'select "#alarm-condition"');
  await screenshot(page, "alarm-form-keyboard");
  await page.focus("form.alarm-form button:has-text('Cancel')");
  await page.keyboard.press("Enter");
  await assertFocus(page, 'button "Edit"');

  // Remove: the row goes, and the focus lands on "Add alarm".
  await page.focus("[data-testid=alarms] button:has-text('Remove')");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=alarms] li", { state: "detached" });
  await assertFocus(page, 'button "Add alarm"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: 'Don't follow' and 'Follow' in the composer keep the focus while saving; 'Send later' gets it back", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", KEN);
  await openComposer(page, server.url);
  await pickContact(page, "#composer-to", "Ken", "Ken Sato");

  const followText = (text: string) =>
    page.waitForFunction(
      (text) => document.querySelector("[data-testid=follow-text]")?.textContent?.startsWith(text),
      text,
    );
  // Saved: the button is no longer marked busy.
  const saved = () => page.waitForSelector("[data-testid=follow] button:not([aria-disabled])");
  await page.focus('[data-testid=follow] button:has-text("Don\'t follow")');
  await page.keyboard.press("Enter");
  await followText("Not following");
  await saved();
  await assertFocus(page, 'button "Follow"');
  // So Enter again changes it back, without hunting for the button.
  await page.keyboard.press("Enter");
  await followText("Following");
  await saved();
  await assertFocus(page, 'button "Don\'t follow"');

  // The send-later panel takes the focus, and gives it back to "Send later" when it closes.
  await page.focus(".composer-later");
  await page.keyboard.press("Enter");
  await assertFocus(page, 'input "#schedule-at"');
  await page.keyboard.press("Escape");
  await page.waitForSelector("[data-testid=schedule-panel]", { state: "detached" });
  await assertFocus(page, 'button "Send later"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: dismissing a card moves the focus to the next card, then to 'You're all caught up'", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await assistantWithReminders(server, page, ["Pilot", "Pricing"]);

  await page.focus(".action-card >> nth=0 >> button:has-text('Dismiss')");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll(".action-card").length === 1);
  await assertFocus(page, `a "${await page.textContent(".action-card a")}"`);
  await page.focus(".action-card button:has-text('Dismiss')");
  await page.keyboard.press("Enter");
  await page.waitForSelector("text=You're all caught up");
  await assertFocus(page, `div "You're all caught upCards appear here wh"`);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: snoozing a card moves the focus to the card now in its place, or keeps it on Snooze when it stays", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await assistantWithReminders(server, page, ["Pilot", "Pricing"]);
  const snoozeFirstActive = async (choice: string) => {
    const card = page.locator(".action-card:not(.is-snoozed)").first();
    await card.locator("summary:has-text('Snooze')").focus();
    await page.keyboard.press("Enter");
    await card.locator(`.menu-panel button:has-text('${choice}')`).focus();
    await page.keyboard.press("Enter");
  };
  const subjectAt = (n: number) => page.textContent(`.action-card >> nth=${n} >> .action-card-sub a`);
  const [first, second] = [await subjectAt(0), await subjectAt(1)];
  await snoozeFirstActive("Tomorrow 09:00");
  // The snoozed card goes below the active one; the focus is on the card that took its place.
  await page.waitForFunction(() => document.querySelector(".action-card:last-child.is-snoozed"));
  assert.deepEqual([await subjectAt(0), await subjectAt(1)], [second, first]);
  await assertFocus(page, `a "${second}"`);
  // The last active card, snoozed for an hour, comes back before the other: it stays first, and the focus goes
  // back to its Snooze button.
  await snoozeFirstActive("1 hour");
  await page.waitForFunction(() => document.querySelectorAll(".action-card.is-snoozed").length === 2);
  assert.deepEqual([await subjectAt(0), await subjectAt(1)], [second, first]);
  await assertFocus(page, 'summary "Snooze"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: 'Plan a call' puts the focus in its form; Escape or adding the call brings it back", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await assistantWithReminders(server, page, ["Pilot"]);

  await page.focus(".action-card button:has-text('Plan a call')");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".card-form");
  await assertFocus(page, `input "#${await page.getAttribute(".card-form input", "id")}"`);
  await page.keyboard.press("Escape");
  await page.waitForSelector(".card-form", { state: "detached" });
  await assertFocus(page, 'button "Plan a call"');

  await page.keyboard.press("Enter");
  await page.waitForSelector(".card-form");
  await page.keyboard.press("Enter"); // Adds the call with the subject and time the form offers.
  await page.waitForSelector(".toast:has-text('Call added to your tasks')");
  await page.waitForSelector(".card-form", { state: "detached" });
  await assertFocus(page, 'button "Plan a call"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: 'Retry sending' keeps the focus while it works, then leaves it on the email's subject", async () => {
  await using resend = startResendStandIn();
  // Cron-only wake-ups: an email goes out when the test runs the due work.
  await using server = await startServer({
    clock: new ManualClock(Date.now(), true),
    scheduler: { wakeups: ["cron"] },
    mailer: () => new ResendMailer({ apiKey: resend.apiKey, baseUrl: resend.url }),
  });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, { subject: "Pricing", html: "<p>Hi Ken</p>" });
  resend.failNext(422, 1, {}, { body: { name: "validation_error", message: "The address is refused." } });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.runDue();
  await openMessagePage(page, server.url, draft.id);
  await page.waitForSelector("[data-testid=retry-send]");

  // While the retry is asked for, the button says it is busy and keeps the focus; once the email is on its way
  // the buttons go, and the focus is on the subject, not at the top of the page.
  const asked = Promise.withResolvers<void>();
  await page.route("**/api/messages/*/retry", async (route) => {
    await asked.promise;
    await route.continue();
  });
  await page.focus("[data-testid=retry-send]");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=retry-send][aria-disabled=true]");
  await assertFocus(page, 'button "Sending…"');
  asked.resolve();
  await page.waitForSelector("[data-testid=retry-send]", { state: "detached" });
  await assertFocus(page, 'h1 "Pricing"');
  await screenshot(page, "message-retried-keyboard");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: cancelling a scheduled send asks on 'Keep', and the focus stays in the list or card", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const at = server.clock.now() + 2 * 86_400_000;
  const { draft: first } = await draftToNewContact(page, KEN, { subject: "Pilot", html: "<p>Hi Ken</p>" });
  const second = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: [KEN.email],
    subject: "Pricing",
    html: "<p>Hi Ken</p>",
  });
  for (const { id } of [first, second]) await pageApi(page, "POST", `/messages/${id}/schedule`, { at });

  // Activity: "Cancel" asks, with the focus on "Keep" (the answer that changes nothing), and back.
  await page.goto(`${server.url}/?scope=mine`);
  await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
  const row = `tr[data-message="${first.id}"]`;
  await page.focus(`${row} button:has-text('Cancel')`);
  await page.keyboard.press("Enter");
  await assertFocus(page, 'button "Keep"');
  await page.keyboard.press("Enter");
  await assertFocus(page, 'button "Cancel"');
  // Cancelled: the row goes, and the focus is on the email now in its place.
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  await assertFocus(page, 'button "Yes, cancel"');
  await page.keyboard.press("Enter");
  await page.waitForSelector(row, { state: "detached" });
  await assertFocus(page, 'a "Pricing"');

  // The message page's card: the picker gives the focus back to "Change time", the question to its button.
  await openMessagePage(page, server.url, second.id);
  await page.waitForSelector("beacon-island[data-island=scheduled_send][data-hydrated]");
  await page.focus("button:has-text('Change time')");
  await page.keyboard.press("Enter");
  await assertFocus(page, 'input "#schedule-at"');
  await page.keyboard.press("Escape");
  await page.waitForSelector("[data-testid=schedule-panel]", { state: "detached" });
  await assertFocus(page, 'button "Change time"');
  await page.focus("button:has-text('Cancel scheduled send')");
  await page.keyboard.press("Enter");
  await assertFocus(page, 'button "Keep it scheduled"');
  await screenshot(page, "scheduled-cancel-keyboard");
  await page.keyboard.press("Enter");
  await assertFocus(page, 'button "Cancel scheduled send"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: a template save the server refuses keeps the focus on 'Save changes'", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { consoleErrorsExcept: /409/ });
  await signUpInBrowser(page, server.url);
  const template = await pageApi<{ id: string }>(page, "POST", "/templates", {
    name: "Intro",
    category: "Intro",
    subject: "Hello {{contact.first_name}}",
    html: "<p>Hi {{contact.first_name}}</p>",
  });
  await page.goto(`${server.url}/templates/${template.id}/edit`);
  await page.waitForSelector("[data-testid=template-editor][data-ready=true]");
  // Meanwhile a teammate saves a new version: this page's save is refused (409), and says so.
  await pageApi(page, "PATCH", `/templates/${template.id}`, {
    subject: "Hello again {{contact.first_name}}",
  });
  await page.fill("#template-subject", "Hi {{contact.first_name}}");
  await page.focus("#template-form button[type=submit]");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#template-form [role=alert]");
  await assertFocus(page, 'button "Save changes"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: a template's 'Use' that fails keeps the focus", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/templates", {
    name: "Intro",
    category: "Intro",
    subject: "Hello",
    html: "<p>Hi</p>",
  });
  await page.goto(`${server.url}/templates/pick`);
  await page.waitForSelector("[data-testid=template-picker][data-ready=true]");
  await page.route("**/api/templates/*/render", (route) => route.abort());
  await page.focus('button[aria-label="Use Intro"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector(".toast-error:has-text('fill in “Intro”')");
  await assertFocus(page, 'button "Use Intro"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: after 'Mark done' the focus is on the next task to do, or on the list when none is left", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const day = 86_400_000;
  for (const [subject, days] of [["Call Ken", 1], ["Call Bea", 2], ["Call Dan", 3]] as const) {
    await pageApi(page, "POST", "/tasks", { subject, dueAt: server.clock.now() + days * day });
  }
  await page.goto(`${server.url}/tasks`);
  const button = (subject: string) => `.tasks li:has-text('${subject}') button`;
  const describedBy = () => page.evaluate(() => document.activeElement?.getAttribute("aria-describedby"));
  const subjectOf = async () => await page.textContent(`#${await describedBy()}`);

  /** Presses Enter on the focused button; the page comes back (a form's answer) saying `toast`. */
  const pressAndReload = async (toast: string) => {
    // The page before had a toast too: wait for the new page, not for the old one's toast.
    const loaded = page.waitForEvent("load");
    await page.keyboard.press("Enter");
    await loaded;
    await page.waitForSelector(`.toast:has-text('${toast}')`);
  };

  // Done in the middle of the list: the page comes back with the focus on the next one, Dan's.
  await page.focus(button("Call Bea"));
  await pressAndReload("Task done.");
  await assertFocus(page, 'button "Mark done"');
  assert.equal(await subjectOf(), "Call Dan", "the task below it");
  // Nothing to do below it: the nearest one above, Ken's. Then none is left: the list.
  await pressAndReload("Task done.");
  await assertFocus(page, 'button "Mark done"');
  assert.equal(await subjectOf(), "Call Ken", "the task above it");
  await pressAndReload("Task done.");
  await assertFocus(page, 'section "Tasks"');
  await screenshot(page, "tasks-done-keyboard");
  // Reopened: its own "Mark done" has the focus.
  await page.focus(button("Call Bea"));
  await pressAndReload("Task reopened.");
  await assertFocus(page, 'button "Mark done"');
  assert.equal(await subjectOf(), "Call Bea");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: removing a file in the composer moves the focus to the next file, then to 'Attach files'", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await openComposer(page, server.url);
  const file = (name: string) => ({ name, mimeType: "text/plain", buffer: Buffer.from(name) });
  await page.setInputFiles("#composer-files", [file("Pricing.txt"), file("Terms.txt")]);
  await page.waitForFunction(() =>
    [...document.querySelectorAll("[data-testid=file]")].filter((f) =>
      f.getAttribute("data-state") === "done"
    )
      .length === 2
  );

  await page.focus('button[aria-label="Remove Pricing.txt"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=file]:has-text('Pricing.txt')", { state: "detached" });
  await assertFocus(page, 'a "Terms.txt"');
  await page.focus('button[aria-label="Remove Terms.txt"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=file]", { state: "detached" });
  await assertFocus(page, 'button "Attach files"');
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: tabbing back up a long list never hides the focused row under the sticky header", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: { width: 1366, height: 768 } });
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", KEN);
  for (let i = 1; i <= 20; i++) {
    const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
      to: [KEN.email],
      subject: `Follow-up ${i}`,
      html: "<p>Hi</p>",
    });
    await pageApi(page, "POST", `/messages/${draft.id}/send`);
  }
  await server.deps.scheduler.drain();
  /** Rows whose link, focused, sits under something else: the header bar, or on a phone the navigation too. */
  const hiddenWhileTabbingUp = async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
    await page.locator("a.row-link").last().focus();
    const hidden: string[] = [];
    for (let i = 0; i < 19; i++) {
      await page.keyboard.press("Shift+Tab");
      const under = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const box = el.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + 4, box.top + box.height / 2);
        return top && !el.contains(top) ? `${el.textContent} under ${top.className}` : null;
      });
      if (under) hidden.push(under);
    }
    return hidden;
  };
  assert.deepEqual(await hiddenWhileTabbingUp(), [], "on a laptop");
  await page.setViewportSize({ width: 390, height: 844 });
  assert.deepEqual(await hiddenWhileTabbingUp(), [], "on a phone");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - keyboard: a form the server sends back with an error has the focus on that field, in view", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, {
    viewport: { width: 390, height: 844 },
    consoleErrorsExcept: /(409 \(Conflict\))/,
  });
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", KEN);
  // Ken's address again: First name (the form's autofocus) is fine, Email is not.
  await page.goto(`${server.url}/contacts/new`);
  await page.fill("#f-firstName", "Kenji");
  await page.fill("#f-email", KEN.email);
  await Promise.all([page.waitForEvent("load"), page.click("button:has-text('Create contact')")]);
  await assertFocus(page, `input "#f-email"`);
  // The Team page's invite form is far down a phone's screen: its refused address (Ana's own) is scrolled to.
  await page.goto(`${server.url}/team`);
  await page.fill("#f-email", "ana@acme.example");
  await Promise.all([page.waitForEvent("load"), page.click("button:has-text('Send invite')")]);
  await assertFocus(page, `input "#f-email"`);
  const box = (await page.locator("#f-email").boundingBox())!;
  assert.ok(box.y > 0 && box.y + box.height < 844, `the field is on the screen (y ${box.y})`);
  await screenshot(page, "team-invite-error-phone");
  assert.deepEqual(errors, []);
  await context.close();
});
