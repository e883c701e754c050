/**
 * End to end: a recipient's own opt-out on their contact (shown as theirs, not switchable), deleting a
 * contact from the keyboard through its confirmation page, a new company typed in the contact form, a
 * company name that is taken, and a planned call spaced from its due time.
 */
import assert from "node:assert/strict";
import { patchContact } from "../../lib/contacts/contacts.ts";
import { suppressTracking } from "../../lib/privacy/suppression.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { pageApi, signUpInBrowser, wordsSplitAcrossLines } from "../helpers/e2e_flows.ts";

Deno.test("e2e - contacts: an opt-out shown as the recipient's, delete asks first, a new company from the form", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const dana = await pageApi<{ id: string }>(page, "POST", "/contacts", {
    firstName: "Dana",
    lastName: "Reyes",
    email: "dana@globex.example",
  });
  // Dana pressed "Don't track me" in an email (the route itself is tested in tracking_preference_test).
  await suppressTracking(server.kv, me.team.id, "dana@globex.example", server.clock.now());
  await patchContact(
    server.kv,
    me.team.id,
    dana.id,
    () => ({ tracking: "do_not_allow" }),
    server.clock.now(),
  );

  await page.goto(`${server.url}/contacts/${dana.id}`);
  assert.match(await page.textContent(".details") ?? "", /Do not track · their request/);
  assert.match(
    await page.textContent("[data-testid=opt-out]") ?? "",
    /Asked not to be tracked on .*Lift the request…/,
  );
  await screenshot(page, "contact-opted-out");

  await page.click("text=Edit");
  await page.waitForURL(`${server.url}/contacts/${dana.id}/edit`);
  assert.equal(await page.locator("select[name=tracking]").count(), 0);
  assert.equal(await page.inputValue("#f-trackingSetByRecipient"), "Do not allow — set by the recipient");
  await screenshot(page, "contact-edit-opted-out");

  // Delete, from the keyboard: the danger zone's link, then the confirmation page's button.
  await page.focus("a:has-text('Delete contact…')");
  await page.keyboard.press("Enter");
  await page.waitForURL(`${server.url}/contacts/${dana.id}/delete`);
  assert.match(
    await page.textContent("[data-testid=delete-tracking]") ?? "",
    /stays on the team's suppression list/,
  );
  await screenshot(page, "contact-delete-confirm");
  await page.focus("button:has-text('Delete Dana Reyes')");
  await page.keyboard.press("Enter");
  await page.waitForURL(`${server.url}/contacts`);
  assert.match(await page.textContent(".toasts") ?? "", /Dana Reyes was deleted/);

  // A new company typed in the contact form is made with the contact.
  await pageApi(page, "POST", "/companies", { name: "Globex" });
  await page.goto(`${server.url}/contacts/new`);
  await page.fill("#f-firstName", "Ken");
  await page.fill("#f-email", "not an address");
  await page.focus(".new-company > summary");
  await page.keyboard.press("Enter");
  await page.fill("#f-companyName", "NewCo");
  await page.evaluate(() => document.querySelector("form.form-card")?.setAttribute("novalidate", ""));
  await page.click("button:has-text('Create contact')");
  assert.equal(await page.inputValue("#f-companyName"), "NewCo", "kept with the error");
  await screenshot(page, "contact-new-company");
  await page.fill("#f-email", "ken@newco.example");
  await page.click("button:has-text('Create contact')");
  await page.waitForURL(/\/contacts\/\w{26}$/);
  assert.match(await page.textContent(".details") ?? "", /NewCo/);

  // A company name that is taken, whatever its case.
  await page.goto(`${server.url}/companies/new`);
  await page.fill("#f-name", " globex ");
  await page.click("button:has-text('Create company')");
  assert.match(await page.textContent(".field.has-error") ?? "", /A company called “Globex” already exists/);
  await page.click("text=Open Globex");
  await page.waitForURL(/\/companies\/\w{26}$/);
  await page.goBack();
  await screenshot(page, "company-name-taken");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - contacts: a planned call on a contact's page reads 'subject · due …', spaced", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const ken = await pageApi<{ id: string }>(page, "POST", "/contacts", {
    firstName: "Ken",
    email: "ken@globex.example",
  });
  await pageApi(page, "POST", "/tasks", {
    subject: "Call Ken about pricing",
    dueAt: server.clock.now() + 86_400_000,
    contactId: ken.id,
  });
  await page.goto(`${server.url}/contacts/${ken.id}`);
  // It read "Call Ken about pricing· due Tue 8 Dec, 06:31".
  assert.match(await page.innerText("li:has(.task-subject)"), /^Call Ken about pricing · due /);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - a company's timeline takes emails live as a reload shows them: sent meanwhile joins once, a cancelled one leaves", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const globex = await pageApi<{ id: string }>(page, "POST", "/companies", { name: "Globex" });
  for (const [firstName, email] of [["Ken", "ken@globex.example"], ["Mia", "mia@globex.example"]]) {
    await pageApi(page, "POST", "/contacts", { firstName, lastName: "Sato", email, companyId: globex.id });
  }
  const write = (subject: string, to: string[]) =>
    pageApi<{ id: string }>(page, "POST", "/messages", { to, subject, html: "<p>Hi</p>" });
  const earlier = await write("Earlier", ["ken@globex.example"]);
  await pageApi(page, "POST", `/messages/${earlier.id}/send`);
  await page.goto(`${server.url}/companies/${globex.id}`);
  await page.waitForSelector("beacon-island[data-island=message_timeline][data-hydrated]");
  const subjects = () => page.$$eval(".timeline-item .row-link", (links) => links.map((a) => a.textContent));
  const until = (expected: string[]) =>
    page.waitForFunction(
      (expected) =>
        JSON.stringify(
          [...document.querySelectorAll(".timeline-item .row-link")].map((a) => a.textContent),
        ) ===
          JSON.stringify(expected),
      expected,
    );

  // Scheduled while the page is open: it joins at the top.
  const later = await write("Later", ["ken@globex.example"]);
  const at = new Date(server.clock.now() + 3_600_000).toISOString();
  await pageApi(page, "POST", `/messages/${later.id}/schedule`, { at });
  await until(["Later", "Earlier"]);
  // To two people at the company: it joins once, above the others.
  const both = await write("To you both", ["ken@globex.example", "mia@globex.example"]);
  await pageApi(page, "POST", `/messages/${both.id}/send`);
  await until(["To you both", "Later", "Earlier"]);
  assert.match(await page.textContent(`[data-message="${both.id}"]`) ?? "", /from Ana Lima/);
  // Cancelled, it is a draft again, and drafts are not on timelines.
  await pageApi(page, "DELETE", `/messages/${later.id}/schedule`);
  await until(["To you both", "Earlier"]);
  await page.reload();
  await page.waitForSelector("beacon-island[data-island=message_timeline][data-hydrated]");
  assert.deepEqual(await subjects(), ["To you both", "Earlier"]);
  assert.deepEqual(errors, []);
});

