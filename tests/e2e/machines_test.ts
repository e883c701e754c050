/**
 * End to end (issue 9): a message opened only by a simulated Apple Mail Privacy Protection
 * proxy reads "Delivered, opened only by mail privacy proxies" on the seller's page, with the
 * machine's open greyed and its reason at hand — and its "not opened" alarm still fires.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  openMessagePage,
  pageApi,
  signUpInBrowser,
  waitForMessageStatus,
} from "../helpers/e2e_flows.ts";
import { outbox, trackingPaths } from "../helpers/mail.ts";

Deno.test("e2e - a message opened by a simulated Apple proxy shows 'not opened by a person' and its 'not opened' alarm still fires", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context: seller, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");

  const { draft } = await draftToNewContact(page, { ...KEN, email: "ken@icloud.example" }, {
    subject: "Pricing for the pilot",
    html: "<p>Hi Ken,</p><p>Here are the numbers we discussed. Talk soon!</p>",
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await openMessagePage(page, server.url, draft.id);
  await waitForMessageStatus(page, "Not opened yet");
  // An hour to open it, or the seller hears about it.
  const deadline = server.clock.now() + 3600_000;
  await pageApi(page, "POST", `/messages/${draft.id}/alarms`, {
    condition: "not_opened",
    at: deadline,
    comment: "Call Ken if he hasn't looked",
  });

  // Apple Mail Privacy Protection fetches the pixel as the email arrives: a bare "Mozilla/5.0"
  // from Apple's 17.0.0.0/8.
  const [email] = await outbox(server, me.team.id);
  const { pixel } = trackingPaths(email.html);
  assert.ok(pixel, "the followed email carries a pixel");
  const fetched = await server.app.request(`${server.url}${pixel}`, {
    headers: { "user-agent": "Mozilla/5.0" },
  }, { remoteAddr: { hostname: "17.58.101.3", port: 1, transport: "tcp" } });
  assert.equal(fetched.status, 200);
  await fetched.arrayBuffer();

  // The seller's page, live: no person opened it.
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=message-status]")?.textContent ===
      "Delivered, opened only by mail privacy proxies"
  );
  assert.equal(await page.textContent("[data-testid=kpi-opens] .kpi-value"), "0");
  assert.equal(
    await page.textContent("[data-testid=kpi-opens-machines]"),
    "+1 by machines: " +
      "1 open by mail privacy proxies (Apple Mail), which fetch images at delivery — not counted as opens",
  );
  assert.equal(await page.textContent("[data-testid=kpi-last-opened] .kpi-value"), "—");
  const machine = page.locator("[data-testid=history] li[data-verdict=machine]");
  await machine.waitFor();
  assert.match(await machine.getAttribute("class") ?? "", /history-muted/, "greyed");
  assert.equal(
    await machine.getAttribute("title"),
    "Opened by Apple's privacy proxy at delivery — not a person",
    "the reason on hover",
  );
  assert.match(await machine.textContent() ?? "", /Opened by a mail privacy proxy — not counted/);
  // Touch and keyboard users open "why?" to read the reason.
  const why = machine.locator(".why-text");
  assert.equal(await why.isVisible(), false);
  const target = await machine.locator(".why summary").boundingBox();
  assert.ok(
    target && target.height >= 24 && target.width >= 24,
    `a thumb-sized target: ${JSON.stringify(target)}`,
  );
  await machine.locator(".why summary").focus();
  await page.keyboard.press("Enter");
  await why.waitFor({ state: "visible" });
  assert.equal(await why.textContent(), "Opened by Apple's privacy proxy at delivery — not a person");
  await screenshot(page, "message-privacy-proxy");

  // The activity list: zero opens by people, the machine's open greyed beside.
  await page.goto(`${server.url}/`);
  await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
  const row = page.locator(`tr[data-message="${draft.id}"]`);
  assert.equal(
    await row.locator("[data-testid=status]").textContent(),
    "Delivered, opened only by mail privacy proxies",
  );
  assert.match(await row.locator("[data-kpi=opens]").textContent() ?? "", /^0\+1/);
  assert.match(
    await row.locator("[data-testid=machine-opens]").getAttribute("title") ?? "",
    /1 by mail privacy proxies .* not counted as opens/,
  );
  await screenshot(page, "activity-privacy-proxy");

  // The deadline passes with no person's open: the alarm fires, and the card arrives live.
  await page.goto(`${server.url}/assistant`);
  await page.waitForSelector("beacon-island[data-island=assistant_board][data-hydrated]");
  await page.waitForSelector("beacon-island[data-island=bell][data-hydrated]");
  assert.equal(await page.locator("[data-testid=bell-count]").count(), 0);
  server.clock.advance(deadline - server.clock.now() + 1_000);
  await server.deps.scheduler.runDue();
  const card = page.locator("[data-kind=not_opened]");
  await card.waitFor();
  assert.match(await card.textContent() ?? "", /Not opened yet/);
  assert.match(await card.textContent() ?? "", /Ken Sato hasn't opened your email yet/);
  assert.match(await card.textContent() ?? "", /Call Ken if he hasn't looked/);
  await page.waitForFunction(() => document.querySelector("[data-testid=bell-count]")?.textContent === "1");
  await screenshot(page, "assistant-not-opened-proxy");

  // The message page says the same after a reload (nothing was only live), and so does Ken's timeline.
  await page.goto(`${server.url}/messages/${draft.id}`);
  assert.equal(
    await page.textContent("[data-testid=message-status]"),
    "Delivered, opened only by mail privacy proxies",
  );
  await page.click("text=Ken Sato");
  await page.waitForSelector("beacon-island[data-island=message_timeline][data-hydrated]");
  const item = page.locator(`.timeline-item[data-message="${draft.id}"]`);
  assert.match(await item.textContent() ?? "", /Delivered, opened only by mail privacy proxies/);
  assert.match(await item.locator(".history-muted").textContent() ?? "", /Opened by a mail privacy proxy/);
  await screenshot(page, "contact-timeline-proxy");

  // A team that counts privacy-proxy opens sees it as opened, the proxy's open still marked.
  await pageApi(page, "PATCH", "/team/settings", { countProxyOpens: true });
  await page.goto(`${server.url}/messages/${draft.id}`);
  assert.match(await page.textContent("[data-testid=message-status]") ?? "", /^Opened once/);
  assert.equal(await page.textContent("[data-testid=kpi-opens] .kpi-value"), "1");
  assert.match(await page.textContent("[data-testid=kpi-opens-machines]") ?? "", /^incl\. 1 by proxies/);
  assert.match(
    await page.textContent("[data-testid=history]") ?? "",
    /Opened by a mail privacy proxy — counted as an open \(team setting\)/,
  );
  await screenshot(page, "message-privacy-proxy-counted");
  assert.deepEqual(errors, []);
  await seller.close();
});
