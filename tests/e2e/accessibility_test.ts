/**
 * End to end: every page a seller uses, checked by axe-core (WCAG 2.1 A and AA rules) in headless Chromium,
 * at laptop and phone width, with data on it (a contact, a company, a template, a sent email that was opened).
 * The context bypasses the page's CSP only so axe's script can be injected; the pages are the real ones.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import { ManualClock } from "../../lib/clock/clock.ts";
import type { Page } from "playwright-core";
import { launchBrowser, newSellerPage, startServer } from "../helpers/browser.ts";
import { draftToNewContact, KEN, pageApi, signUpInBrowser } from "../helpers/e2e_flows.ts";
import { outbox, trackingPaths } from "../helpers/mail.ts";
import { personRequest } from "../helpers/people.ts";

interface Found {
  rule: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe's WCAG 2.1 A/AA violations on the page as it is now. */
async function audit(page: Page): Promise<Found[]> {
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(axe.source);
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    // deno-lint-ignore no-explicit-any
    return result.violations.map((v: any) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      // deno-lint-ignore no-explicit-any
      targets: v.nodes.slice(0, 5).map((n: any) => n.target.join(" ")),
    }));
  });
}

Deno.test("e2e - accessibility: the seller's pages pass axe's WCAG 2.1 A/AA checks on a laptop and a phone", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser, { bypassCSP: true });
  await signUpInBrowser(page, server.url);
  const { contact, draft } = await draftToNewContact(page, KEN, {
    subject: "Your Q3 proposal",
    html: '<p>Hi Ken,</p><p>Here is <a href="https://example.com/proposal">the proposal</a>.</p>',
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  const company = await pageApi<{ id: string }>(page, "POST", "/companies", {
    name: "Globex",
    domain: "globex.example",
  });
  const template = await pageApi<{ id: string }>(page, "POST", "/templates", {
    name: "Follow-up",
    category: "Follow-up",
    subject: "Following up",
    html: "<p>Hi {{contact.first_name}}, any thoughts?</p>",
  });
  const second = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: [KEN.email],
    subject: "Next steps",
    html: "<p>Shall we meet next week?</p>",
  });
  const untitled = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: [KEN.email],
    html: "<p>No subject yet.</p>",
  });
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const sent = (await outbox(server, me.team.id)).find((e) => e.subject === "Your Q3 proposal")!;
  // A person opens it a few minutes later (a card in the assistant), and a machine fetches it (shown greyed).
  server.clock.advance(5 * 60_000);
  await personRequest(server, trackingPaths(sent.html).pixel!);
  await fetch(`${server.url}${trackingPaths(sent.html).pixel}`).then((r) => r.body?.cancel());
  const task = await pageApi<{ id: string }>(page, "POST", "/tasks", {
    subject: "Call Ken about the proposal",
    dueAt: server.clock.now() + 86_400_000,
    contactId: contact.id,
  });
  const token = await pageApi<{ token: { id: string } }>(page, "POST", "/tokens", { name: "CRM sync" });
  const outboxId = await page.evaluate(async () =>
    (await (await fetch("/outbox")).text()).match(/href="\/outbox\/([^"]+)"/)?.[1]
  );

  /** Each page, and what to open on it first (a dialog, a form) so that state is checked too. */
  const pages: [string, string, ((page: Page) => Promise<unknown>)?][] = [
    ["activity", "/"],
    ["activity, a search that finds nothing", "/?q=nothing+like+this"],
    ["message", `/messages/${draft.id}`],
    ["compose", "/compose"],
    ["compose, templates dialog", `/compose/${second.id}`, async (page) => {
      await page.waitForSelector("[data-testid=composer][data-ready=true]");
      await page.click("button.composer-templates");
      await page.waitForSelector(
        "[data-testid=templates-dialog] [data-testid=template-picker][data-ready=true]",
      );
    }],
    ["compose, send later", `/compose/${second.id}`, async (page) => {
      await page.waitForSelector("[data-testid=composer][data-ready=true]");
      await page.click(".composer-later");
      await page.waitForSelector("[data-testid=schedule-panel] #schedule-at");
    }],
    ["compose, a field's error", `/compose/${untitled.id}`, async (page) => {
      await page.waitForSelector("[data-testid=composer][data-ready=true]");
      await page.click(".composer-send");
      await page.waitForSelector("#composer-subject-error");
    }],
    ["message, new alarm", `/messages/${draft.id}`, async (page) => {
      await page.click("button:has-text('Add alarm')");
      await page.waitForSelector("form.alarm-form");
    }],
    ["contacts", "/contacts"],
    ["contact", `/contacts/${contact.id}`],
    ["contact form", `/contacts/${contact.id}/edit`],
    ["companies", "/companies"],
    ["company", `/companies/${company.id}`],
    [
      "assistant, with a card",
      "/assistant",
      (page) => page.waitForSelector("text=Ken Sato opened your email"),
    ],
    ["tasks", "/tasks"],
    ["task form", `/tasks/${task.id}/edit`],
    ["templates", "/templates"],
    ["template", `/templates/${template.id}`],
    ["template editor", `/templates/${template.id}/edit`],
    ["template picker", `/templates/pick?contact=${contact.id}`],
    ["outbox", "/outbox"],
    ["outbox email", `/outbox/${outboxId}`],
    ["API reference", "/api/docs"],
    ["unmatched replies", "/inbound"],
    ["team", "/team"],
    ["profile", "/settings/profile"],
    ["notifications", "/settings/notifications"],
    ["API tokens", "/settings/tokens"],
    ["revoke a token", `/settings/tokens/${token.token.id}/revoke`],
  ];
  const found: Record<string, Found[]> = {};
  for (const [width, height] of [[1280, 860], [390, 844]]) {
    await page.setViewportSize({ width, height });
    for (const [name, path, open] of pages) {
      await page.goto(`${server.url}${path}`);
      await page.waitForFunction(() =>
        [...document.querySelectorAll("beacon-island")].every((el) => el.hasAttribute("data-hydrated"))
      );
      await open?.(page);
      const violations = await audit(page);
      if (violations.length) found[`${name} (${width}px)`] = violations;
    }
  }
  // And the pages anyone can reach: signing in and up.
  const { page: visitor } = await newSellerPage(browser, { bypassCSP: true });
  for (const path of ["/signin", "/signup"]) {
    await visitor.goto(`${server.url}${path}`);
    const violations = await audit(visitor);
    if (violations.length) found[path] = violations;
  }
  assert.deepEqual(found, {}, JSON.stringify(found, null, 2));
  assert.ok(outboxId, "the outbox lists the email");
  assert.deepEqual(errors, []);
});

Deno.test("e2e - accessibility: menus open from the keyboard and close with Escape or a click elsewhere; / jumps to search", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const menu = "details.menu:has(.avatar-button)";
  const isOpen = () => page.$eval(menu, (m) => (m as HTMLDetailsElement).open);

  await page.focus(".avatar-button");
  await page.keyboard.press("Enter");
  assert.equal(await isOpen(), true);
  await page.keyboard.press("Tab");
  assert.equal(
    await page.evaluate(() => document.activeElement?.textContent?.trim()),
    "Profile and password",
  );
  await page.keyboard.press("Escape");
  assert.equal(await isOpen(), false);
  assert.equal(
    await page.evaluate(() => document.activeElement?.classList.contains("avatar-button")),
    true,
    "the focus is back on the menu's button",
  );

  await page.click(".avatar-button");
  assert.equal(await isOpen(), true);
  await page.click("h1");
  assert.equal(await isOpen(), false, "a click elsewhere closes it");

  // "/" outside a field goes to the page's search; inside one it is just a character.
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "q");
  await page.keyboard.type("acme/q3");
  assert.equal(await page.inputValue("input[name=q]"), "acme/q3");
  assert.deepEqual(errors, []);
});
