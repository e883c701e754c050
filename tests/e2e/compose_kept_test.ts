/**
 * End to end in headless Chromium: nothing the seller typed in the composer is lost without a word — text left
 * in a recipient field that isn't an address, a pasted subject longer than the limit, and what was typed just
 * before the page was left.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { MAX_SUBJECT_CHARS } from "../../lib/messages/limits.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { openComposer, pageApi, pickContact, signUpInBrowser } from "../helpers/e2e_flows.ts";

const saved = (page: Page) =>
  page.waitForFunction(() =>
    /^Saved \d\d:\d\d$/.test(document.querySelector("[data-testid=save-status]")?.textContent ?? "")
  );

const focused = (page: Page, selector: string) =>
  page.waitForFunction((s) => document.activeElement === document.querySelector(s), selector, {
    timeout: 3000,
  });

Deno.test("e2e - compose: text in To/Cc that isn't an address blocks Send, named in the field's error", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await pageApi(page, "POST", "/contacts", {
    firstName: "Bea",
    lastName: "Costa",
    email: "bea@globex.example",
  });

  await openComposer(page, server.url);
  await pickContact(page, "#composer-to", "Bea", "Bea Costa");
  await page.type("#composer-to", "bob smith");
  await page.fill("#composer-subject", "Pricing");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hello both.");
  await page.click(".composer-send");
  await page.waitForSelector("#composer-to-error");
  assert.match(await page.textContent("#composer-to-error") ?? "", /^Finish or remove “bob smith”/);
  await focused(page, "#composer-to");
  assert.equal(await page.inputValue("#composer-to"), "bob smith", "the text stays for the seller to fix");
  assert.match(page.url(), /\/compose/, "nothing was sent");
  await screenshot(page, "compose-unfinished-recipient");
  await page.keyboard.press("Backspace");
  assert.equal(await page.locator("#composer-to-error").count(), 0, "editing the text clears the message");

  // A name half-typed in Cc with its suggestions open is not dropped either.
  await page.fill("#composer-to", "");
  await page.click("button.composer-toggle:has-text('Cc')");
  await page.fill("#composer-cc", "Bea");
  await page.waitForSelector('#composer-cc-list [role=option]:has-text("Bea Costa")');
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#composer-cc-error");
  assert.match(await page.textContent("#composer-cc-error") ?? "", /^Finish or remove “Bea”/);
  await focused(page, "#composer-cc");

  // A leftover that is an address becomes a recipient, as before.
  await page.fill("#composer-cc", "bob@partner.example");
  await page.keyboard.press("Control+Enter");
  await page.waitForURL(/\/messages\/\w+$/);
  const sent = await pageApi<{ to: { email: string }[]; cc: { email: string }[] }>(
    page,
    "GET",
    `/messages/${page.url().split("/").pop()}`,
  );
  assert.deepEqual(sent.to.map((r) => r.email), ["bea@globex.example"]);
  assert.deepEqual(sent.cc.map((r) => r.email), ["bob@partner.example"]);

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose: a pasted subject over the limit is cut with a notice; the API refuses it whole", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, {
    permissions: ["clipboard-read", "clipboard-write"],
    // The API's refusal of the long subject, asked on purpose.
    consoleErrorsExcept: /Failed to load resource/,
  });
  await signUpInBrowser(page, server.url);
  const long = "Our proposal for the renewal ".repeat(36).trim(); // 1,079 characters
  const refused = await page.evaluate(async (subject) => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
    const response = await fetch("/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": token },
      body: JSON.stringify({ subject }),
    });
    return { status: response.status, body: await response.json() };
  }, long);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.fields.subject, `Subjects are at most ${MAX_SUBJECT_CHARS} characters.`);

  await openComposer(page, server.url);
  await page.evaluate((text) => navigator.clipboard.writeText(text), long);
  await page.focus("#composer-subject");
  await page.keyboard.press("Control+V");
  await page.waitForSelector("#composer-subject-error");
  assert.equal((await page.inputValue("#composer-subject")).length, MAX_SUBJECT_CHARS);
  assert.equal(
    await page.textContent("#composer-subject-error"),
    `Subjects are at most ${MAX_SUBJECT_CHARS} characters: the last ${
      long.length - MAX_SUBJECT_CHARS
    } pasted were left out.`,
  );
  assert.equal(await page.getAttribute("#composer-subject", "maxlength"), String(MAX_SUBJECT_CHARS));
  await saved(page); // what is kept is saved: the notice is no refusal
  await page.keyboard.press("Backspace");
  assert.equal(await page.locator("#composer-subject-error").count(), 0, "editing clears the notice");

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose: what was typed just before leaving the page is saved", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await openComposer(page, server.url);
  await page.fill("#composer-subject", "Before the reload");
  await saved(page);
  const id = page.url().split("/").pop()!;

  // Typed, then the page is left at once: well inside the pause before the next save.
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Last words");
  await page.goto(`${server.url}/settings`);
  const deadline = Date.now() + 3000;
  let html = "";
  while (!html.includes("Last words") && Date.now() < deadline) {
    html = (await pageApi<{ html: string }>(page, "GET", `/messages/${id}`)).html;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(html, /Last words/);

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose: a new email reloaded before its first save comes back as it was, as one draft", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  page.on("dialog", (dialog) => void dialog.accept()); // "Leave site?": yes
  await signUpInBrowser(page, server.url);
  const typeNewEmail = async (subject: string) => {
    await openComposer(page, server.url);
    assert.match(page.url(), /\/compose\?key=[\w-]{16,64}$/, "the page's address names its draft");
    await page.fill("#composer-to", "mia@example.com");
    await page.keyboard.press("Enter");
    await page.fill("#composer-subject", subject);
    await page.click(".composer-editor .ProseMirror");
    await page.keyboard.type(`Body of ${subject}`);
  };
  const cameBack = async (subject: string) => {
    await page.waitForSelector("[data-testid=composer][data-ready=true]");
    await saved(page);
    assert.match(page.url(), /\/compose\/\w{26}$/);
    assert.equal(await page.inputValue("#composer-subject"), subject);
    assert.equal(await page.textContent(".composer-editor .ProseMirror"), `Body of ${subject}`);
    assert.deepEqual(await page.locator("[data-testid=chip]").allTextContents(), ["mia@example.com"]);
  };

  // Reloaded well inside the pause before the first save: the save sent as the page goes makes the draft,
  // and the reloaded page opens it (or, when it asked first, puts back what the tab kept and saves it there).
  await typeNewEmail("Reloaded straight away");
  await page.reload();
  await cameBack("Reloaded straight away");

  // The save sent as the page goes never arrives: the tab kept what was typed, and the reloaded page saves it.
  // (The route stays: taking it away while the reloaded page loads can leave that page's requests paused.)
  let dropSaves = true;
  await page.route("**/api/messages", (route) => dropSaves ? route.abort() : route.continue());
  await typeNewEmail("Its save was lost");
  await page.reload();
  dropSaves = false;
  await cameBack("Its save was lost");

  await page.goto(`${server.url}/`);
  assert.deepEqual(
    (await page.locator("[data-testid=drafts] li a").allTextContents()).toSorted(),
    ["Its save was lost", "Reloaded straight away"],
    "one draft each",
  );
  assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_FAILED/.test(String(e))), []);
  await context.close();
});

