/**
 * End to end: what admins see and do about contacts' data and the team's tracking — a bounced
 * contact's badge, "Export data", "Erase contact" with its confirmation, the team settings for
 * privacy-proxy opens, the tracking notice and retention, and "Unmatched replies" in the
 * navigation with its count. Members see none of it.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { patchContact } from "../../lib/contacts/contacts.ts";
import { plainReply } from "../../lib/inbound/fixtures/mime.ts";
import { accountKeys } from "../../lib/accounts/keys.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { KEN, pageApi, signUpInBrowser } from "../helpers/e2e_flows.ts";

Deno.test("e2e - admins export and erase a contact, set tracking and retention, and see unmatched replies", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context: seller, page, errors } = await newSellerPage(browser, { acceptDownloads: true });
  await signUpInBrowser(page, server.url);
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");

  const ken = await pageApi<{ id: string }>(page, "POST", "/contacts", KEN);
  await pageApi(page, "POST", "/contacts", {
    firstName: "Lee",
    lastName: "Park",
    email: "lee@globex.example",
  });
  for (const to of [["ken@globex.example"], ["ken@globex.example", "lee@globex.example"]]) {
    const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
      to,
      subject: to.length === 1 ? "Just for Ken" : "For Ken and Lee",
      html: "<p>Hello!</p>",
    });
    await pageApi(page, "POST", `/messages/${draft.id}/send`);
  }
  // A delivery report said Ken's mailbox does not exist.
  await patchContact(server.kv, me.team.id, ken.id, () => ({
    deliveryIssue: { kind: "bounced", at: server.clock.now() - 86_400_000, reason: "mailbox does not exist" },
  }), server.clock.now());

  // Mail nobody can place: it waits for an admin, counted in the navigation.
  const { secret } = await pageApi<{ secret: string }>(page, "POST", "/tokens", { name: "MTA pipe" });
  const raw = await plainReply(
    {
      rfcMessageId: "<nope@elsewhere.example>",
      subject: "Something else",
      seller: { name: "Ana", address: "ana@acme.example" },
      sentAt: new Date(),
    },
    "Is this about the proposal?",
    { from: "Bea Costa <bea@initech.example>", inReplyTo: null, references: null },
  );
  const inbound = await server.app.request(`${server.url}/api/inbound`, {
    method: "POST",
    body: raw as BodyInit,
    headers: { authorization: `Bearer ${secret}`, "content-type": "message/rfc822" },
  });
  assert.equal((await inbound.json()).status, "unmatched");

  await page.goto(`${server.url}/contacts`);
  assert.match(
    await page.textContent("nav.sidenav a[href='/inbound']") ?? "",
    /Unmatched replies1: 1 waiting to be attached/,
  );
  assert.match(
    await page.textContent("[data-testid=delivery-issue]") ?? "",
    /^Email bounced — mailbox does not exist, \d+ \w{3}( \d{4})?$/,
  );
  await screenshot(page, "contacts-bounced");

  // The contact's page: the bounce, and for admins their data rights.
  await page.click("text=Ken Sato");
  await page.waitForURL(`${server.url}/contacts/${ken.id}`);
  assert.match(await page.textContent(".details") ?? "", /Email bounced — mailbox does not exist/);
  assert.match(await page.textContent(".data-rights") ?? "", /Export data.*Erase contact/s);
  await screenshot(page, "contact-data-rights");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("[data-testid=export-contact]"),
  ]);
  assert.equal(download.suggestedFilename(), `beacon-contact-${ken.id}.json`);
  const exported = JSON.parse(await Deno.readTextFile((await download.path())!));
  assert.equal(exported.contact.email, "ken@globex.example");
  assert.equal(exported.messages.length, 2);

  // Erasing asks first, saying what goes.
  await page.click("text=Erase contact…");
  await page.waitForURL(`${server.url}/contacts/${ken.id}/erase`);
  const confirm = await page.textContent(".erase-confirm") ?? "";
  assert.match(confirm, /1 email sent only to Ken Sato/);
  assert.match(confirm, /From 1 email that also went to others/);
  await screenshot(page, "contact-erase-confirm");
  // Without the box ticked (and the browser's check bypassed), nothing is erased.
  await page.evaluate(() => document.querySelector("form.erase-confirm")?.setAttribute("novalidate", ""));
  await page.click("button:has-text('Erase Ken Sato')");
  assert.match(await page.textContent(".alert-error") ?? "", /Tick the box to confirm/);
  assert.equal((await pageApi<{ items: unknown[] }>(page, "GET", "/contacts")).items.length, 2);
  await page.check("input[name=confirm]");
  await page.click("button:has-text('Erase Ken Sato')");
  await page.waitForURL(`${server.url}/contacts`);
  assert.match(
    await page.textContent(".toasts") ?? "",
    /Ken Sato was erased: 1 email deleted, 1 email kept with Ken Sato redacted/,
  );
  assert.doesNotMatch(await page.textContent("table") ?? "", /Ken Sato/);
  await screenshot(page, "contacts-erased");

  // Team settings: privacy-proxy opens, the tracking notice, retention.
  await page.goto(`${server.url}/team`);
  assert.match(await page.textContent("[data-testid=unmatched-link]") ?? "", /Unmatched replies\s*1/);
  await page.check("input[name=countProxyOpens]");
  await page.check("input[name=trackingNotice]");
  await page.fill("#f-retentionDays", "10");
  await page.click("button:has-text('Save settings')");
  assert.match(await page.textContent(".field.has-error") ?? "", /at least 30 days/);
  assert.ok(await page.isChecked("input[name=countProxyOpens]"), "what was typed is kept");
  await screenshot(page, "team-settings-error");
  await page.fill("#f-retentionDays", "90");
  await page.click("button:has-text('Save settings')");
  await page.waitForSelector(".toast:has-text('Team settings saved')");
  const settings = await pageApi<Record<string, unknown>>(page, "GET", "/team/settings");
  assert.equal(settings.countProxyOpens, true);
  assert.equal(settings.trackingNotice, true);
  assert.equal(settings.retentionDays, 90);
  const team = (await server.kv.get<{ retentionJob?: { id: string } | null }>(
    accountKeys.teamProfile(me.team.id),
  )).value;
  assert.ok(team?.retentionJob, "the nightly retention sweep is scheduled");
  assert.equal(await page.inputValue("#f-retentionDays"), "90");
  await screenshot(page, "team-settings");
  await page.fill("#f-retentionDays", "");
  await page.click("button:has-text('Save settings')");
  await page.waitForSelector(".toast:has-text('Team settings saved')");
  assert.equal((await pageApi<Record<string, unknown>>(page, "GET", "/team/settings")).retentionDays, null);

  // The unmatched list itself.
  await page.click("nav.sidenav >> text=Unmatched replies");
  await page.waitForURL(`${server.url}/inbound`);
  assert.match(await page.textContent(".inbound-row") ?? "", /Bea Costa.*Something else/s);
  await screenshot(page, "inbound-unmatched");
  // Dismissed from the keyboard: off the list; the message leads to its page, which can put it back.
  await page.getByRole("button", { name: "Dismiss", exact: true }).focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("text=Nothing unmatched");
  await page.click(".toast >> text=Open it");
  await page.waitForSelector("text=Put back on the list");
  await screenshot(page, "inbound-dismissed");
  await page.click("text=Put back on the list");
  await page.waitForSelector(".inbound-row");

  // A member sees none of it.
  await page.goto(`${server.url}/team`);
  await page.fill("#f-email", "joe@acme.example");
  await page.click("text=Send invite");
  const link = (await page.textContent("[data-testid=invite-link]"))!.trim();
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const joe = await other.newPage();
  await joe.goto(link);
  await joe.fill("#f-name", "Joe Member");
  await joe.fill("#f-password", "another good password");
  await joe.click("button[type=submit]");
  await joe.waitForURL(`${server.url}/`);
  assert.equal(await joe.locator("nav.sidenav a[href='/inbound']").count(), 0);
  const lee = (await pageApi<{ items: { id: string }[] }>(page, "GET", "/contacts")).items[0];
  await joe.goto(`${server.url}/contacts/${lee.id}`);
  assert.equal(await joe.locator(".data-rights").count(), 0);
  assert.equal((await joe.goto(`${server.url}/contacts/${lee.id}/erase`))?.status(), 403);
  await joe.goto(`${server.url}/team`);
  assert.equal(await joe.locator("input[name=countProxyOpens]").count(), 0);
  assert.equal(await joe.locator("[data-testid=unmatched-link]").count(), 0);
  assert.deepEqual(errors, []);
  await other.close();
  await seller.close();
});
