/**
 * End to end in headless Chromium: "send at the right time". A seller in Lisbon (her browser is in New York:
 * the picker must use her profile's zone) writes to Ken in Tokyo on a Tuesday evening, his time. The composer
 * says it is outside Ken's business hours; the send-later picker shows his local time, the advice and the
 * recommended time, which one click uses; the email is scheduled, moved, and cancelled back to a draft. An
 * alarm is added while composing. A contact without a zone gets a guess from her company. Admins edit the
 * team's business hours; a contact gets hours of their own.
 * Screenshots (desktop and phone): tests/screenshots/compose-advice, compose-schedule, message-scheduled,
 * activity-scheduled, compose-alarm, compose-zone-guess, team-hours, contact-hours.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ManualClock } from "../../lib/clock/clock.ts";
import { DEFAULT_BUSINESS_HOURS } from "../../lib/scheduling/business_hours.ts";
import { quickChoices, toLocalInput } from "../../lib/scheduling/quick.ts";
import { formatDateTime, formatTimeBeside } from "../../lib/time/format.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  openMessagePage,
  pageApi,
  signUpInBrowser,
  waitForMessageStatus,
} from "../helpers/e2e_flows.ts";

const SELLER = "Europe/Lisbon";
const TOKYO = "Asia/Tokyo";

/** A Tuesday at 19:00 in Tokyo, a few days ahead (sessions and cookies live in real time). */
function tuesdayEveningInTokyo(): Temporal.ZonedDateTime {
  let date = Temporal.Now.plainDateISO(TOKYO).add({ days: 2 });
  while (date.dayOfWeek !== 2) date = date.add({ days: 1 });
  return date.toZonedDateTime({ timeZone: TOKYO, plainTime: Temporal.PlainTime.from("19:00") });
}

/** The datetime-local value of an instant in the seller's zone. */
const sellerInput = (z: Temporal.ZonedDateTime) =>
  z.withTimeZone(SELLER).toPlainDateTime().toString({ smallestUnit: "minute" });

const text = async (page: Page, selector: string) =>
  ((await page.textContent(selector)) ?? "").replace(/\s+/g, " ").trim();

