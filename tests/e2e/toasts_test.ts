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
import { signUpInBrowser } from "../helpers/e2e_flows.ts";
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
