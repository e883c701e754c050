/**
 * End to end: a seller with many Beacon tabs. Browsers open at most six HTTP/1.1 connections to a host
 * and each live stream holds one, so with one stream per tab the seventh tab would never load (a local
 * run, or a host without HTTP/2). Hidden tabs leave the connection to one background tab per browser,
 * which keeps streaming for alerts; the others catch up when shown. The tabs' visibility is played by
 * an init script (headless Chromium shows every page).
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import type { Page } from "playwright-core";
import type { LocalHub } from "../../lib/realtime/local_hub.ts";
import { launchBrowser, newSellerPage, startServer } from "../helpers/browser.ts";
import { playVisibility, setVisible } from "../helpers/visibility.ts";
import {
  draftToNewContact,
  KEN,
  openEmailInOutbox,
  pageApi,
  recipientInbox,
  signUpInBrowser,
  waitForMessageStatus,
  waitForStreams,
} from "../helpers/e2e_flows.ts";

Deno.test("e2e - ten tabs all load; hidden ones leave the live connection to one background tab, and catch up when shown", async () => {
  // A running clock: the open is stamped when it happens, so "just now" holds however long ten tabs take to load.
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await playVisibility(context);
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, { subject: "Tabs", html: "<p>Hi Ken</p>" });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();
  const { team } = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const hub = server.deps.realtime as LocalHub;

  // The seller cmd-clicks the message nine times: nine tabs opening in the background.
  await page.goto(`${server.url}/`);
  const tabs: Page[] = [];
  for (let i = 0; i < 9; i++) {
    const tab = await context.newPage();
    await tab.goto(`${server.url}/messages/${draft.id}#background`, { timeout: 10_000 });
    await tab.waitForSelector("beacon-island[data-island=engagement_panel][data-hydrated]");
    tabs.push(tab);
  }
  // Two streams: the tab in front, and one background tab for the browser.
  await waitForStreams(hub, team.id, 2);
  const [background, ...waiting] = tabs;

  // Ken opens the email: the front tab and the background tab hear it at once; the others don't yet.
  const { context: recipient, inbox } = await recipientInbox(browser, server.url);
  await openEmailInOutbox(inbox, server.url, "Tabs");
  await page.waitForSelector(`tr[data-message="${draft.id}"] >> text=Opened once`);
  await page.waitForSelector(".toast >> text=Ken Sato opened “Tabs”");
  assert.equal(await page.getAttribute(".toast a", "href"), `/messages/${draft.id}`, "'View' leads to it");
  await waitForMessageStatus(background, "Opened once · just now");
  assert.match(await waiting[4].textContent("[data-testid=message-status]") ?? "", /Not opened yet/);
  await recipient.close(); // (its Outbox page had a stream of its own)

  // One of them is shown: it streams again, from where it stopped, and shows the open.
  await setVisible(waiting[4], true);
  await waitForMessageStatus(waiting[4], "Opened once · just now");
  await waitForStreams(hub, team.id, 3);

  // A tenth tab, in front, loads at once.
  const tenth = await context.newPage();
  await tenth.goto(`${server.url}/contacts`, { timeout: 5_000 });
  assert.deepEqual(errors, []);
});
