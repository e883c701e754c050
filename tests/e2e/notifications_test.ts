/**
 * End to end: system notifications for first opens. A seller with browser notifications on gets one only
 * when no Beacon tab has focus: while they work in one Beacon tab, another tab that hears the alert stays
 * quiet (the toast is in front of them); once they are in another app, every tab that hears it raises it
 * under the message's tag, which the system shows once, and clicking it opens the message. Focus is played
 * by an init script (headless Chromium gives every page focus); the notifications and the Web Locks the tabs
 * share are the browser's own (the page's Notification is wrapped to record them).
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import type { LocalHub } from "../../lib/realtime/local_hub.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  KEN,
  openEmailInOutbox,
  pageApi,
  recipientInbox,
  signUpInBrowser,
  waitForStreams,
} from "../helpers/e2e_flows.ts";

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/** Pages opened at `…#away` start without focus; `setFocus(page, f)` moves it. Notifications are recorded. */
async function playFocusAndNotifications(context: BrowserContext, url: string) {
  await context.grantPermissions(["notifications"], { origin: url });
  await context.addInitScript(() => {
    let focused = location.hash !== "#away";
    Document.prototype.hasFocus = () => focused;
    const shown: Notification[] = [];
    Object.assign(globalThis, {
      Notification: class extends Notification {
        constructor(title: string, options: NotificationOptions) {
          super(title, options);
          shown.push(this);
        }
      },
      shown,
      setFocus(next: boolean) {
        focused = next;
        globalThis.dispatchEvent(new Event(next ? "focus" : "blur"));
      },
    });
  });
}

const setFocus = (page: Page, focused: boolean) =>
  page.evaluate((f) => (globalThis as unknown as { setFocus(f: boolean): void }).setFocus(f), focused);
const shownIn = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as { shown: Shown[] }).shown.map(({ title, body, tag }) => ({ title, body, tag }))
  );

Deno.test("e2e - a first open raises a system notification only when no Beacon tab has focus", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page: front, errors } = await newSellerPage(browser);
  await playFocusAndNotifications(context, server.url);
  await signUpInBrowser(front, server.url);
  // The seller turns browser notifications on in their settings.
  await front.goto(`${server.url}/settings/notifications`);
  await front.waitForSelector("beacon-island[data-island=notification_settings][data-hydrated]");
  await front.check("[data-testid=browser-notifications]");
  await front.waitForSelector(".toast >> text=Notification settings saved.");
  await screenshot(front, "settings-notifications");
  assert.equal((await pageApi<{ browser: boolean }>(front, "GET", "/me/notifications")).browser, true);
  await pageApi(front, "POST", "/contacts", KEN);
  const ids: string[] = [];
  for (const subject of ["Pricing", "Contract"]) {
    const draft = await pageApi<{ id: string }>(front, "POST", "/messages", {
      to: [KEN.email],
      subject,
      html: `<p>Hi Ken, about the ${subject.toLowerCase()}.</p>`,
    });
    await pageApi(front, "POST", `/messages/${draft.id}/send`);
    ids.push(draft.id);
  }
  await server.deps.scheduler.drain();
  const { team } = await pageApi<{ team: { id: string } }>(front, "GET", "/me");
  const hub = server.deps.realtime as LocalHub;

  // The seller works in one tab; another Beacon tab is open without focus.
  await front.goto(`${server.url}/`);
  const other = await context.newPage();
  await other.goto(`${server.url}/contacts#away`);
  await waitForStreams(hub, team.id, 2);

  // Ken opens the first email: a toast in both tabs, and no system notification from either.
  const { context: recipient, inbox } = await recipientInbox(browser, server.url);
  await openEmailInOutbox(inbox, server.url, "Pricing");
  await front.waitForSelector(".toast >> text=Ken Sato opened “Pricing”");
  await other.waitForSelector(".toast >> text=Ken Sato opened “Pricing”");

  // The seller goes to another app; Ken opens the second: both tabs raise it, under the message's tag.
  await setFocus(front, false);
  await openEmailInOutbox(inbox, server.url, "Contract");
  const expected = [{ title: "Email opened", body: "Ken Sato opened “Contract”", tag: ids[1] }];
  for (const tab of [other, front]) {
    await tab.waitForFunction(() => (globalThis as unknown as { shown: unknown[] }).shown.length > 0);
    assert.deepEqual(await shownIn(tab), expected, "only the open that came while no Beacon tab had focus");
  }
  await recipient.close();

  // Clicking the notification opens the message.
  await other.evaluate(() =>
    (globalThis as unknown as { shown: Notification[] }).shown[0].dispatchEvent(new Event("click"))
  );
  await other.waitForURL(`${server.url}/messages/${ids[1]}`);
  assert.deepEqual(errors, []);
});

Deno.test("e2e - turning browser notifications on asks the browser; a refusal says so and leaves them off", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await page.goto(`${server.url}/settings/notifications`);
  await page.waitForSelector("beacon-island[data-island=notification_settings][data-hydrated]");
  const checkbox = page.locator("[data-testid=browser-notifications]");
  assert.equal(await checkbox.isEnabled(), true, "a browser that hasn't been asked can be asked");

  // Headless Chromium refuses the permission prompt, as a seller clicking "Block" would.
  await checkbox.click();
  await page.waitForSelector(".toast >> text=The browser did not allow notifications.");
  assert.equal(await checkbox.isChecked(), false);
  assert.equal(await checkbox.isDisabled(), true);
  assert.match(
    await page.textContent("[data-island=notification_settings]") ?? "",
    /blocks notifications from Beacon/,
  );
  assert.equal((await pageApi<{ browser: boolean }>(page, "GET", "/me/notifications")).browser, false);
  await screenshot(page, "settings-notifications-blocked");
  assert.deepEqual(errors, []);
});

Deno.test("e2e - a permission question closed unanswered leaves the box unticked, and it can ask again", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  // The seller closes the browser's question without answering ("default"), as its ✕ or Escape do.
  await context.addInitScript(() => {
    Notification.requestPermission = () => Promise.resolve("default");
  });
  await signUpInBrowser(page, server.url);
  await page.goto(`${server.url}/settings/notifications`);
  await page.waitForSelector("beacon-island[data-island=notification_settings][data-hydrated]");
  const checkbox = page.locator("[data-testid=browser-notifications]");
  await checkbox.click();
  await page.waitForSelector(".toast >> text=Tick the box to be asked again.");
  assert.equal(await checkbox.isChecked(), false, "not shown as on when nothing was saved");
  assert.equal(await checkbox.isEnabled(), true, "the browser may still ask");
  assert.equal((await pageApi<{ browser: boolean }>(page, "GET", "/me/notifications")).browser, false);
  assert.deepEqual(errors, []);
});
