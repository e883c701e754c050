/**
 * End to end, on a phone (390×844): pages keep to the screen's width whatever the seller typed — a subject
 * with no spaces, a long company name — so nothing is cut off or needs scrolling sideways.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { acceptInvite } from "../../lib/accounts/invites.ts";
import { getOutboxEntry, listOutbox } from "../../lib/mail/outbox.ts";
import {
  draftToNewContact,
  KEN,
  openComposer,
  openMessagePage,
  pageApi,
  signUpInBrowser,
  wordsSplitAcrossLines,
} from "../helpers/e2e_flows.ts";
import { personRequest } from "../helpers/people.ts";
import { trackingPaths } from "../helpers/mail.ts";
import { gmailReply } from "../../lib/inbound/fixtures/mime.ts";
import { receiveAndFollowUp } from "../../workers/replies.ts";

const PHONE = { width: 390, height: 844 };

/**
 * The addresses in `selector` that wrap somewhere other than after an "@", a "." or a hyphen
 * ("maxi@glob / ex.example"),
 * each with its lines joined by " / ".
 */
async function addressesBrokenMidWord(page: Page, selector: string): Promise<string[]> {
  return await page.locator(selector).evaluateAll((cells) =>
    cells.flatMap((cell) => {
      const lines: string[] = [];
      let top: number | null = null;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement!.closest(".badge")) continue;
        const text = node.textContent!;
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (!rect || !text[i].trim()) continue;
          if (top === null || rect.top > top + 2) lines.push("");
          top = rect.top;
          lines[lines.length - 1] += text[i];
        }
      }
      return lines.slice(0, -1).some((line) => !/[@.-]$/.test(line)) ? [lines.join(" / ")] : [];
    })
  );
}