Deno.test("e2e - contacts: an unbroken 120-character company name wraps in its column, leaving names whole", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const company = `Globex${"Internationalholdings".repeat(6)}`.slice(0, 120);
  await pageApi(page, "POST", "/contacts", {
    firstName: "Maximiliana Alexandrovna",
    lastName: "Vanderbilt-Oppenheimer",
    email: "maxi@globex.example",
    companyName: company,
  });
  await page.goto(`${server.url}/contacts`);
  const widths = await page.locator("table.table").evaluate((table) => {
    const [name, , companyCell] = [...table.querySelectorAll("tbody td")];
    return {
      table: table.getBoundingClientRect().width,
      card: table.parentElement!.getBoundingClientRect().width,
      name: name.getBoundingClientRect().width,
      company: companyCell.getBoundingClientRect().width,
    };
  });
  assert.ok(
    widths.table <= widths.card,
    `the table (${widths.table}px) overflows its card (${widths.card}px)`,
  );
  assert.ok(widths.company < widths.table / 2, `the company takes ${widths.company} of ${widths.table}px`);
  await screenshot(page, "contacts-long-company");
  assert.deepEqual(
    await wordsSplitAcrossLines(page, "tbody td:first-child a"),
    [],
    "the name's words stay whole (a hyphen may end a line)",
  );
  assert.deepEqual(errors, []);
  await context.close();
});
