/**
 * Steps several browser tests share: signing up and in through the UI, calling the API as the page would,
 * writing an email to a new contact, watching its message page, opening it as the recipient in the Outbox, and
 * counting the live streams a team's pages hold.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import type { LocalHub } from "../../lib/realtime/local_hub.ts";

/** The password every account signed up through the UI gets. */
export const PASSWORD = "correct horse battery";

export async function signUpInBrowser(
  page: Page,
  url: string,
  who = { name: "Ana Lima", email: "ana@acme.example" },
) {
  await page.goto(`${url}/signup`);
  await page.fill("#f-teamName", "Acme Sales");
  await page.fill("#f-name", who.name);
  await page.fill("#f-email", who.email);
  await page.fill("#f-password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(`${url}/`);
}

/** Signs in through the sign-in page (as the seller signed up by signUpInBrowser, unless told). */
export async function signInInBrowser(page: Page, url: string, email = "ana@acme.example") {
  await page.goto(`${url}/signin`);
  await page.fill("#f-email", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("button[type=submit]");
}

/** Calls the JSON API with the page's cookies and CSRF token, like an island does. */
export async function pageApi<T = Record<string, unknown>>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return await page.evaluate(async ({ method, path, body }) => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
    const response = await fetch(`/api${path}`, {
      method,
      headers: { "content-type": "application/json", "x-csrf-token": token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }, { method, path, body }) as T;
}

/** Ken Sato at Globex, in Tokyo: the contact the seller writes to in several browser tests. */
export const KEN = {
  firstName: "Ken",
  lastName: "Sato",
  email: "ken@globex.example",
  timeZone: "Asia/Tokyo",
};

/** Adds a contact and writes a draft to them through the API (not sent: the test sends it). */
export async function draftToNewContact(
  page: Page,
  contact: typeof KEN,
  email: { subject: string; html: string },
): Promise<{ contact: { id: string }; draft: { id: string } }> {
  const added = await pageApi<{ id: string }>(page, "POST", "/contacts", contact);
  const draft = await pageApi<{ id: string }>(page, "POST", "/messages", { to: [contact.email], ...email });
  return { contact: added, draft };
}

/** Opens a message's page and waits for its live engagement panel. */
export async function openMessagePage(page: Page, url: string, messageId: string) {
  await page.goto(`${url}/messages/${messageId}`);
  await page.waitForSelector("beacon-island[data-island=engagement_panel][data-hydrated]");
}

/** Waits until the message page's status reads exactly `status`. */
export async function waitForMessageStatus(page: Page, status: string) {
  await page.waitForFunction(
    (status) => document.querySelector("[data-testid=message-status]")?.textContent === status,
    status,
  ).catch(async (error) => {
    const shown = await page.textContent("[data-testid=message-status]").catch(() => null);
    const stored = await page.evaluate(() =>
      fetch(`/api${location.pathname}`).then((r) => r.json()).then((m) => `${m.status}: ${m.statusText}`)
    ).catch(() => null);
    throw new Error(
      `the message status never read "${status}" (the page reads ${JSON.stringify(shown)}; the API ${
        JSON.stringify(stored)
      })`,
      { cause: error },
    );
  });
}

/**
 * The recipient's side: a second browser context (its own cookies) whose page is signed in, since the
 * Outbox needs a signed-in user: it signs in as the seller would to show it. `standIn` answers for a
 * link's destination on the internet, which this machine can't reach.
 */
export async function recipientInbox(
  browser: Browser,
  url: string,
  { timeout, standIn, ...contextOptions }: BrowserContextOptions & {
    timeout?: number;
    standIn?: { url: string; html: string };
  } = {},
): Promise<{ context: BrowserContext; inbox: Page }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...contextOptions });
  if (timeout !== undefined) context.setDefaultTimeout(timeout);
  if (standIn) {
    await context.route(
      standIn.url,
      (route) => route.fulfill({ contentType: "text/html", body: standIn.html }),
    );
  }
  const inbox = await context.newPage();
  await signInInBrowser(inbox, url);
  return { context, inbox };
}

/** Opens an email in the Outbox by its subject (its body shows in iframe.email-frame). */
export async function openEmailInOutbox(inbox: Page, url: string, subject: string) {
  await inbox.goto(`${url}/outbox`);
  await inbox.click(`text=${subject}`);
}

/** Waits (up to 5 s) until the team's pages hold `count` live streams on the embedded hub, then checks it. */
export async function waitForStreams(hub: LocalHub, teamId: string, count: number) {
  for (let i = 0; i < 100 && hub.listenerCount(teamId) !== count; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(hub.listenerCount(teamId), count);
}

/** Opens a new draft in the composer, ready for typing. */
export async function openComposer(page: Page, url: string) {
  await page.goto(`${url}/compose`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
}

/** Types `typed` in a recipient field (`#composer-to`…) and picks the contact `name` from its suggestions. */
export async function pickContact(page: Page, field: string, typed: string, name: string) {
  await page.fill(field, typed);
  await page.waitForSelector(`${field}-list [role=option]:has-text("${name}")`);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`[data-testid=chip]:has-text("${name}")`);
}

/**
 * The words of the elements' text that break across two lines ("Regardin / g"); a line may end after a hyphen
 * ("Vanderbilt- / Oppenheimer").
 */
export function wordsSplitAcrossLines(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements) =>
    elements.flatMap((element) => {
      const text = element.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) return [];
      return [...text.textContent!.matchAll(/[^\s-]+/g)].filter((word) => {
        const range = document.createRange();
        range.setStart(text, word.index!);
        range.setEnd(text, word.index! + word[0].length);
        return range.getClientRects().length > 1;
      }).map((word) => word[0]);
    })
  );
}

/**
 * Selects the last `text.length` characters before the cursor in the rich-text editor inside `host`, with
 * Shift+ArrowLeft, and waits until the editor's own state has that selection. The editor learns of a selection
 * made by keys from the browser's selectionchange event, a moment after the key; a person is never faster than
 * that, a script can be, and Mod-K pressed in between would act on the old selection.
 */
export async function selectBackInEditor(page: Page, host: string, text: string) {
  for (let i = 0; i < text.length; i++) await page.keyboard.press("Shift+ArrowLeft");
  await page.waitForFunction(([host, text]) => {
    type Tiptap = {
      state: { selection: { from: number; to: number }; doc: { textBetween(a: number, b: number): string } };
    };
    const dom = document.querySelector(`${host} .ProseMirror`) as (Element & { editor?: Tiptap }) | null;
    const state = dom?.editor?.state;
    return state?.doc.textBetween(state.selection.from, state.selection.to) === text;
  }, [host, text]);
}