/** A full-page screenshot from the top (scrolled, the sticky top bar would be drawn mid-page). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => scrollTo(0, 0));
  await screenshot(page, name);
}

async function waitForText(page: Page, selector: string, pattern: RegExp) {
  await page.waitForFunction(
    ({ selector, source }) =>
      new RegExp(source).test((document.querySelector(selector)?.textContent ?? "").replace(/\s+/g, " ")),
    { selector, source: pattern.source },
  );
}

Deno.test("e2e - send later with each recipient's local time, advice, reschedule, cancel; alarms; business hours", async () => {
  const tuesday = tuesdayEveningInTokyo();
  const NOW = tuesday.epochMilliseconds;
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  server.clock.set(NOW);
  await using browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: "America/New_York",
    locale: "en-GB",
  });
  await context.clock.install({ time: NOW });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // The fake clock's script is injected into every frame; the sandboxed email preview refuses it.
    if (
      m.type() === "error" &&
      !/Failed to load resource|Blocked script execution in 'about:srcdoc'/.test(m.text())
    ) {
      errors.push(m.text());
    }
  });

  await signUpInBrowser(page, server.url);
  await pageApi(page, "PATCH", "/me", { name: "Ana Lima", timeZone: SELLER });
  const globex = await pageApi<{ id: string }>(page, "POST", "/companies", { name: "Globex" });
  const ken = await pageApi<{ id: string }>(page, "POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    timeZone: TOKYO,
    companyId: globex.id,
  });
  const bea = await pageApi<{ id: string }>(page, "POST", "/contacts", {
    firstName: "Bea",
    lastName: "Costa",
    email: "bea@globex.example",
    companyId: globex.id,
  });

  // ---- Compose to Ken: it is Tuesday 19:00 in Tokyo, outside his hours.
  await page.goto(`${server.url}/compose`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  await page.fill("#composer-to", "Ken");
  await page.waitForSelector('#composer-to-list [role=option]:has-text("Ken Sato")');
  await page.keyboard.press("Enter");
  await page.fill("#composer-subject", "Proposal for Globex");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hi Ken, here is the proposal we discussed.");
  await waitForText(
    page,
    "[data-testid=now-advice]",
    /It's Tue 19:00 for Ken in Tokyo — outside business hours/,
  );
  assert.match(await text(page, "[data-testid=now-advice] button"), /^Delay send to Wed 08:00 Ken's time\?$/);
  const draftId = page.url().split("/").pop()!;
  await shot(page, "compose-advice");

  // ---- Send later: the field is in the seller's profile zone (Lisbon), not the browser's (New York).
  await page.click(".composer-later");
  await page.waitForSelector("[data-testid=schedule-panel] #schedule-at");
  assert.match(
    await text(page, "[data-testid=schedule-panel] label[for=schedule-at]"),
    /your time · Europe\/Lisbon/,
  );
  // It opens at the time the line above Send suggested, not at a default that is night in Tokyo.
  const wednesdayMorning = tuesday.add({ days: 1 }).with({ hour: 8 }); // Wed 08:00 in Tokyo
  assert.equal(await page.inputValue("#schedule-at"), sellerInput(wednesdayMorning));
  await waitForText(page, "[data-testid=schedule-people]", /Ken\s*Wed 08:00 in Tokyo\s*Business hours/);
  const wednesdayEvening = tuesday.add({ days: 1 }); // Wed 19:00 in Tokyo, 10:00 in Lisbon
  await page.fill("#schedule-at", sellerInput(wednesdayEvening));
  await waitForText(
    page,
    "[data-testid=schedule-people]",
    /Ken\s*Wed 19:00 in Tokyo\s*Outside business hours/,
  );
  assert.match(
    await text(page, "[data-testid=schedule-people]"),
    /Wed 19:00 in Tokyo is outside Ken's business hours \(Mon–Fri 08:00–17:00\)\./,
  );
  const thursdayMorning = tuesday.add({ days: 2 }).with({ hour: 8 }); // Thu 08:00 in Tokyo
  await waitForText(page, "[data-testid=schedule-suggest]", /Delay send to Thu 08:00 Ken's time/);
  assert.match(await text(page, "[data-testid=schedule-suggest]"), /The next business hour in Tokyo\./);
  assert.match(
    await text(page, "[data-testid=schedule-suggest]"),
    new RegExp(`${formatDateTime(thursdayMorning.epochMilliseconds, SELLER, NOW)} your time`),
  );
  await shot(page, "compose-schedule");

  // One click uses the recommendation; the seller could still change it.
  await page.click("[data-testid=schedule-suggest] button:has-text('Use this time')");
  assert.equal(await page.inputValue("#schedule-at"), sellerInput(thursdayMorning));
  await waitForText(page, "[data-testid=schedule-people]", /Thu 08:00 in Tokyo\s*Business hours/);
  await waitForText(page, "[data-testid=schedule-good]", /Within business hours in Tokyo/);

  await page.click("[data-testid=schedule-panel] button[type=submit]");
  await page.waitForURL(`${server.url}/messages/${draftId}`);
  // Thu 08:00 in Tokyo is Wednesday evening in Lisbon in winter: Ken's day is named then.
  const scheduledText = `Scheduled to send ${
    formatDateTime(thursdayMorning.epochMilliseconds, SELLER, NOW)
  } (${formatTimeBeside(thursdayMorning.epochMilliseconds, TOKYO, SELLER)} Ken's time)`;
  await waitForText(
    page,
    "[data-testid=scheduled-status]",
    new RegExp(scheduledText.replace(/[()]/g, "\\$&")),
  );
  assert.equal(await text(page, "[data-testid=message-status]"), scheduledText);
  await page.waitForSelector("beacon-island[data-island=scheduled_send][data-hydrated]");
  await shot(page, "message-scheduled");

  // ---- Change the time: Thu 10:00 in Tokyo.
  await page.click("button:has-text('Change time')");
  await page.waitForSelector("[data-testid=schedule-panel] #schedule-at");
  assert.equal(
    await page.inputValue("#schedule-at"),
    sellerInput(thursdayMorning),
    "starts from the current time",
  );
  const thursdayTen = thursdayMorning.with({ hour: 10 });
  await page.fill("#schedule-at", sellerInput(thursdayTen));
  await waitForText(page, "[data-testid=schedule-people]", /Thu 10:00 in Tokyo\s*Business hours/);
  await page.click("[data-testid=schedule-panel] button[type=submit]");
  const movedText = `Scheduled to send ${
    formatDateTime(thursdayTen.epochMilliseconds, SELLER, NOW)
  } (10:00 Ken's time)`;
  await waitForText(page, "[data-testid=scheduled-status]", new RegExp(movedText.replace(/[()]/g, "\\$&")));
  await waitForText(page, "[data-testid=message-status]", new RegExp(movedText.replace(/[()]/g, "\\$&")));
  const moved = await pageApi<{ job: { dueAt: number } }>(page, "GET", `/messages/${draftId}`);
  assert.equal(moved.job.dueAt, thursdayTen.epochMilliseconds);

  // ---- Activity: the scheduled row has "Change time" (to the message page, picker open) and "Cancel".
  await page.goto(`${server.url}/?scope=mine`);
  const row = page.locator(`tr[data-message="${draftId}"]`);
  await row.locator("text=Change time").waitFor();
  assert.equal(await row.locator("button:has-text('Cancel')").count(), 1);
  await shot(page, "activity-scheduled");
  await row.locator("text=Change time").click();
  await page.waitForURL(`${server.url}/messages/${draftId}?change=time`);
  await page.waitForSelector("[data-testid=schedule-panel] #schedule-at");
  await page.keyboard.press("Escape");
  await page.waitForSelector("[data-testid=schedule-panel]", { state: "detached" });

  // ---- Cancel: back to a draft, in the composer.
  await page.click("button:has-text('Cancel scheduled send')");
  await page.click("button:has-text('Yes, cancel send')");
  await page.waitForURL(`${server.url}/compose/${draftId}`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  assert.equal(await page.inputValue("#composer-subject"), "Proposal for Globex");
  await page.waitForSelector(".toast:has-text('draft again')");
  assert.equal((await pageApi<{ status: string }>(page, "GET", `/messages/${draftId}`)).status, "draft");

  // ---- An alarm while composing: listed with Ken's local time, and still there after a reload.
  await page.click("[data-testid=alarm-editor] button:has-text('Add alarm')");
  await page.waitForSelector("#alarm-at");
  assert.equal(await page.inputValue("#alarm-condition"), "no_reply");
  await page.fill("#alarm-comment", "Call Ken if there's no answer");
  await page.click(".alarm-form button[type=submit]");
  await waitForText(page, "[data-testid=alarms]", /If I don't get a reply by/);
  assert.match(await text(page, "[data-testid=alarms]"), /18:00 for Ken Sato in Tokyo/);
  assert.match(await text(page, "[data-testid=alarms]"), /Call Ken if there's no answer/);
  await shot(page, "compose-alarm");
  await page.reload();
  await waitForText(page, "[data-testid=alarms]", /If I don't get a reply by/);

  // ---- A contact without a zone: a guess from her company, one click to set it.
  const beaDraft = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: ["bea@globex.example"],
    subject: "Hello Bea",
    html: "<p>Hi Bea</p>",
  });
  await page.goto(`${server.url}/compose/${beaDraft.id}`);
  await waitForText(
    page,
    "[data-testid=now-advice]",
    /Bea has no time zone; colleagues at the same company are in Asia\/Tokyo — set it on the contact/,
  );
  assert.equal(
    await page.getAttribute("[data-testid=now-advice] a", "href"),
    `/contacts/${bea.id}/edit`,
  );
  await page.click(".composer-later");
  await waitForText(
    page,
    "[data-testid=schedule-people]",
    /Colleagues at the same company are in Asia\/Tokyo/,
  );
  await shot(page, "compose-zone-guess");
  await page.click("button:has-text('Set Bea to Asia/Tokyo')");
  await waitForText(page, "[data-testid=schedule-people]", /Bea\s*\w{3} \d\d:\d\d in Tokyo/);

  // ---- Cancel from the activity list.
  const listed = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: ["ken@globex.example"],
    subject: "Cancel me from the list",
    html: "<p>Hi</p>",
  });
  await pageApi(page, "POST", `/messages/${listed.id}/schedule`, { at: thursdayTen.epochMilliseconds });
  await page.goto(`${server.url}/?scope=mine`);
  const listedRow = page.locator(`tr[data-message="${listed.id}"]`);
  await listedRow.locator("button:has-text('Cancel')").click();
  await listedRow.locator("button:has-text('Yes, cancel')").click();
  await listedRow.waitFor({ state: "detached" });
  await page.waitForSelector(".toast:has-text('draft again')");
  assert.equal((await pageApi<{ status: string }>(page, "GET", `/messages/${listed.id}`)).status, "draft");
  // It is in "Your drafts" at once, newest saved first; a draft sent from elsewhere leaves the list live.
  const draftSubjects = () => page.locator("[data-testid=drafts] li a").allTextContents();
  await page.waitForSelector("[data-testid=drafts] li a:has-text('Cancel me from the list')");
  assert.deepEqual(await draftSubjects(), ["Cancel me from the list", "Hello Bea", "Proposal for Globex"]);
  await pageApi(page, "POST", `/messages/${beaDraft.id}/send`);
  await page.waitForSelector("[data-testid=drafts] li a:has-text('Hello Bea')", { state: "detached" });
  assert.deepEqual(await draftSubjects(), ["Cancel me from the list", "Proposal for Globex"]);
  await waitForText(page, "#drafts-title", /Your drafts \(2\)/);
  await shot(page, "activity-drafts");

  // ---- Once sending has started the time is fixed: the API's 409 is shown and the controls go. (The live
  // connection is cut, so the page learns it from the API rather than from the live update.)
  const soon = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: ["ken@globex.example"],
    subject: "Going out soon",
    html: "<p>Hi</p>",
  });
  await pageApi(page, "POST", `/messages/${soon.id}/schedule`, { at: server.clock.now() + 10 * 60_000 });
  await page.route("**/api/live**", (route) => route.abort());
  await page.goto(`${server.url}/messages/${soon.id}`);
  await page.waitForSelector("beacon-island[data-island=scheduled_send][data-hydrated]");
  server.clock.advance(11 * 60_000);
  await server.deps.scheduler.runDue();
  await page.click("button:has-text('Cancel scheduled send')");
  await page.click("button:has-text('Yes, cancel send')");
  await waitForText(
    page,
    "[data-testid=scheduled-send] .alert",
    /already being sent; its time can no longer change/,
  );
  assert.equal(await page.locator("button:has-text('Change time')").count(), 0);
  await waitForText(page, "[data-testid=scheduled-status]", /Sending has started/);
  await page.unroute("**/api/live**");

  // ---- Team business hours (admin): days, times, closed dates; field errors from the validation.
  await page.goto(`${server.url}/team`);
  await page.uncheck("input[name=day5]");
  await page.fill("#f-start", "09:00");
  await page.fill("#f-end", "08:00");
  await page.click("button:has-text('Save business hours')");
  await page.waitForSelector("#hours .error-text:has-text('The day must end after it starts.')");
  assert.equal(await page.isChecked("input[name=day5]"), false, "what was typed is kept");
  await page.fill("#f-end", "17:30");
  const closed = tuesday.add({ days: 30 }).toPlainDate().toString();
  await page.fill("#f-addClosedDate", closed);
  await page.click("button:has-text('Add date')");
  await page.waitForSelector(".toast:has-text('Closed date added')");
  assert.equal(await page.locator("[data-testid=closed-dates] li").count(), 1);
  const settings = await pageApi<{ businessHours: Record<string, unknown> }>(page, "GET", "/team/settings");
  assert.deepEqual(settings.businessHours, {
    days: [1, 2, 3, 4],
    start: "09:00",
    end: "17:30",
    closedDates: [closed],
  });
  await shot(page, "team-hours");
  await page.click("[data-testid=closed-dates] button:has-text('Remove')");
  await page.waitForSelector(".toast:has-text('Closed date removed')");
  assert.equal(await page.locator("[data-testid=closed-dates]").count(), 0);

  // ---- A contact's own hours: off by default (the team's), on with days and times of their own.
  await page.goto(`${server.url}/contacts/${ken.id}/edit`);
  assert.equal(await page.isVisible("#f-hours_start"), false, "hidden while the team's hours apply");
  await page.check("input[name=hours_own]");
  await page.fill("#f-hours_start", "10:00");
  await page.fill("#f-hours_end", "19:00");
  await page.check("input[name=hours_day6]");
  await shot(page, "contact-hours");
  await page.click("button:has-text('Save changes')");
  await page.waitForURL(`${server.url}/contacts/${ken.id}`);
  assert.equal(await text(page, "[data-testid=contact-hours]"), "Mon–Thu, Sat 10:00–19:00");
  const kenNow = await pageApi<{ businessHours: unknown }>(page, "GET", `/contacts/${ken.id}`);
  assert.deepEqual(kenNow.businessHours, {
    days: [1, 2, 3, 4, 6],
    start: "10:00",
    end: "19:00",
    closedDates: [],
  });
  // Off again: the team's hours.
  await page.goto(`${server.url}/contacts/${ken.id}/edit`);
  await page.uncheck("input[name=hours_own]");
  await page.click("button:has-text('Save changes')");
  await page.waitForURL(`${server.url}/contacts/${ken.id}`);
  assert.match(await text(page, "[data-testid=contact-hours]"), /\(the team's\)/);

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - a scheduled email's page: a new alarm starts after the send; the send-time card goes when it is sent", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, { subject: "Pilot dates", html: "<p>Hi Ken</p>" });
  const sendAt = server.clock.now() + 3 * 86_400_000;
  await pageApi(page, "POST", `/messages/${draft.id}/schedule`, { at: sendAt });
  await openMessagePage(page, server.url, draft.id);
  await waitForText(page, "[data-testid=scheduled-status]", /^Scheduled to send/);

  // "Add alarm" offers a time after the send (the day after it), which is taken as it is: a time before the
  // send would be refused, since no one can reply to an email that hasn't gone out.
  await page.waitForSelector("beacon-island[data-island=alarm_editor][data-hydrated]");
  await page.click("[data-testid=alarm-editor] button:has-text('Add alarm')");
  const dayAfter = quickChoices(sendAt, SELLER, DEFAULT_BUSINESS_HOURS)[0].at;
  assert.equal(await page.inputValue("#alarm-at"), toLocalInput(dayAfter, SELLER));
  await page.click(".alarm-form button[type=submit]");
  await waitForText(page, "[data-testid=alarms]", /If I don't get a reply by/);

  server.clock.set(sendAt);
  await server.deps.scheduler.runDue();
  await waitForMessageStatus(page, "Not opened yet");
  await page.waitForSelector("[data-testid=scheduled-send]", { state: "detached" });
  await screenshot(page, "message-scheduled-sent");
  assert.deepEqual(errors, []);
});