/** Fails naming the page if it is wider than the screen (the seller would have to scroll sideways). */
async function assertFitsWidth(page: Page, what: string) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${what} is ${scroll}px wide on a ${client}px screen`);
}

Deno.test("e2e - small screens: a subject with no spaces wraps on the message page, timelines and the Outbox", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  // A pasted file or order name, say: one long word (hyphens would let it break).
  const subject = "Order_2026_ACME_0000987654321_confirmation_and_delivery_schedule_attached";
  const { contact, draft } = await draftToNewContact(page, KEN, { subject, html: "<p>Hi Ken</p>" });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();

  for (
    const [what, path] of [
      ["The message page", `/messages/${draft.id}`],
      ["Ken's page", `/contacts/${contact.id}`],
      ["The Outbox", "/outbox"],
    ]
  ) {
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector(`text=${subject}`);
    await assertFitsWidth(page, what);
  }
  await page.goto(`${server.url}/messages/${draft.id}`);
  await screenshot(page, "message-long-subject");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: a long company name in the template pages' contact chooser stays inside the screen", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", {
    ...KEN,
    companyName: "Globex International Holdings Corporation of America",
  });
  const template = await pageApi<{ id: string }>(page, "POST", "/templates", {
    name: "Follow-up",
    subject: "Following up",
    html: "<p>Hi {{contact.first_name}}</p>",
  });

  for (
    const [what, path] of [["The templates list", "/templates"], ["A template", `/templates/${template.id}`]]
  ) {
    await page.goto(`${server.url}${path}`);
    await assertFitsWidth(page, what);
  }
  await screenshot(page, "template-contact-chooser");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: a toast's close button is big enough to tap (24×24 px at least, WCAG 2.5.8)", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  // The welcome toast after signing up.
  const close = page.locator(".toast-close");
  const box = await close.boundingBox();
  assert.ok(box && box.width >= 24 && box.height >= 24, `the close button is ${box?.width}×${box?.height}`);
  await close.click();
  await page.waitForSelector(".toast", { state: "detached" });
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: back links, a scheduled row's actions and names in tables are 24 px tall to tap", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", KEN);
  const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: [KEN.email],
    subject: "Later",
    html: "<p>Hi</p>",
  });
  await pageApi(page, "POST", `/messages/${draft.id}/schedule`, { at: server.clock.now() + 86_400_000 });
  const heights = async (selector: string) =>
    await page.locator(selector).evaluateAll((all) => all.map((e) => e.getBoundingClientRect().height));
  await page.goto(`${server.url}/`);
  for (const selector of [".row-schedule a", ".row-schedule .link-button"]) {
    const tall = await heights(selector);
    assert.ok(tall.length && tall.every((h) => h >= 24), `${selector}: ${tall}`);
  }
  await page.goto(`${server.url}/contacts`);
  assert.ok((await heights(".table .row-link")).every((h) => h >= 24));
  await page.goto(`${server.url}/messages/${draft.id}`);
  const back = await heights(".back-link");
  assert.ok(back.length === 1 && back[0] >= 24, `the back link is ${back} px tall`);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: Activity says under the status what its hidden columns count", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Pricing",
    html: '<p>See <a href="https://example.com/pricing">pricing</a></p>',
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();
  server.clock.advance(5 * 60_000);
  const { team } = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const [sent] = await listOutbox(server.kv, team.id);
  const { links } = trackingPaths((await getOutboxEntry(server.kv, team.id, sent.id))!.html);
  await personRequest(server, links[0]);
  await server.deps.recorder.idle();
  await page.goto(`${server.url}/`);
  const counts = page.locator("[data-testid=counts-sm]");
  assert.equal(await counts.textContent(), "1 link click");
  assert.ok(await counts.isVisible());
  await page.setViewportSize({ width: 1366, height: 800 });
  assert.ok(!await counts.isVisible(), "a laptop has the columns instead");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: a required field the browser scrolls to shows its label below the sticky header", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  await page.goto(`${server.url}/contacts/new`);
  await page.fill("#f-firstName", "Bea");
  // Submitting with Email empty (the one required field): the browser scrolls to it and asks for it.
  await page.locator("form button[type=submit]").last().click();
  await page.waitForFunction(() => document.activeElement?.id === "f-email");
  const [label, nav] = await Promise.all([
    page.locator("label[for=f-email]").boundingBox(),
    page.locator(".sidenav").boundingBox(),
  ]);
  assert.ok(
    label && nav && label.y >= nav.y + nav.height,
    `the label at ${label?.y}, the header to ${nav?.y}+${nav?.height}`,
  );
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: the template editor's version note goes under Save and Cancel, not squeezed beside them", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  const template = await pageApi<{ id: string }>(page, "POST", "/templates", {
    name: "Follow-up",
    subject: "Following up",
    html: "<p>Any thoughts?</p>",
  });
  await page.goto(`${server.url}/templates/${template.id}/edit`);
  const note = page.locator(".template-version-note");
  await note.waitFor();
  // It was a 79 px column of nine lines beside the buttons.
  const box = await note.boundingBox();
  assert.ok(box && box.width >= 250, `the note is ${box?.width} px wide`);
  await screenshot(page, "template-edit-phone");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: the API reference's field tables fit the screen when opened", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  await page.goto(`${server.url}/api/docs`);
  // Every "Request body" and "Response" opened, as a reader going through it would.
  await page.evaluate(() =>
    document.querySelectorAll<HTMLDetailsElement>(".endpoint details").forEach((d) => d.open = true)
  );
  await assertFitsWidth(page, "The API reference");
  // A type wraps between its words, not inside one: `"personal"` of `"team" | "personal"` stays on one line.
  const lines = await page.evaluate(() => {
    const cell = [...document.querySelectorAll(".endpoint td code")]
      .find((code) => code.textContent === '"team" | "personal"')!;
    const text = cell.firstChild!;
    const range = document.createRange();
    range.setStart(text, text.textContent!.indexOf('"personal"'));
    range.setEnd(text, text.textContent!.length);
    return range.getClientRects().length;
  });
  assert.equal(lines, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: the navigation row opens on the current page's link and fades where more links are", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  const nav = page.locator("nav.sidenav");
  const edges = () =>
    nav.evaluate((el) => [el.hasAttribute("data-more-before"), el.hasAttribute("data-more-after")]);

  // Activity: at the start of the row, with more to the right.
  await page.waitForSelector("beacon-island[data-hydrated]", { state: "attached" });
  assert.deepEqual(await edges(), [false, true]);
  // Team is last in the row: it is in view when the Team page opens, with links to its left.
  await page.goto(`${server.url}/team`);
  await page.waitForSelector("beacon-island[data-hydrated]", { state: "attached" });
  const link = await nav.locator("[aria-current=page]").boundingBox();
  assert.ok(
    link && link.x >= 0 && link.x + link.width <= PHONE.width,
    `Team's link is at ${JSON.stringify(link)}`,
  );
  assert.deepEqual(await edges(), [true, false]);
  await screenshot(page, "nav-scrolled-to-current");
  // Scrolled back to the start, the fade moves to the other side.
  await nav.evaluate((el) => el.scrollTo({ left: 0 }));
  await page.waitForFunction(() => !document.querySelector("nav.sidenav")!.hasAttribute("data-more-before"));
  assert.deepEqual(await edges(), [false, true]);
  // A page's own tabs too: Settings opens on API tokens, the last tab, shown whole rather than cut at the edge.
  await page.goto(`${server.url}/settings/tokens`);
  await page.waitForSelector("beacon-island[data-hydrated]", { state: "attached" });
  const tab = await page.locator("nav.tabs [aria-current=page]").boundingBox();
  assert.ok(tab && tab.x >= 0 && tab.x + tab.width <= PHONE.width, `the tab is at ${JSON.stringify(tab)}`);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: email addresses in lists wrap instead of being cut short", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  const email = "maximiliana.vanderbilt-oppenheimer@globex-international.example";
  await signUpInBrowser(page, server.url, { name: "Maximiliana Vanderbilt", email });
  await pageApi(page, "POST", "/contacts", {
    ...KEN,
    email: "kenichi.sato-watanabe@globex-international.example",
  });
  await pageApi(page, "POST", "/contacts", {
    firstName: "Maximiliana Alexandrovna",
    lastName: "Vanderbilt-Oppenheimer de la Fuente",
    email: "maxi@globex.example",
  });
  for (const [what, path] of [["The team page", "/team"], ["Contacts", "/contacts"]]) {
    await page.goto(`${server.url}${path}`);
    const cut = await page.locator("td.truncate").evaluateAll((cells) =>
      cells.filter((cell) => cell.scrollWidth > cell.clientWidth).map((cell) => cell.textContent)
    );
    assert.deepEqual(cut, [], `${what} cuts addresses short`);
    // A short address beside a long name wraps after its "@" or a ".", never mid-word.
    assert.deepEqual(
      await addressesBrokenMidWord(page, "td.truncate, .member-email"),
      [],
      `${what} breaks addresses mid-word`,
    );
    await assertFitsWidth(page, what);
  }
  // Beside a long name the addresses still get their share of the row: a leftover 160 px cap left them a
  // column a few letters wide ("ken@glob / ex.exampl / e") while Name had room to spare.
  const widths = await page.locator("td.truncate").evaluateAll((cells) =>
    cells.map((cell) => cell.getBoundingClientRect().width)
  );
  assert.ok(widths.every((width) => width >= 150), `the address column is ${widths[0]}px wide`);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: the composer's To suggestions use the screen's width, so addresses show in full", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", KEN);
  await openComposer(page, server.url);
  await page.fill("#composer-to", "Ken");
  await page.waitForSelector("#composer-to-list [role=option]");
  const list = await page.locator("#composer-to-list").boundingBox();
  assert.ok(
    list && list.width >= PHONE.width - 60,
    `the list is ${list?.width}px wide on a ${PHONE.width}px screen`,
  );
  assert.ok(list.x >= 0 && list.x + list.width <= PHONE.width, "and inside it");
  const cut = await page.locator("#composer-to-list .suggest-sub").evaluateAll((lines) =>
    lines.filter((line) => line.scrollWidth > line.clientWidth).map((line) => line.textContent)
  );
  assert.deepEqual(cut, [], "addresses cut short");
  await screenshot(page, "compose-suggestions");
  await assertFitsWidth(page, "The composer with its suggestions");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: long link addresses wrap in the message page's Links and History, and stay told apart", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  // Two links to one site whose addresses differ only past where a one-line cut would end.
  const base = "https://docs.globex.example/proposals/2026/q3/section";
  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Your Q3 proposal",
    html:
      `<p><a href="${base}-1/detailed-breakdown">Costs</a> and <a href="${base}-2/detailed-breakdown">Timeline</a></p>`,
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();
  const { team } = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const [sent] = await listOutbox(server.kv, team.id);
  const html = (await getOutboxEntry(server.kv, team.id, sent.id))!.html;
  const click = html.match(/href="([^"]*\/t\/c\/[^"]*)"/)![1].replaceAll("&amp;", "&");
  await personRequest(server, click);
  await server.deps.recorder.idle();

  await openMessagePage(page, server.url, draft.id);
  await page.waitForSelector("[data-testid=history] >> text=docs.globex.example");
  // The clicked address in History was one word wider than the screen.
  await assertFitsWidth(page, "The message page with a click in its history");
  await screenshot(page, "message-long-links");
  // On a laptop each link in Links shows where it goes: cut to one line, both read the same start.
  await page.setViewportSize({ width: 1366, height: 768 });
  const cut = await page.locator(".link-list a").evaluateAll((links) =>
    links.filter((a) => a.scrollWidth > a.clientWidth || a.scrollHeight > a.clientHeight)
      .map((a) => a.textContent)
  );
  assert.deepEqual(cut, [], "links cut short");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: a contact page's Edit and Email go under the name, not beside the back link", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  const ken = await pageApi<{ id: string }>(page, "POST", "/contacts", KEN);
  await page.goto(`${server.url}/contacts/${ken.id}`);
  const name = (await page.locator(".page-header h1").boundingBox())!;
  const actions = (await page.locator(".page-header .page-actions").boundingBox())!;
  // "Ken Sato" is short: the buttons fitted beside it, but at the top, level with "← Contacts".
  assert.ok(actions.y >= name.y + name.height, `the buttons are at ${actions.y}px, the name at ${name.y}px`);
  await screenshot(page, "contact-header");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: the Team page's members table, with an admin's role and remove controls, fits its card", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url, {
    name: "Maximiliana Vanderbilt",
    email: "maximiliana.vanderbilt-oppenheimer@globex-international.example",
  });
  const invite = await pageApi<{ url: string }>(page, "POST", "/invites", { email: "bea@acme.example" });
  await acceptInvite(server.kv, new URL(invite.url).pathname.split("/").pop()!, {
    name: "Bea Costa",
    password: "another good password",
  }, { now: Date.now(), iterations: 1_000 });
  await page.goto(`${server.url}/team`);
  // Name, Email, Role (a select and Save) and Remove side by side were 518 px in a 322 px card.
  const { table, room } = await page.locator(".members-table").evaluate((table) => ({
    table: table.getBoundingClientRect().width,
    room: table.parentElement!.clientWidth,
  }));
  assert.ok(table <= room, `the table is ${table}px wide in ${room}px`);
  await assertFitsWidth(page, "The team page");
  assert.deepEqual(await addressesBrokenMidWord(page, ".member-email"), [], "addresses broken mid-word");
  await screenshot(page, "team-members-phone");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - small screens: a reply quoting a long link, a long name and a long draft subject keep every page to the screen", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: PHONE });
  await signUpInBrowser(page, server.url);
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  // A double-barrelled name typed without spaces, and a reply that is mostly a shared document's address.
  const ken = { ...KEN, lastName: "Sato-Hohenzollern".replaceAll("-", "") + "Sigmaringen".repeat(4) };
  const { contact, draft } = await draftToNewContact(page, ken, {
    subject: "Pricing",
    html: "<p>Hi Ken</p>",
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();
  const sent = await pageApi<{ rfcMessageId: string }>(page, "GET", `/messages/${draft.id}`);
  const link = `https://docs.google.com/document/d/${
    "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789".repeat(2)
  }/edit?usp=sharing`;
  const reply = await gmailReply(
    {
      rfcMessageId: sent.rfcMessageId,
      subject: "Pricing",
      seller: { name: "Ana Lima", address: "ana@acme.example" },
      sentAt: new Date(),
    },
    [`Here are my notes: ${link}`],
    { from: "Ken Sato <ken@globex.example>" },
  );
  assert.equal((await receiveAndFollowUp(server.deps, reply, { via: "raw" })).status, "matched");
  await pageApi(page, "POST", "/messages", {
    to: [ken.email],
    subject: `Re: Follow-up ${"Supercalifragilistic".repeat(8)}`,
    html: "<p>Hi</p>",
  });
  assert.ok((await listOutbox(server.deps.kv, me.team.id)).length > 0);

  for (
    const [what, path, shown] of [
      ["Activity", "/", "[data-testid=drafts]"],
      ["The message page", `/messages/${draft.id}`, "[data-testid=history]"],
      ["Ken's page", `/contacts/${contact.id}`, "text=Here are my notes"],
      ["The assistant", "/assistant", "text=Here are my notes"],
    ]
  ) {
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector(shown);
    await assertFitsWidth(page, what);
  }
  // On a laptop, Activity's column headers still break between words only ("Link clicks", not "Link click / s").
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`${server.url}/`);
  assert.deepEqual(await wordsSplitAcrossLines(page, ".activity th"), []);
  // Nor do the composer's labels on a phone ("Regardin / g").
  await page.setViewportSize(PHONE);
  await page.goto(`${server.url}/compose`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  assert.deepEqual(await wordsSplitAcrossLines(page, ".composer-label"), []);
  await page.goto(`${server.url}/`);
  await screenshot(page, "activity-long-words");
  await page.goto(`${server.url}/contacts/${contact.id}`);
  await screenshot(page, "contact-long-link-reply");
  assert.deepEqual(errors, []);
  await context.close();
});
