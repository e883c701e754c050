/**
 * End to end in headless Chromium: sign up, invite a teammate who joins through
 * the link, create a company and a contact, and check what the pages show.
 * Screenshots of each page (desktop and phone) go to tests/screenshots/.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { launchBrowser, screenshot, startServer, trackScripts } from "../helpers/browser.ts";
import { pageApi } from "../helpers/e2e_flows.ts";

Deno.test("e2e - a team signs up, invites a teammate, and adds a company and a contact", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();

  const admin = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    timezoneId: "Europe/Lisbon",
  });
  admin.setDefaultTimeout(10_000);
  const page = await admin.newPage();
  const scripts = trackScripts(page);
  page.on("pageerror", (error) => {
    throw error;
  });

  await page.goto(`${server.url}/signup`);
  await screenshot(page, "signup");
  await page.fill("#f-teamName", "Acme Sales");
  await page.fill("#f-name", "Ana Lima");
  await page.fill("#f-email", "ana@acme.example");
  await page.fill("#f-password", "correct horse battery");
  await page.click("button[type=submit]");
  await page.waitForURL(`${server.url}/`);
  assert.match(await page.textContent(".toasts") ?? "", /Welcome to Beacon, Ana Lima/);
  await screenshot(page, "home");

  // The time zone came from the browser, not a default.
  const me = await (await page.request.get(`${server.url}/api/me`)).json();
  assert.equal(me.user.timeZone, "Europe/Lisbon");

  // Invite a teammate.
  await page.click("nav >> text=Team");
  await page.fill("#f-email", "ken@acme.example");
  await page.click("text=Send invite");
  const link = (await page.textContent("[data-testid=invite-link]"))!.trim();
  assert.match(link, /\/invite\/[\w-]{43}$/);
  await admin.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  await page.click("text=Copy link");
  await page.waitForSelector("button:has-text('Copied')");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await screenshot(page, "team");

  const other = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    timezoneId: "Asia/Tokyo",
  });
  const ken = await other.newPage();
  await ken.goto(link);
  assert.match(await ken.textContent("h1") ?? "", /Join Acme Sales/);
  await screenshot(ken, "invite-accept");
  await ken.fill("#f-name", "Ken Sato");
  await ken.fill("#f-password", "another good password");
  await ken.click("button[type=submit]");
  await ken.waitForURL(`${server.url}/`);
  const kenMe = await (await ken.request.get(`${server.url}/api/me`)).json();
  assert.equal(kenMe.user.role, "member");
  assert.equal(kenMe.user.timeZone, "Asia/Tokyo");
  await ken.goto(link);
  assert.match(await ken.textContent("h1") ?? "", /no longer works/, "the link works once");

  // A company and a contact.
  await page.click("nav >> text=Companies");
  await screenshot(page, "companies-empty");
  await page.click("text=New company");
  await page.fill("#f-name", "Globex");
  await page.fill("#f-domain", "globex.example");
  await page.fill("#f-industry", "Energy");
  await page.click("text=Create company");
  await page.waitForURL(/\/companies\/[0-9A-Z]{26}$/);
  await page.click("text=Add contact");
  await page.fill("#f-firstName", "Bea");
  await page.fill("#f-lastName", "Costa");
  await page.fill("#f-email", "not-an-email");
  await page.evaluate(() => document.querySelector("form.form-card")?.setAttribute("novalidate", ""));
  await page.click("text=Create contact");
  assert.match(await page.textContent(".field.has-error") ?? "", /valid email/);
  await screenshot(page, "contact-form-error");
  // The browser's zone is the seller's, not the contact's: it isn't offered here, and the zone may stay unset.
  assert.equal(await page.locator("text=This browser is in").count(), 0);
  assert.equal(await page.textContent("label[for=f-timeZone]"), "Time zoneoptional");
  await page.fill("#f-email", "bea@globex.example");
  await page.selectOption("#f-timeZone", "America/Sao_Paulo");
  await page.fill("#f-title", "Head of Procurement");
  await page.click("text=Create contact");
  await page.waitForURL(/\/contacts\/\w+$/);
  assert.match(await page.textContent("h1") ?? "", /Bea Costa/);
  assert.match(await page.textContent(".details") ?? "", /America\/Sao_Paulo/);
  await screenshot(page, "contact");

  await page.click('.details a[href^="/companies/"]');
  await page.waitForURL(/\/companies\/[0-9A-Z]{26}$/);
  assert.match(await page.textContent("table") ?? "", /Bea Costa/);
  await screenshot(page, "company");

  await ken.goto(`${server.url}/contacts`);
  assert.match(
    await ken.textContent("table") ?? "",
    /Bea Costa.*bea@globex\.example/s,
    "the teammate sees the team's contacts",
  );
  await screenshot(ken, "contacts");
  await ken.goto(`${server.url}/team`);
  assert.equal(await ken.locator("text=Send invite").count(), 0, "members cannot invite");

  // A seller whose zone is not the browser's is offered the browser's on their profile.
  await pageApi(page, "PATCH", "/me", { timeZone: "America/New_York" });
  await page.goto(`${server.url}/settings/profile`);
  assert.equal(await page.isEditable("#f-email-readonly"), false, "the sign-in email is shown, not editable");
  assert.equal(await page.textContent("label[for=f-email-readonly]"), "Email");
  await page.click("text=This browser is in Europe/Lisbon. >> button:has-text('Use it')");
  assert.equal(await page.inputValue("#f-timeZone"), "Europe/Lisbon");
  await screenshot(page, "profile");
  await page.click("text=Save profile");
  await page.waitForSelector("text=This browser is in", { state: "detached" });
  assert.equal(
    (await pageApi<{ user: { timeZone: string } }>(page, "GET", "/me")).user.timeZone,
    "Europe/Lisbon",
  );
  await page.goto(`${server.url}/settings/tokens`);
  await page.fill("#f-name", "CRM sync");
  await page.click("text=Create token");
  const token = await page.textContent("[data-testid=new-token]") ?? "";
  assert.match(token, /^bcn_/);
  // A browser that won't copy (no clipboard outside a secure context): the token is selected instead.
  await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined }));
  await page.click("text=Copy token");
  await page.waitForSelector(".toast >> text=It is selected: press Ctrl+C");
  assert.equal(await page.evaluate(() => getSelection()?.toString()), token);
  assert.equal(await page.locator("button:has-text('Copied')").count(), 0, "it doesn't claim it copied");
  await screenshot(page, "tokens");
  await page.goto(`${server.url}/api/docs`);
  await screenshot(page, "api-docs");

  const js = await scripts.rawBytes();
  assert.ok(js > 0 && js < 100_000, `island JS stays small (${js} bytes raw)`);
  await admin.close();
  await other.close();
});
