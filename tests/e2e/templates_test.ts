/**
 * End to end in headless Chromium: templates. One template is written in the editor (a merge field from the
 * menu, a mistake shown while typing, the live preview), a second through the API; five weeks of history are
 * seeded through the API (emails sent from each template, opens through the real pixel, replies written with
 * tests/helpers/replies.ts since there is no reply pipeline yet); then the library, the template page and its
 * chart, and the picker — rendered on its own at /templates/pick, as the composer isn't wired yet — which
 * stars the better template with its explanation, and "Use" opens a draft filled in for the contact.
 * Screenshots (desktop and phone): tests/screenshots/templates*.png, template-*.png.
 */
import assert from "node:assert/strict";
import type { Page, Response } from "playwright-core";
import { ManualClock } from "../../lib/clock/clock.ts";
import { MAX_SUBJECT_CHARS } from "../../lib/messages/limits.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { KEN, pageApi, selectBackInEditor, signUpInBrowser } from "../helpers/e2e_flows.ts";
import { outbox, trackingPaths } from "../helpers/mail.ts";
import { recordReply } from "../helpers/replies.ts";

const WEEK = 7 * 86_400_000;

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Records the script addresses a page loads until `weigh` is called, then fetches and sizes them. */
function scriptsOf(page: Page, url: string) {
  const paths = new Set<string>();
  const listen = (response: Response) => {
    if (response.request().resourceType() === "script") paths.add(new URL(response.url()).pathname);
  };
  page.on("response", listen);
  return async function weigh(): Promise<string> {
    page.off("response", listen);
    let raw = 0;
    let gzipped = 0;
    for (const path of paths) {
      if (!path.startsWith("/static/build/")) continue;
      const bytes = new Uint8Array(await (await fetch(`${url}${path}`)).arrayBuffer());
      raw += bytes.byteLength;
      gzipped += await gzipSize(bytes);
    }
    return `${(raw / 1024).toFixed(1)} KB (${(gzipped / 1024).toFixed(1)} KB gzipped)`;
  };
}

