/**
 * End to end in headless Chromium: the composer. Recipients by autocomplete and by address, formatting,
 * links, autosave across a reload, the follow control, sending and the Outbox; then the errors a send
 * can show, a refused address, a recipient who blocks tracking, and discarding a draft.
 * Screenshots (desktop and phone) go to tests/screenshots/compose*.png.
 */
import assert from "node:assert/strict";
import type { Browser, Page, Response } from "playwright-core";
import { ManualClock } from "../../lib/clock/clock.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { openComposer, pickContact, selectBackInEditor, signUpInBrowser } from "../helpers/e2e_flows.ts";
import { getOutboxEntry, listOutbox } from "../../lib/mail/outbox.ts";

async function signUp(browser: Browser, url: string, email: string) {
  const seller = await newSellerPage(browser, {
    viewport: { width: 1280, height: 900 },
    // Failed requests (offline, a 400 on purpose) are logged by the browser itself; anything else counts.
    consoleErrorsExcept: /Failed to load resource/,
  });
  await signUpInBrowser(seller.page, url, { name: "Ana Lima", email });
  return seller;
}

/** Calls the JSON API as the signed-in page would (session cookie and CSRF header). */
async function apiCall(page: Page, url: string, method: string, path: string, data?: unknown) {
  const csrf = await page.getAttribute('meta[name="csrf-token"]', "content") ?? "";
  const response = await page.request.fetch(`${url}/api${path}`, {
    method,
    data,
    headers: { "x-csrf-token": csrf, origin: url },
  });
  const text = await response.text();
  return { status: response.status(), json: text ? JSON.parse(text) : null };
}

/** Waits until the element is the one with keyboard focus (focus moves after a render). */
async function focused(page: Page, selector: string) {
  await page.waitForFunction((s) => document.activeElement === document.querySelector(s), selector, {
    timeout: 3000,
  });
}

const saved = (page: Page) =>
  page.waitForFunction(() =>
    /^Saved \d\d:\d\d$/.test(document.querySelector("[data-testid=save-status]")?.textContent ?? "")
  );

/** What Word (and Google Docs, for the last paragraph) put on the clipboard. */
const WORD_PASTE =
  `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]--></head>
<body lang=EN-US><!--StartFragment--><p class=MsoNormal style='margin:0cm;font-family:Calibri'><b>Budget</b>
<span style='font-style:italic'>approved</span> for <a href="https://acme.example/" style='color:#0563C1'>Acme</a><o:p></o:p></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Second point<o:p></o:p></p>
<b style="font-weight:normal;" id="docs-internal-guid-1234"><p dir="ltr"><span style="font-weight:400">Docs text</span></p></b>
<!--EndFragment--></body></html>`;

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

