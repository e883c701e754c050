/**
 * A tab's visibility, played in headless Chromium (which shows every page): pages of the context opened
 * at `…#background` start hidden, and `setVisible(page, v)` hides or shows one, firing visibilitychange.
 */
import type { BrowserContext, Page } from "playwright-core";

export async function playVisibility(context: BrowserContext) {
  await context.addInitScript(() => {
    let state = location.hash === "#background" ? "hidden" : "visible";
    Object.defineProperty(Document.prototype, "visibilityState", { get: () => state, configurable: true });
    Object.defineProperty(Document.prototype, "hidden", {
      get: () => state === "hidden",
      configurable: true,
    });
    Object.assign(globalThis, {
      setVisible(visible: boolean) {
        state = visible ? "visible" : "hidden";
        document.dispatchEvent(new Event("visibilitychange"));
      },
    });
  });
}

export const setVisible = (page: Page, visible: boolean) =>
  page.evaluate((v) => (globalThis as unknown as { setVisible(v: boolean): void }).setVisible(v), visible);