Deno.test("e2e - templates: write one, seed history, see the recommended one starred in the picker", async () => {
  const clock = new ManualClock(Date.now(), true);
  await using server = await startServer({ clock });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, {
    viewport: { width: 1280, height: 900 },
    timeout: 15_000,
    consoleErrorsExcept: /Failed to load resource/,
  });
  await signUpInBrowser(page, server.url, { name: "Sam Rivera", email: "sam@acme.example" });
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const teamId = me.team.id;

  // Contacts: 40 account executives at Initech (the history), and Ana, Head of Sales at Globex (the target).
  const initech = await pageApi<{ id: string }>(page, "POST", "/companies", {
    name: "Initech",
    industry: "Software",
  });
  const globex = await pageApi<{ id: string }>(page, "POST", "/companies", {
    name: "Globex",
    industry: "Logistics",
  });
  const ana = await pageApi<{ id: string; email: string }>(page, "POST", "/contacts", {
    firstName: "Ana",
    lastName: "Lima",
    email: "ana.lima@globex.example",
    title: "Head of Sales",
    companyId: globex.id,
  });
  const reps: string[] = [];
  for (let i = 0; i < 40; i++) {
    const rep = await pageApi<{ email: string }>(page, "POST", "/contacts", {
      firstName: ["Jo", "Kim", "Lee", "Max", "Noa"][i % 5],
      lastName: `Rep ${i + 1}`,
      email: `rep${i + 1}@initech.example`,
      title: "Account Executive",
      companyId: initech.id,
    });
    reps.push(rep.email);
  }

  // 1. Write a template in the editor.
  const editorWeight = scriptsOf(page, server.url);
  await page.goto(`${server.url}/templates/new`);
  await page.waitForSelector("[data-testid=template-editor][data-ready=true]");
  await page.fill("#template-name", "Case study");
  await page.fill("#template-category", "Proposal");
  await page.fill("#template-subject", "How {{company.nam}} cut response times");
  await page.waitForSelector("[data-testid=subject-error]");
  assert.match(
    await page.textContent("[data-testid=subject-error]") ?? "",
    /Unknown field \{\{company\.nam\}\} — did you mean \{\{company\.name\}\}\?/,
  );
  await page.click(".template-editor-host .ProseMirror");
  await page.keyboard.type("Hi ");
  await page.click(".template-body .field-menu-button");
  await page.click('#body-fields [data-field="contact.first_name"]');
  await page.keyboard.type(", here is how a team like yours answered every lead within the hour.");
  const frame = page.frameLocator(".template-preview-frame");
  await frame.locator("body:has-text('Hi Ana, here is how')").waitFor();
  // Mod-K on a selected word opens the link box; Enter links the word, in the editor and the preview.
  await page.keyboard.type(" Read the story");
  // Synthetic keys come faster than ProseMirror reads the page: wait until the editor's own state has
  // every letter before moving the selection, and has the selection before Mod-K acts on it.
  await frame.locator("body:has-text('Read the story')").waitFor();
  await selectBackInEditor(page, ".template-editor-host", "story");
  await page.keyboard.press("Control+k");
  await page.fill("#composer-link-input", "acme.example/story");
  await page.keyboard.press("Enter");
  await page.waitForSelector('.template-editor-host a[href="https://acme.example/story"]:text-is("story")');
  await frame.locator('a[href="https://acme.example/story"]').waitFor();
  await page.evaluate(() => scrollTo(0, 0));
  await screenshot(page, "template-editor");
  // Fix the subject with the menu: the error goes away.
  await page.fill("#template-subject", "How ");
  await page.click("[aria-controls=subject-fields]");
  await page.click('#subject-fields [data-field="contact.company"]');
  await page.keyboard.type(" could answer every lead within the hour");
  await page.waitForSelector("[data-testid=subject-error]", { state: "detached" });
  // The preview follows a moment after typing stops.
  await page.locator("[data-testid=preview-subject]", { hasText: "could answer every lead within the hour" })
    .waitFor();
  assert.equal(
    await page.textContent("[data-testid=preview-subject]"),
    "Subject: How Globex could answer every lead within the hour",
  );
  await page.click("button[type=submit]:has-text('Create template')");
  await page.waitForURL(/\/templates\/[0-9A-Z]{26}$/);
  const caseStudyId = page.url().split("/").pop()!;
  const editorJs = await editorWeight();

  // 2. A second template through the API.
  const intro = await pageApi<{ id: string }>(page, "POST", "/templates", {
    name: "Quick intro",
    category: "Intro",
    subject: 'Quick question, {{contact.first_name | "there"}}',
    html: "<p>Hi {{contact.first_name}}, do you have 15 minutes this week?</p><p>{{sender.first_name}}</p>",
  });

  // 3. Five weeks of history: each week 8 emails from each template, opens through the pixel, replies.
  const start = Date.now() - 5 * WEEK;
  clock.set(start);
  const replied = { case: 0, intro: 0 };
  for (let week = 0; week < 5; week++) {
    const batch = reps.slice(week * 8, week * 8 + 8);
    for (const [template, key] of [[caseStudyId, "case"], [intro.id, "intro"]] as const) {
      const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
        to: batch,
        subject: "Hello",
        html: "<p>Hello</p>",
        sendIndividually: true,
        template: { id: template, version: 1 },
      });
      const sent = await pageApi<{ items: { id: string }[] }>(page, "POST", `/messages/${draft.id}/send`);
      await server.deps.scheduler.drain();
      // Case study: 4 replies the first week, then 3 (16 in all); Quick intro: a reply in two weeks (2 in all).
      const replies = key === "case" ? (week === 0 ? 4 : 3) : (week % 2 ? 1 : 0);
      for (const { id } of sent.items.slice(0, replies)) {
        await recordReply(server.kv, teamId, id, clock.now() + (2 + week) * 3_600_000);
        replied[key]++;
      }
    }
    clock.advance(WEEK);
  }
  clock.set(Date.now());
  assert.deepEqual(replied, { case: 16, intro: 2 });
  const opened = (await outbox(server, teamId)).slice(0, 50);
  for (const [i, email] of opened.entries()) {
    if (i % 3 === 2) continue;
    const pixel = trackingPaths(email.html).pixel;
    if (pixel) {
      await (await fetch(`${server.url}${pixel}`, {
        headers: {
          "user-agent":
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 Thunderbird/128.0",
        },
      })).body
        ?.cancel();
    }
  }
  await server.deps.recorder.idle();

  // 4. The library, with results.
  const libraryWeight = scriptsOf(page, server.url);
  await page.goto(`${server.url}/templates`);
  const row = page.locator(`tr[data-template-id="${caseStudyId}"]`);
  assert.match(await row.textContent() ?? "", /40.*40%/);
  assert.match(await row.textContent() ?? "", /Recommended/);
  await screenshot(page, "templates");
  const libraryJs = await libraryWeight();

  // 5. The template page: results overall, per version, over time.
  await page.click(`tr[data-template-id="${caseStudyId}"] a.row-link`);
  await page.waitForSelector(".chart-svg");
  assert.equal(await page.textContent("[data-kpi=sent] .kpi-value"), "40");
  assert.equal(await page.textContent("[data-kpi=reply] .kpi-value"), "40%");
  assert.ok((await page.locator(".chart-wide .chart-bar").count()) >= 5, "a bar per week");
  // Its content, filled in for Ana (an iframe: taller viewport so the screenshot shows it).
  await page.selectOption("#chooser-preview", ana.id);
  await page.click("#content button[type=submit]");
  await page.frameLocator("#content iframe").locator("body:has-text('Hi Ana, here is how')").waitFor();
  assert.equal(
    await page.textContent("#content .template-preview-subject"),
    "Subject: How Globex could answer every lead within the hour",
  );
  await page.setViewportSize({ width: 1280, height: 1700 });
  await page.evaluate(() => scrollTo(0, 0));
  await screenshot(page, "template-page");
  await page.setViewportSize({ width: 1280, height: 900 });

  // 6. The picker for Ana: the case study is starred, with the evidence it used.
  const pickerWeight = scriptsOf(page, server.url);
  await page.goto(`${server.url}/templates/pick?contact=${ana.id}`);
  await page.waitForSelector("[data-testid=template-picker][data-ready=true]");
  await page.waitForFunction(() =>
    document.querySelector("beacon-island[data-island=template_picker]")?.getAttribute("data-hydrated") ===
      "true"
  );
  const first = page.locator(".picker-item").first();
  assert.equal(await first.getAttribute("data-template-id"), caseStudyId);
  assert.equal(await first.locator("[data-testid=recommended]").textContent(), "★ Recommended");
  assert.equal(
    await first.locator("[data-testid=explanation]").textContent(),
    "Recommended: 34% replies over 40 sends to people in Sales roles (team average 21%)",
  );
  assert.equal(await page.locator("[data-testid=recommended]").count(), 1, "one star at most");
  assert.match(
    await page.locator(`.picker-item[data-template-id="${intro.id}"] [data-testid=explanation]`)
      .textContent() ?? "",
    /^10% expected reply rate over 40 sends to people in Sales roles/,
  );
  await screenshot(page, "template-picker");
  // Search and categories filter the list; the star stays where it is.
  await page.fill("#picker-search", "quick");
  await page.waitForFunction(() => document.querySelectorAll(".picker-item").length === 1);
  await page.fill("#picker-search", "");
  await page.click(".picker-chip:has-text('Proposal')");
  assert.equal(await page.locator(".picker-item").count(), 1);
  await page.click(".picker-chip:has-text('All')");
  const pickerJs = await pickerWeight();

  // "Use" writes a draft to Ana, filled in for her, remembering the template and version.
  await first.locator("button.picker-use").click();
  await page.waitForURL(/\/compose\/[0-9A-Z]{26}$/);
  const draftId = page.url().split("/").pop()!;
  const draft = await pageApi<{ subject: string; html: string; template: unknown; to: { email: string }[] }>(
    page,
    "GET",
    `/messages/${draftId}`,
  );
  assert.equal(draft.subject, "How Globex could answer every lead within the hour");
  assert.match(draft.html, /Hi Ana, here is how/);
  assert.deepEqual(draft.template, { id: caseStudyId, version: 1 });
  assert.deepEqual(draft.to.map((r) => r.email), [ana.email]);

  console.log(`JS per page — editor: ${editorJs}; library: ${libraryJs}; picker: ${pickerJs}`);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - templates: a field picked the moment its menu opens leaves the cursor in the body", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser, { viewport: { width: 1280, height: 900 } });
  await signUpInBrowser(page, server.url, { name: "Sam Rivera", email: "sam@acme.example" });
  await page.goto(`${server.url}/templates/new`);
  await page.waitForSelector("[data-testid=template-editor][data-ready=true]");
  await page.click(".template-editor-host .ProseMirror");
  await page.keyboard.type("Hi ");
  // Open the menu and pick a field before the browser paints (a fast hand, or a busy machine): the body has the
  // focus at once, so the next key lands there, and the closing menu does not pull it back.
  const focusedAfterPick = await page.evaluate(async () => {
    document.querySelector<HTMLButtonElement>(".template-body .field-menu-button")!.click();
    await Promise.resolve();
    document.querySelector<HTMLButtonElement>('#body-fields [data-field="contact.first_name"]')!.click();
    const now = document.activeElement?.classList.contains("ProseMirror");
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
    return { now, later: document.activeElement?.classList.contains("ProseMirror") };
  });
  assert.deepEqual(focusedAfterPick, { now: true, later: true });
  await page.keyboard.type(", welcome");
  await page.locator(".template-editor-host .ProseMirror", { hasText: "Hi {{contact.first_name}}, welcome" })
    .waitFor();
  assert.deepEqual(errors, []);
});