Deno.test("e2e - compose, autosave, reload, follow and send an email", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await signUp(browser, server.url, "ana@acme.example");

  const contact = await apiCall(page, server.url, "POST", "/contacts", {
    firstName: "Bea",
    lastName: "Costa",
    email: "bea@globex.example",
  });
  assert.equal(contact.status, 201, JSON.stringify(contact.json));
  const company = await apiCall(page, server.url, "POST", "/companies", {
    name: "Globex",
    domain: "globex.example",
  });
  assert.equal(company.status, 201);

  // Script addresses only (reading bodies would race the navigations below); sizes are fetched afterwards.
  // Leave the previous page first, so none of its late island chunks are counted as the composer's.
  await page.goto("about:blank");
  const scripts = new Set<string>();
  const onResponse = (response: Response) => {
    if (response.request().resourceType() === "script") scripts.add(new URL(response.url()).pathname);
  };
  page.on("response", onResponse);
  await openComposer(page, server.url);
  assert.match(
    await page.textContent("[data-testid=follow-text]") ?? "",
    /Following — opens and link clicks will be tracked/,
  );

  // To: a contact by autocomplete, and a free address ended by a comma.
  await page.fill("#composer-to", "Bea");
  await page.waitForSelector('#composer-to-list [role=option]:has-text("Bea Costa")');
  assert.equal(await page.getAttribute("#composer-to", "aria-expanded"), "true");
  await screenshot(page, "compose-suggest");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid=chip]:has-text("Bea Costa")');
  await page.type("#composer-to", "ken@partner.example,");
  await page.waitForSelector('[data-testid=chip]:has-text("ken@partner.example")');
  assert.equal(await page.inputValue("#composer-to"), "");

  await page.fill("#composer-subject", "Quarterly review");

  // Body: text, a word made bold with the toolbar, and a link on a selected word.
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hello Bea, here is some ");
  await page.click("button[data-format=bold]");
  assert.equal(await page.getAttribute("button[data-format=bold]", "aria-pressed"), "true");
  await page.keyboard.type("important");
  await page.click("button[data-format=bold]");
  await page.keyboard.type(" news. Read the proposal");
  await selectBackInEditor(page, ".composer-editor", "proposal");
  await page.click("button[data-format=link]");
  await page.fill("#composer-link-input", "acme.example/proposal");
  await page.keyboard.press("Enter");
  await page.waitForSelector('.ProseMirror a[href="https://acme.example/proposal"]');
  // Typing straight on goes after the link, not over the linked word nor into the link.
  await page.keyboard.type(" today.");
  assert.equal(await page.textContent(".ProseMirror strong"), "important");
  assert.equal(await page.textContent('.ProseMirror a[href="https://acme.example/proposal"]'), "proposal");
  assert.match(await page.textContent(".ProseMirror p") ?? "", /Read the proposal today\.$/);
  // So does End and Enter, pressed at once.
  await selectBackInEditor(page, ".composer-editor", ".");
  await page.keyboard.press("ControlOrMeta+k");
  await page.fill("#composer-link-input", "acme.example/today");
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Best, Ana");
  assert.deepEqual(await page.locator(".ProseMirror p").allTextContents(), [
    "Hello Bea, here is some important news. Read the proposal today.",
    "Best, Ana",
  ]);
  assert.equal(await page.textContent('.ProseMirror a[href="https://acme.example/today"]'), ".");

  // Regarding: companies and contacts are searched together.
  await page.fill("#composer-regarding", "Glob");
  // "Glob" also finds Bea (her address is at globex.example); the company is picked from the list.
  await page.click('#composer-regarding-list [role=option]:has-text("Company")');
  assert.match(await page.textContent("[data-testid=regarding-chip]") ?? "", /Company\s*Globex/);

  await saved(page);
  assert.match(page.url(), /\/compose\/\w+$/, "the new draft's address replaces /compose");
  const draftId = page.url().split("/").pop()!;

  // Several recipients while following: the note and the send-individually choice.
  assert.match(
    await page.textContent(".follow-multi") ?? "",
    /2 recipients: opens and clicks can't be attributed/,
  );
  assert.equal(await page.isChecked("#composer-individually"), false);
  await page.hover("button[data-format=italic]");
  await screenshot(page, "compose");

  // What the compose page loads: the client entry, the composer chunk, the editor chunk, shared chunks.
  page.off("response", onResponse);
  const js = [...scripts].filter((path) => path.startsWith("/static/build/"));
  assert.ok(js.some((path) => path.includes("/editor-")), "the editor loads as its own chunk");
  assert.ok(
    !js.some((path) => /\/(attachments|templates|template_picker)-/.test(path)),
    "the files panel and the template picker load on use",
  );
  let gzipped = 0;
  for (const path of js) {
    gzipped += await gzipSize(new Uint8Array(await (await fetch(`${server.url}${path}`)).arrayBuffer()));
  }
  console.log(`compose page JS: ${js.length} files, ${gzipped} bytes gzipped`);
  // 151 KB: keeping what was typed (unfinished recipients, a cut subject, a save as the page is left) took ~0.3 KB.
  // 152 KB: today's keyboard-focus fixes had made it 151.1 KB; the focus given back by one helper, ~0.4 KB more.
  // 153 KB: a draft changed in another tab (saves made to a revision, the banner and its two choices), ~0.5 KB.
  // 154 KB: a new email reloaded before its first save comes back (its key, what the tab kept), ~0.5 KB; long
  // recipient lists folded to "+N more", ~0.2 KB.
  // 155 KB: the note on links that go out untracked (the rule shared with the renderer, counted as one types),
  // and the contact label shared with the pages, ~0.4 KB.
  assert.ok(gzipped < 155_000, `the compose page ships at most 155 KB of gzipped JS (${gzipped})`);

  // A reload shows the saved draft, rendered by the server.
  await page.reload();
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  const chips = await page.locator("[data-testid=chip]").allTextContents();
  assert.deepEqual(chips.map((c) => c.trim()), ["Bea Costa <bea@globex.example>", "ken@partner.example"]);
  assert.equal(await page.inputValue("#composer-subject"), "Quarterly review");
  assert.equal(await page.textContent(".ProseMirror strong"), "important");
  assert.equal(await page.textContent('.ProseMirror a[href="https://acme.example/proposal"]'), "proposal");
  assert.match(await page.textContent("[data-testid=regarding-chip]") ?? "", /Globex/);
  assert.match(await page.textContent("[data-testid=save-status]") ?? "", /^Saved \d\d:\d\d$/);

  // Send individually is saved with the draft.
  await page.check("#composer-individually");
  assert.equal(
    await page.textContent("#composer-multi-note"),
    "Each To recipient gets their own copy: their opens and clicks are theirs alone.",
  );
  await saved(page);
  const draft = await apiCall(page, server.url, "GET", `/messages/${draftId}`);
  assert.equal(draft.json.sendIndividually, true);
  await page.uncheck("#composer-individually");

  // Remove the free address: one recipient, no note.
  await page.click('button[aria-label="Remove ken@partner.example"]');
  assert.equal(await page.locator(".follow-multi").count(), 0);
  await focused(page, "#composer-to");

  await page.click(".composer-send");
  await page.waitForURL(/\/messages\/\w+$/);
  assert.equal(page.url(), `${server.url}/messages/${draftId}`);
  assert.match(await page.textContent("h1") ?? "", /Quarterly review/);
  assert.match(await page.textContent(".toasts") ?? "", /on its way/);

  await page.goto(`${server.url}/outbox`);
  await page.waitForFunction(() =>
    document.querySelector("table")?.textContent?.includes("Quarterly review")
  );
  assert.match(await page.textContent("table") ?? "", /Quarterly review.*bea@globex\.example/s);

  // Several copies: sent individually (with Ctrl+Enter), then the seller's own activity.
  await openComposer(page, server.url);
  await pickContact(page, "#composer-to", "Bea", "Bea Costa");
  await page.type("#composer-to", "ken@partner.example");
  await page.fill("#composer-subject", "One each");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("A copy for each of you.");
  await page.check("#composer-individually");
  await page.keyboard.press("Control+Enter");
  await page.waitForURL(`${server.url}/?scope=mine`);
  assert.match(await page.textContent(".toasts") ?? "", /Sent 2 copies\./);

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose errors: missing subject, refused address, blocked tracking, discard", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await signUp(browser, server.url, "ana@acme.example");
  await apiCall(page, server.url, "POST", "/contacts", {
    firstName: "Bea",
    lastName: "Costa",
    email: "bea@globex.example",
  });
  const dan = await apiCall(page, server.url, "POST", "/contacts", {
    firstName: "Dan",
    lastName: "Ortiz",
    email: "dan@initech.example",
    tracking: "do_not_allow",
  });
  assert.equal(dan.status, 201);

  await openComposer(page, server.url);
  // Send on an empty new email: what is missing is said, and no empty draft is left behind.
  await page.click(".composer-send");
  await page.waitForSelector("#composer-to-error");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "composer-to");
  assert.deepEqual((await apiCall(page, server.url, "GET", "/drafts")).json.items, []);
  await pickContact(page, "#composer-to", "bea", "Bea Costa");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hi Bea, a quick question.");
  await saved(page);

  // Offline: the status says so and retries; the text stays; back online it saves.
  await context.setOffline(true);
  await page.keyboard.type(" Are you free on Tuesday?");
  await page.waitForFunction(() =>
    /^Couldn't save — Can't reach Beacon.*Retrying…$/.test(
      document.querySelector("[data-testid=save-status]")?.textContent ?? "",
    )
  );
  await context.setOffline(false);
  await saved(page);
  const body = await apiCall(page, server.url, "GET", `/messages/${page.url().split("/").pop()}`);
  assert.match(body.json.html, /Are you free on Tuesday\?/);

  // Pasting from Word or Google Docs keeps the words and basic formatting, not the office markup.
  await page.evaluate((html) => {
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", "Pasted");
    const target = document.querySelector(".ProseMirror")!;
    target.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, WORD_PASTE);
  const pasted = await page.innerHTML(".ProseMirror");
  assert.match(pasted, /<strong>Budget<\/strong>/);
  assert.match(pasted, /<em>approved<\/em>/);
  assert.match(pasted, /Second point/);
  assert.match(pasted, /<a [^>]*href="https:\/\/acme\.example\/"/);
  assert.doesNotMatch(pasted, /style=|class="Mso|mso-|o:p|·|font-weight|<strong>Docs text/);
  await saved(page);

  // No subject: the server's message next to the field, and focus on it.
  await page.click(".composer-send");
  await page.waitForSelector("#composer-subject-error");
  assert.equal(await page.textContent("#composer-subject-error"), "Add a subject.");
  assert.equal(await page.getAttribute("#composer-subject", "aria-describedby"), "composer-subject-error");
  await focused(page, "#composer-subject");
  assert.equal(await page.textContent(".composer-send"), "Send");
  await screenshot(page, "compose-errors");
  await page.fill("#composer-subject", "A question");
  assert.equal(await page.locator("#composer-subject-error").count(), 0, "typing clears the message");

  // An address the server refuses turns red with its message; sending asks to fix it.
  await page.type("#composer-to", "ken@localhost");
  await page.keyboard.press("Enter");
  await page.waitForSelector('.chip-invalid:has-text("ken@localhost")');
  assert.match(
    await page.textContent(".composer-row-errors") ?? "",
    /ken@localhost: Enter a valid email address/,
  );
  await saved(page); // the rest of the draft is still saved
  // With no subject as well, Send says both at once, not one per press.
  await page.fill("#composer-subject", "");
  await page.click(".composer-send");
  await page.waitForSelector("#composer-to-error");
  assert.match(await page.textContent("#composer-to-error") ?? "", /address in red/);
  assert.equal(await page.textContent("#composer-subject-error"), "Add a subject.");
  await page.fill("#composer-subject", "A question");
  await page.click('button[aria-label="Remove ken@localhost"]');

  // Cc is behind its toggle; a recipient whose contact doesn't allow tracking blocks following.
  assert.equal(await page.locator("#composer-cc").count(), 0);
  await page.click("button.composer-toggle:has-text('Cc')");
  await focused(page, "#composer-cc");
  await pickContact(page, "#composer-cc", "Dan", "Dan Ortiz");
  await page.type("#composer-cc", "lee@elsewhere.example");
  await page.keyboard.press("Tab");
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=follow-text]")?.textContent?.includes(
      "Blocked — a recipient's contact preference doesn't allow tracking",
    )
  );
  await page.click("text=View preferences");
  const prefs = await page.textContent("#composer-prefs") ?? "";
  assert.match(prefs, /Dan Ortiz.*dan@initech\.example.*Do not allow/s);
  assert.match(prefs, /Bea Costa.*Allow/s);
  assert.match(prefs, /lee@elsewhere\.example.*No preference \(not a contact\)/s);
  assert.match(
    await page.getAttribute('#composer-prefs a:has-text("Do not allow")', "href") ?? "",
    /^\/contacts\/\w+$/,
  );
  await screenshot(page, "compose-blocked");

  await page.click("text=Don't follow");
  await page.waitForSelector("text=Not following — no tracking pixel, links are not redirected");
  await saved(page);
  await page.click('button >> text="Follow"');
  await page.waitForSelector("text=Blocked — a recipient's contact preference doesn't allow tracking");
  await page.click("text=Retry follow");
  await saved(page);
  // Nothing changed: it says so, by name (announced: the line is a live region).
  await page.waitForSelector(
    '[data-testid=follow-text]:has-text("Still blocked — Dan Ortiz doesn\'t allow tracking")',
  );

  // Cc with "send individually" is refused before sending, in the server's words.
  await page.click('button[aria-label="Remove Dan Ortiz"]');
  await page.waitForSelector("text=Following — opens and link clicks will be tracked");
  await page.type("#composer-to", "mo@elsewhere.example,");
  await page.check("#composer-individually");
  assert.match(await page.textContent("#composer-individually-error") ?? "", /Cc and Bcc can't be combined/);
  assert.match(await page.textContent("#composer-multi-note") ?? "", /can't be attributed to one person/);
  await page.click(".composer-send");
  await page.waitForSelector("#composer-cc-error");
  assert.match(
    await page.textContent("#composer-cc-error") ?? "",
    /Cc and Bcc can't be combined with sending individually/,
  );
  await focused(page, "#composer-cc");

  // Discard asks first, then deletes the draft. The focus moves with the question as it renders (the button
  // that had it is gone, so a key pressed before the next paint must find "Keep editing"), and comes back.
  const draftId = page.url().split("/").pop()!;
  const focusRightAfterClick = (click: string) =>
    page.evaluate(async (selector) => {
      const button = document.querySelector<HTMLButtonElement>(selector)!;
      button.focus();
      button.click();
      await Promise.resolve();
      return document.activeElement?.textContent;
    }, click);
  assert.equal(await focusRightAfterClick(".composer-discard > .button-ghost"), "Keep editing");
  assert.equal(await focusRightAfterClick(".discard-confirm .button-ghost"), "Discard draft");
  await page.click("text=Discard draft");
  await focused(page, ".discard-confirm .button-ghost");
  assert.equal(await page.textContent(".discard-confirm .button-ghost"), "Keep editing");
  await page.click(".discard-confirm button:has-text('Discard')");
  await page.waitForURL(`${server.url}/`);
  assert.equal((await apiCall(page, server.url, "GET", `/messages/${draftId}`)).status, 404);
  // Back to the draft's page: it says the draft is gone, with the ways on (not "Page not found").
  await page.goBack();
  await page.waitForSelector(".empty h2:has-text('This draft is gone')");
  assert.equal((await page.request.get(`${server.url}/compose/${draftId}`)).status(), 404);
  assert.equal(await page.getAttribute(".empty .button-primary", "href"), "/compose");
  await screenshot(page, "compose-draft-gone");

  // From a contact's page: To and Regarding are filled in, and nothing is saved until a change.
  await page.goto(`${server.url}/compose?to=${dan.json.id}`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  await focused(page, "#composer-subject"); // To is filled in: the cursor waits in Subject
  assert.match(await page.textContent("[data-testid=chip]") ?? "", /Dan Ortiz/);
  assert.match(await page.textContent("[data-testid=regarding-chip]") ?? "", /Contact\s*Dan Ortiz/);
  assert.equal(await page.textContent("[data-testid=save-status]"), "Drafts save automatically");
  assert.match(page.url(), /\/compose\?to=/);

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - a draft open in two tabs: a save over the other's is refused; keep this version, or load the other", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page: laptop, errors } = await signUp(browser, server.url, "ana@acme.example");
  const draft = await apiCall(laptop, server.url, "POST", "/messages", {
    subject: "Pricing",
    html: "<p>Hi</p>",
  });
  const phone = await context.newPage();
  for (const tab of [laptop, phone]) {
    await tab.goto(`${server.url}/compose/${draft.json.id}`);
    await tab.waitForSelector("[data-testid=composer][data-ready=true]");
  }
  const stored = async () =>
    (await apiCall(laptop, server.url, "GET", `/messages/${draft.json.id}`)).json.subject;

  await laptop.fill("#composer-subject", "Pricing for Globex");
  await saved(laptop);
  // The phone still shows revision 1: its save is refused, said so, and changes nothing.
  await phone.fill("#composer-subject", "Pricing, second try");
  await phone.waitForSelector("[data-testid=draft-conflict]");
  assert.match(
    await phone.textContent("[data-testid=save-status]") ?? "",
    /Couldn't save — it was changed in another tab or on another device\./,
  );
  assert.equal(await stored(), "Pricing for Globex");
  await screenshot(phone, "compose-changed-elsewhere");
  // Nor can it be sent before the seller chooses.
  await phone.click(".composer-send");
  await phone.waitForSelector(
    ".toast:has-text('Not sent: it was changed in another tab or on another device')",
  );
  assert.equal((await apiCall(laptop, server.url, "GET", `/messages/${draft.json.id}`)).json.status, "draft");

  // "Keep this version": the phone's is saved over the laptop's.
  await phone.click("[data-testid=draft-conflict] button:has-text('Keep this version')");
  await phone.waitForSelector("[data-testid=draft-conflict]", { state: "detached" });
  await saved(phone);
  assert.equal(await stored(), "Pricing, second try");

  // Now the laptop is behind: "Load the other version" shows what the phone saved.
  await laptop.fill("#composer-subject", "Pricing for Globex, v3");
  await laptop.click("[data-testid=draft-conflict] button:has-text('Load the other version')");
  await laptop.waitForSelector("[data-testid=composer][data-ready=true]");
  await laptop.waitForFunction(() =>
    (document.querySelector("#composer-subject") as HTMLInputElement | null)?.value === "Pricing, second try"
  );
  assert.equal(await laptop.locator("[data-testid=draft-conflict]").count(), 0);
  assert.equal(await stored(), "Pricing, second try");
  // And from there it saves as usual.
  await laptop.fill("#composer-subject", "Pricing, final");
  await saved(laptop);
  assert.equal(await stored(), "Pricing, final");

  // Discarded elsewhere: what is on the page can be kept as a new draft.
  await apiCall(laptop, server.url, "DELETE", `/messages/${draft.json.id}`);
  await laptop.fill("#composer-subject", "Pricing, kept");
  await laptop.waitForSelector(
    "[data-testid=draft-conflict]:has-text('discarded in another tab or on another device')",
  );
  await laptop.click("[data-testid=draft-conflict] button:has-text('Keep it as a new draft')");
  await saved(laptop);
  const kept = laptop.url().split("/").pop()!;
  assert.notEqual(kept, draft.json.id);
  assert.equal((await apiCall(laptop, server.url, "GET", `/messages/${kept}`)).json.subject, "Pricing, kept");

  // Sent elsewhere: it says so, and opens the email.
  await phone.goto(`${server.url}/compose/${kept}`);
  await apiCall(phone, server.url, "PATCH", `/messages/${kept}`, { to: ["noa@example.com"] });
  await apiCall(phone, server.url, "POST", `/messages/${kept}/send`);
  await laptop.fill("#composer-subject", "Pricing, too late");
  await laptop.waitForSelector(
    "[data-testid=draft-conflict]:has-text('sent or scheduled from another tab or device')",
  );
  await laptop.click("[data-testid=draft-conflict] button:has-text('Open the email')");
  await laptop.waitForURL(`${server.url}/messages/${kept}`);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose: a Hebrew or Arabic paragraph reads right to left and is right-aligned, in the editor, the email sent and previews", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await signUp(browser, server.url, "ana@acme.example");
  await openComposer(page, server.url);
  await focused(page, "#composer-to"); // a new email starts in To
  await page.fill("#composer-to", "noa@example.com");
  await page.fill("#composer-subject", "שלום");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hello Noa,");
  await page.keyboard.press("Enter");
  await page.keyboard.type("שלום נועה, מה שלומך?");
  const directions = () =>
    page.locator(".ProseMirror p").evaluateAll((ps) => ps.map((p) => getComputedStyle(p).direction));
  assert.deepEqual(await directions(), ["ltr", "rtl"], "each paragraph by its first letter");
  assert.equal(await page.getAttribute("#composer-subject", "dir"), "auto");
  await saved(page);
  const id = page.url().split("/").pop()!;
  const draft = await apiCall(page, server.url, "GET", `/messages/${id}`);
  assert.equal(draft.json.html, '<p dir="auto">Hello Noa,</p><p dir="auto">שלום נועה, מה שלומך?</p>');
  assert.equal((await apiCall(page, server.url, "POST", `/messages/${id}/send`)).status, 202);
  await server.deps.scheduler.drain();
  const sent = (await apiCall(page, server.url, "GET", "/me")).json;
  const [email] = await listOutbox(server.deps.kv, sent.team.id);
  const entry = await getOutboxEntry(server.deps.kv, sent.team.id, email.id);
  // In the email sent it says so outright and is right-aligned: Outlook ignores dir="auto".
  assert.match(entry!.html, /<p dir="rtl" style="[^"]*text-align:right;">שלום נועה, מה שלומך\?<\/p>/);
  assert.match(entry!.html, /<p dir="auto"[^>]*>Hello Noa,<\/p>/);
  await page.goto(`${server.url}/outbox/${email.id}`);
  await screenshot(page, "outbox-rtl-email");

  // A body written through the API has no dir="auto": its page's preview still reads each paragraph by its
  // first letter, right-aligned when that is Hebrew, as the email sent does.
  const viaApi = await apiCall(page, server.url, "POST", "/messages", {
    to: ["noa@example.com"],
    subject: "Through the API",
    html:
      "<p>Hello Noa,</p><p>שלום נועה, מה שלומך?</p><ul><li>פריט</li></ul><blockquote><p>ציטוט</p></blockquote>",
  });
  assert.equal((await apiCall(page, server.url, "POST", `/messages/${viaApi.json.id}/send`)).status, 202);
  await server.deps.scheduler.drain();
  await page.goto(`${server.url}/messages/${viaApi.json.id}`);
  const frame = page.frameLocator("iframe.email-frame");
  const preview = frame.locator("body > p");
  const edges = await preview.evaluateAll((ps) =>
    ps.map((p) => {
      const range = document.createRange();
      range.selectNodeContents(p);
      const text = range.getBoundingClientRect(), box = p.getBoundingClientRect();
      return { left: Math.round(text.left - box.left), right: Math.round(box.right - text.right) };
    })
  );
  assert.equal(edges[0].left, 0, "English starts at the left");
  assert.equal(edges[1].right, 0, "Hebrew starts at the right");
  assert.ok(edges[1].left > 100, `Hebrew is right-aligned (${edges[1].left} px from the left)`);
  // A Hebrew list has its bullets on the right, a Hebrew quote its bar.
  assert.equal(await frame.locator("ul").evaluate((ul) => getComputedStyle(ul).direction), "rtl");
  assert.deepEqual(
    await frame.locator("blockquote").evaluate((
      q,
    ) => [getComputedStyle(q).borderRightWidth, getComputedStyle(q).borderLeftWidth]),
    ["3px", "0px"],
  );
  await screenshot(page, "message-rtl-body-from-api");
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose: a link that shows its address is said to go out untracked, until it has words", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await signUp(browser, server.url, "ana@acme.example");
  await openComposer(page, server.url);
  await page.fill("#composer-to", "ken@globex.example");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Our prices: ");
  // A link made with nothing selected takes its address as its text.
  await page.keyboard.press("ControlOrMeta+k");
  await page.fill("#composer-link-input", "acme.example/pricing");
  await page.keyboard.press("Enter");
  await page.waitForSelector('.ProseMirror a[href="https://acme.example/pricing"]');
  const note = page.locator("[data-testid=untracked-links]");
  await note.waitFor();
  assert.match(
    await note.textContent() ?? "",
    /^Links showing their own address go out as written, untracked .*: 1 here\./,
  );
  await screenshot(page, "compose-untracked-link");

  // The same link on words is tracked: the note goes.
  await page.keyboard.press("ControlOrMeta+z");
  await page.keyboard.type("see the price list");
  await selectBackInEditor(page, ".composer-editor", "the price list");
  await page.keyboard.press("ControlOrMeta+k");
  await page.fill("#composer-link-input", "acme.example/pricing");
  await page.keyboard.press("Enter");
  await page.waitForSelector('.ProseMirror a[href="https://acme.example/pricing"]:text("the price list")');
  await note.waitFor({ state: "detached" });
  assert.deepEqual(errors, []);
  await context.close();
});