Deno.test("e2e - compose: a second tab on a new email's address is asked which version to keep, never saved over the first", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await openComposer(page, server.url);
  const other = await context.newPage();
  await other.goto(page.url()); // the same address, key and all, before anything is saved
  await other.waitForSelector("[data-testid=composer][data-ready=true]");
  await page.fill("#composer-subject", "From the first tab");
  await saved(page);
  const id = page.url().split("/").pop()!;

  await other.fill("#composer-subject", "From the second tab");
  await other.waitForSelector("[data-testid=draft-conflict]:has-text('changed in another tab')");
  const stored = await pageApi<{ subject: string }>(page, "GET", `/messages/${id}`);
  assert.equal(stored.subject, "From the first tab", "nothing saved over it");
  await other.click("button:has-text('Load the other version')");
  await other.waitForURL(`${server.url}/compose/${id}`);
  await other.waitForSelector("[data-testid=composer][data-ready=true]");
  assert.equal(await other.inputValue("#composer-subject"), "From the first tab");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose: a new draft left at once by a link is saved first, then listed on Activity, with no question", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.type());
    void dialog.accept();
  });
  await signUpInBrowser(page, server.url);
  await openComposer(page, server.url);
  await page.fill("#composer-to", "mia@example.com");
  await page.keyboard.press("Enter");
  await page.fill("#composer-subject", "Left straight away");
  // Well inside the pause before the first save, the seller goes to Activity.
  await page.click("nav.sidenav a[href='/']");
  await page.waitForURL(`${server.url}/`);
  assert.deepEqual(
    await page.locator("[data-testid=drafts] li a").allTextContents(),
    ["Left straight away"],
    "the draft is there on arrival",
  );
  assert.deepEqual(dialogs, [], "no 'Leave site?'");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose: clicking Send with an address still typed in To sends, though its chip moves Send", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await openComposer(page, server.url);
  await page.fill("#composer-to", "bea@globex.example");
  await page.keyboard.press("Enter");
  await page.fill("#composer-subject", "Pricing");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hello both.");
  // Back to To for a second address, then straight to Send with the mouse: as the field loses focus its
  // text becomes a chip and the note on attributing two recipients appears above Send, moving it.
  await page.click("#composer-to");
  await page.keyboard.type("ken@globex.example");
  const send = page.locator(".composer-send");
  const before = (await send.boundingBox())!;
  await page.mouse.click(before.x + before.width / 2, before.y + before.height / 2);
  await page.waitForURL(/\/messages\/\w+$/);
  const sent = await pageApi<{ to: { email: string }[] }>(
    page,
    "GET",
    `/messages/${page.url().split("/").pop()}`,
  );
  assert.deepEqual(sent.to.map((r) => r.email), ["bea@globex.example", "ken@globex.example"]);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test('e2e - compose: fifty recipients fold to the first three and "+47 more" while To is not in use', async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await openComposer(page, server.url);
  const addresses = Array.from({ length: 50 }, (_, i) => `buyer${i + 1}@globex.example`);
  await page.focus("#composer-to");
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData("text", text);
    document.querySelector("#composer-to")!.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, addresses.join(", "));
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=chip]").length === 50);
  await page.click("#composer-subject");
  // Once the field is left: all fifty while pasting and checking them.
  const chips = page.locator("[data-testid=chip]");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=chip]").length === 3);
  assert.deepEqual(await chips.allTextContents(), addresses.slice(0, 3));
  // Its name starts with what it shows (WCAG 2.5.3), then says what it does.
  const more = page.getByRole("button", { name: "+47 more To recipients: show all 50", exact: true });
  assert.equal(await more.locator(":scope > :not(.sr-only)").count(), 0);
  assert.match((await more.textContent())!, /^\+47 more /);
  const subject = await page.locator("#composer-subject").boundingBox();
  assert.ok(subject!.y < 300, `Subject is ${subject!.y}px down the page`);
  await screenshot(page, "compose-fifty-recipients");
  await saved(page);
  const id = page.url().split("/").pop()!;
  const draft = await pageApi<{ to: { email: string }[] }>(page, "GET", `/messages/${id}`);
  assert.equal(draft.to.length, 50, "folded, not removed");

  await more.click();
  assert.equal(await chips.count(), 50);
  assert.ok(await page.evaluate(() => document.activeElement?.id === "composer-to"), "To has the focus");
  await page.keyboard.press("Shift+Tab"); // the last chip's remove button: still in the field
  assert.equal(await chips.count(), 50);
  await page.click("#composer-subject");
  assert.equal(await chips.count(), 3, "folded again once the field is left");
  await more.focus(); // from the keyboard
  await page.keyboard.press("Enter");
  assert.equal(await chips.count(), 50);
  assert.ok(await page.evaluate(() => document.activeElement?.id === "composer-to"), "To has the focus");
  assert.deepEqual(errors, []);
  await context.close();
});