Deno.test("e2e - templates: a field with no value asks first, from the keyboard, and Escape leaves the dialog open", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url, { name: "Sam Rivera", email: "sam@acme.example" });
  const ken = await pageApi<{ id: string }>(page, "POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
  });
  await pageApi(page, "POST", "/templates", {
    name: "Role intro",
    category: "Intro",
    subject: "For the {{contact.title}}",
    html: "<p>Hi {{contact.first_name}}, as {{contact.title}} you will like this.</p>",
  });
  const focus = () => page.evaluate(() => document.activeElement?.textContent?.trim());
  const question = "[data-testid=template-picker] [role=alertdialog]";
  /** Presses a key and waits for the missing-fields question to appear, or to go away. */
  const press = async (key: string, questionIs: "shown" | "gone") => {
    await page.keyboard.press(key);
    await page.waitForSelector(question, questionIs === "gone" ? { state: "detached" } : {});
  };

  // On its own page, for Ken (who has no title): "Use" asks, with the focus on the answer.
  await page.goto(`${server.url}/templates/pick?contact=${ken.id}`);
  await page.waitForSelector("[data-testid=template-picker][data-ready=true]");
  await page.focus('button[aria-label="Use Role intro"]');
  await press("Enter", "shown");
  assert.match(
    await page.textContent(question) ?? "",
    /Nothing to fill in for Ken Sato: \{\{contact\.title\}\}/,
  );
  assert.equal(await focus(), "Insert anyway");
  await screenshot(page, "template-picker-missing");
  // Escape and Cancel put the focus back on "Use", so Enter asks again.
  await press("Escape", "gone");
  assert.equal(await focus(), "Use");
  await press("Enter", "shown");
  await page.keyboard.press("Tab");
  assert.equal(await focus(), "Cancel");
  await press("Enter", "gone");
  assert.equal(await focus(), "Use");
  await press("Enter", "shown");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/compose\/[0-9A-Z]{26}$/);
  const draft = await pageApi<{ subject: string; html: string }>(
    page,
    "GET",
    `/messages/${page.url().split("/").pop()}`,
  );
  assert.equal(draft.subject, "For the {{contact.title}}", "what has no value stays as written");
  assert.match(draft.html, /Hi Ken, as \{\{contact\.title\}\}/);

  // In the composer's dialog (no recipient yet: no contact field has a value), Escape answers the question only.
  await page.goto(`${server.url}/compose`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  await page.click("button.composer-templates");
  await page.waitForSelector("[data-testid=templates-dialog] [data-testid=template-picker][data-ready=true]");
  await page.click('button[aria-label="Use Role intro"]');
  await page.waitForSelector(question);
  await press("Escape", "gone");
  assert.ok(await page.isVisible("[data-testid=templates-dialog]"), "the templates dialog is still open");
  assert.equal(await focus(), "Use");
  assert.deepEqual(errors, []);
});

