/**
 * End to end: toasts stay long enough to be read. A toast's time runs only while the tab is shown and
 * neither the pointer nor the keyboard is on the toasts; errors stay until dismissed. The page's clock is
 * Playwright's, moved by the test; the tab's visibility is played by an init script.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { TOAST_LIFETIME_MS } from "../../islands/toaster.tsx";
import { TOAST_EVENT } from "../../lib/browser/toast.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { PASSWORD, signUpInBrowser } from "../helpers/e2e_flows.ts";
import { playVisibility, setVisible } from "../helpers/visibility.ts";

const raise = (page: Page, kind: string, text: string) =>
  page.evaluate(
    ([event, kind, text]) => dispatchEvent(new CustomEvent(event, { detail: { kind, text } })),
    [TOAST_EVENT, kind, text],
  );
const shown = (page: Page, text: string) => page.locator(".toast", { hasText: text }).count();

Deno.test("e2e - a toast's time runs only while it can be read; errors stay until dismissed", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await playVisibility(context);
  await signUpInBrowser(page, server.url);
  await page.clock.install();
  await page.goto(`${server.url}/contacts`);
  await page.waitForSelector("beacon-island[data-island=toaster][data-hydrated]", { state: "attached" });
  // The toaster listens from its first effect, a frame and a timer after it renders.
  await page.clock.runFor(100);

  // Seen in full, then gone.
  await raise(page, "success", "Saved.");
  await page.clock.runFor(TOAST_LIFETIME_MS - 1000);
  assert.equal(await shown(page, "Saved."), 1);
  await page.clock.runFor(1500);
  assert.equal(await shown(page, "Saved."), 0);

  // The pointer on it holds it.
  await raise(page, "info", "Ken Sato opened “Pricing”");
  await page.hover(".toast");
  await page.clock.runFor(3 * TOAST_LIFETIME_MS);
  assert.equal(await shown(page, "Ken Sato opened"), 1, "held while the pointer is on it");
  await page.mouse.move(5, 5);
  await page.clock.runFor(TOAST_LIFETIME_MS + 500);
  assert.equal(await shown(page, "Ken Sato opened"), 0);

  // So does keyboard focus (on its Dismiss button).
  await raise(page, "info", "Reached by keyboard");
  await page.focus(".toast-close");
  await page.clock.runFor(3 * TOAST_LIFETIME_MS);
  assert.equal(await shown(page, "Reached by keyboard"), 1, "held while focus is on it");
  await page.focus("#search, input[type=search], a[href='/contacts']");
  await page.clock.runFor(TOAST_LIFETIME_MS + 500);
  assert.equal(await shown(page, "Reached by keyboard"), 0);

  // An alert that comes while the tab is hidden waits for the seller to come back.
  await setVisible(page, false);
  await raise(page, "info", "Bea Costa opened “Contract”");
  await page.clock.runFor(10 * 60_000);
  await setVisible(page, true);
  assert.equal(await shown(page, "Bea Costa opened"), 1, "still there when the tab is shown");
  await page.clock.runFor(TOAST_LIFETIME_MS + 500);
  assert.equal(await shown(page, "Bea Costa opened"), 0);

  // Errors stay until dismissed.
  await raise(page, "error", "Could not save the contact.");
  await page.clock.runFor(10 * TOAST_LIFETIME_MS);
  assert.equal(await shown(page, "Could not save"), 1);
  await screenshot(page, "toast-error");
  await page.click(".toast >> [aria-label=Dismiss]");
  assert.equal(await shown(page, "Could not save"), 0);
  assert.deepEqual(errors, []);
});

Deno.test("e2e - an island's call after the session ended offers to sign in and come back, once", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  // The failed calls' 401s are the browser's console errors this test expects.
  const { context, page, errors } = await newSellerPage(browser, { consoleErrorsExcept: /\b401\b/ });
  await signUpInBrowser(page, server.url);
  await page.goto(`${server.url}/settings/notifications`);
  await page.waitForSelector("beacon-island[data-island=notification_settings][data-hydrated]");
  // Signed out in another tab: the session cookie is gone, this page is still open.
  const other = await context.newPage();
  await other.goto(`${server.url}/settings/notifications`);
  await other.evaluate(() => document.querySelector<HTMLFormElement>("form[action='/signout']")!.submit());
  await other.waitForURL(/\/signin/);
  await other.close();

  // Each change the seller tries fails the same way: one toast, with a way back to this page; the choices
  // show what is saved.
  const checked = "input[name=email]:checked";
  assert.equal(await page.getAttribute(checked, "value"), "off");
  await page.click("input[name=email][value=digest]");
  await page.click("input[name=email][value=immediate]");
  const ended = page.locator(".toast", { hasText: "Your session ended. Sign in again to carry on." });
  await ended.waitFor();
  assert.equal(await page.locator(".toast").count(), 1, "the island's own error isn't shown a second time");
  await page.waitForFunction(
    (checked) => document.querySelector(checked)?.getAttribute("value") === "off",
    checked,
  );
  await screenshot(page, "toast-session-ended");
  await ended.getByRole("link", { name: "Sign in" }).click();
  await page.fill("#f-email", "ana@acme.example");
  await page.fill("#f-password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(`${server.url}/settings/notifications`);
  assert.deepEqual(errors, []);
});