Deno.test("e2e - templates: a subject over the limit is kept whole and refused with its length, not cut", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url, { name: "Sam Rivera", email: "sam@acme.example" });
  await page.goto(`${server.url}/templates/new`);
  await page.waitForSelector("[data-testid=template-editor][data-ready=true]");
  await page.fill("#template-name", "Long one");
  const long = "A subject pasted from a long document, ".repeat(8).trim();
  assert.ok(long.length > MAX_SUBJECT_CHARS);
  await page.focus("#template-subject");
  await page.keyboard.insertText(long);
  assert.equal(await page.inputValue("#template-subject"), long, "nothing dropped without a word");
  await page.click(".template-editor-host .ProseMirror");
  await page.keyboard.type("Hello.");
  await page.click("#template-form button[type=submit]");
  await page.waitForSelector("[data-testid=subject-error]");
  assert.equal(
    await page.textContent("[data-testid=subject-error]"),
    `Subjects are at most ${MAX_SUBJECT_CHARS} characters; this one has ${long.length}.`,
  );
  assert.equal(await pageApi<{ items: unknown[] }>(page, "GET", "/templates").then((l) => l.items.length), 0);
  assert.deepEqual(errors, []);
});

Deno.test("e2e - templates: editing a template, its preview is filled in as the page arrives", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url, { name: "Sam Rivera", email: "sam@acme.example" });
  await pageApi(page, "POST", "/contacts", KEN);
  const template = await pageApi<{ id: string }>(page, "POST", "/templates", {
    name: "Intro",
    category: "Intro",
    subject: "Hello {{contact.first_name}}",
    html: "<p>Hi {{contact.first_name}}, a word about pricing.</p>",
  });
  // The preview API never answers: what the preview shows came with the page.
  const asked: string[] = [];
  await page.route("**/api/templates/preview", (route) => void asked.push(route.request().url()));
  await page.goto(`${server.url}/templates/${template.id}/edit`);
  await page.waitForSelector("[data-testid=template-editor][data-ready=true]");
  assert.equal(await page.textContent("[data-testid=preview-subject]"), "Subject: Hello Ken");
  const frame = page.frameLocator(".template-preview-frame");
  assert.equal(await frame.locator("body").textContent(), "Hi Ken, a word about pricing.");
  await page.waitForTimeout(500); // longer than the preview waits after a change
  assert.deepEqual(asked, [], "nothing changed: not asked for again");
  await screenshot(page, "template-edit-preview");
  assert.deepEqual(errors, []);
});
