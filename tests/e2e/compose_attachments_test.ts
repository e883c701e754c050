/**
 * End to end in headless Chromium: files and templates in the composer.
 *
 * Files: the first file picked creates the draft; its upload shows a progress bar (the upload is throttled
 * so there is something to watch); each file goes as a tracked link or attached (the team follows by
 * default), by mouse and by keyboard; a file over the limit (0.2 MB here) is refused before uploading; a file
 * dropped on the composer is uploaded (the drop target shows while dragging); an upload is cancelled; an
 * email that isn't followed attaches everything. Sent, the Outbox email has tracked links to the files and
 * nothing attached.
 *
 * Templates: a template (version 3) made through the API, picked in the composer (search, category) for the
 * To contact: it asks before replacing what was written, fills in the subject and the message with the
 * contact's name, says where it came from, and the sent email remembers the template and version. The
 * picker's code loads only when "Templates" is opened.
 *
 * Screenshots (desktop and phone): tests/screenshots/compose-attachments, compose-templates.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Browser, Page } from "playwright-core";
import { ManualClock } from "../../lib/clock/clock.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { pageApi, signUpInBrowser } from "../helpers/e2e_flows.ts";

/** PDF-looking bytes of a given size. */
function pdf(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.write("%PDF-1.7\n");
  for (let i = 9; i < size; i++) bytes[i] = (i * 7) & 255;
  return bytes;
}

/** A signed-up seller's page; failed requests are logged by the browser itself, any other console error counts. */
async function open(browser: Browser, url: string) {
  const seller = await newSellerPage(browser, {
    viewport: { width: 1280, height: 900 },
    timeout: 15_000,
    consoleErrorsExcept: /Failed to load resource/,
  });
  await signUpInBrowser(seller.page, url);
  return seller;
}

const text = async (page: Page, selector: string) =>
  ((await page.textContent(selector)) ?? "").replace(/\s+/g, " ").trim();

async function waitForText(page: Page, selector: string, pattern: RegExp) {
  await page.waitForFunction(
    ({ selector, source }) =>
      new RegExp(source).test((document.querySelector(selector)?.textContent ?? "").replace(/\s+/g, " ")),
    { selector, source: pattern.source },
  );
}

const saved = (page: Page) =>
  page.waitForFunction(() =>
    /^Saved \d\d:\d\d$/.test(document.querySelector("[data-testid=save-status]")?.textContent ?? "")
  );

/** The file row for a name. */
const row = (name: string) => `[data-testid=file]:has(.file-name:text-is("${name}"))`;

interface Attachment {
  filename: string;
  followed: boolean;
  size: number;
}

async function attachmentsOf(page: Page, id: string): Promise<Attachment[]> {
  return (await pageApi<{ attachments: Attachment[] }>(page, "GET", `/messages/${id}`)).attachments;
}

/** Waits until the draft's files on the server are as expected (name → followed). */
async function serverFiles(page: Page, id: string, expected: Record<string, boolean>) {
  const want = JSON.stringify(Object.entries(expected).sort());
  let got = "";
  for (let i = 0; i < 50; i++) {
    const files = await attachmentsOf(page, id);
    got = JSON.stringify(files.map((f) => [f.filename, f.followed]).sort());
    if (got === want) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`the draft's files: expected ${want}, got ${got}`);
}

/** Slows uploads down (DevTools network conditions), so progress can be watched; null lifts it. */
async function throttleUploads(page: Page, bytesPerSecond: number | null) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond ?? -1,
  });
}

Deno.test("e2e - compose attachments: progress, tracked link or attached, limits, drop, cancel, send", async () => {
  await using server = await startServer({
    clock: new ManualClock(Date.now(), true),
    env: { BEACON_MAX_ATTACHMENT_MB: "0.2" },
  });
  await using browser = await launchBrowser();
  const { context, page, errors } = await open(browser, server.url);
  await pageApi(page, "POST", "/contacts", {
    firstName: "Bea",
    lastName: "Costa",
    email: "bea@globex.example",
  });

  await page.goto(`${server.url}/compose`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  assert.match(
    await text(page, ".files-bar"),
    /^Attach files\s*or drop them here · up to 205 KB each, 25 MB in all$/,
  );

  // The first file creates the draft; its upload shows a progress bar until it's done.
  await throttleUploads(page, 40 * 1024);
  await page.setInputFiles("#composer-files", {
    name: "Proposal 2027.pdf",
    mimeType: "application/pdf",
    buffer: pdf(120_000),
  });
  await page.waitForSelector(`${row("Proposal 2027.pdf")}[data-state=uploading] progress`);
  await page.waitForFunction(() => {
    const bar = document.querySelector<HTMLProgressElement>(".file-progress");
    return bar !== null && bar.value > 0 && bar.value < 100;
  });
  assert.match(await text(page, `${row("Proposal 2027.pdf")} .file-size`), /^\d+% of 117 KB$/);
  await page.waitForSelector(`${row("Proposal 2027.pdf")}[data-state=done]`);
  await throttleUploads(page, null);
  assert.match(page.url(), /\/compose\/\w+$/, "attaching created the draft");
  const draftId = page.url().split("/").pop()!;
  await serverFiles(page, draftId, { "Proposal 2027.pdf": true }); // the team follows by default
  assert.equal(await page.isChecked(`${row("Proposal 2027.pdf")} input[type=radio] >> nth=0`), true);
  assert.match(await text(page, "[data-testid=files-note]"), /^Tracked link: Beacon keeps the file/);

  // Tracked link / Attached: with the mouse, then with the keyboard (arrow keys move between the two).
  await page.click(`${row("Proposal 2027.pdf")} label:has-text("Attached")`);
  await serverFiles(page, draftId, { "Proposal 2027.pdf": false });
  await page.focus(`${row("Proposal 2027.pdf")} input[type=radio] >> nth=1`);
  await page.keyboard.press("ArrowLeft");
  await serverFiles(page, draftId, { "Proposal 2027.pdf": true });
  assert.equal(await page.isChecked(`${row("Proposal 2027.pdf")} input[type=radio] >> nth=0`), true);

  // Over the limit: refused before anything is sent, with the reason on the file.
  await page.setInputFiles("#composer-files", {
    name: "Scan.pdf",
    mimeType: "application/pdf",
    buffer: pdf(300_000),
  });
  await page.waitForSelector(`${row("Scan.pdf")}[data-state=error]`);
  assert.equal(await text(page, `${row("Scan.pdf")} .error-text`), "Files can be at most 205 KB.");
  await serverFiles(page, draftId, { "Proposal 2027.pdf": true });

  // Dragging files over the composer shows the drop target; dropping uploads them.
  await page.evaluate(() => {
    const data = new DataTransfer();
    const bytes = new Uint8Array(40_000);
    bytes.set(new TextEncoder().encode("%PDF-1.7\n"));
    data.items.add(new File([bytes], "Pricing.pdf", { type: "application/pdf" }));
    const target = document.querySelector(".ProseMirror")!;
    const box = target.getBoundingClientRect();
    const at = { clientX: box.left + 40, clientY: box.top + 20 };
    Object.assign(globalThis, { dropped: { data, target, at } });
    for (const type of ["dragenter", "dragover"]) {
      target.dispatchEvent(
        new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true, ...at }),
      );
    }
  });
  await page.waitForSelector("[data-testid=composer].is-dropping");
  assert.equal(
    await page.evaluate(() => getComputedStyle(document.querySelector(".composer")!, "::after").content),
    '"Drop files to attach them"',
  );
  await page.evaluate(() => {
    const { data, target, at } = (globalThis as unknown as {
      dropped: { data: DataTransfer; target: Element; at: object };
    }).dropped;
    target.dispatchEvent(
      new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true, ...at }),
    );
  });
  assert.equal(await page.locator("[data-testid=composer].is-dropping").count(), 0);
  await page.waitForSelector(`${row("Pricing.pdf")}[data-state=done]`);
  await serverFiles(page, draftId, { "Proposal 2027.pdf": true, "Pricing.pdf": true });
  assert.equal((await page.innerText(".ProseMirror")).trim(), "", "nothing was dropped into the text");

  // An upload can be cancelled while it runs.
  await throttleUploads(page, 10 * 1024);
  await page.setInputFiles("#composer-files", {
    name: "Appendix.pdf",
    mimeType: "application/pdf",
    buffer: pdf(150_000),
  });
  await page.waitForSelector(`${row("Appendix.pdf")}[data-state=uploading]`);
  await page.fill("#composer-subject", "Proposal for Globex");
  await page.click(".composer-editor .ProseMirror");
  await page.keyboard.type("Hi Bea, the proposal and our pricing are below.");
  await page.fill("#composer-to", "Bea");
  await page.waitForSelector('#composer-to-list [role=option]:has-text("Bea Costa")');
  await page.keyboard.press("Enter");
  await page.evaluate(() => scrollTo(0, 0));
  await screenshot(page, "compose-attachments");
  assert.equal(
    await page.locator(`${row("Appendix.pdf")}[data-state=uploading]`).count(),
    1,
    "still uploading",
  );

  // Sending waits for uploads to finish.
  await page.click(".composer-send");
  await waitForText(page, ".toasts", /Not sent: Wait until the files finish uploading/);
  await page.click(`button[aria-label="Cancel uploading Appendix.pdf"]`);
  await page.waitForSelector(row("Appendix.pdf"), { state: "detached" });
  await throttleUploads(page, null);
  await page.click(`button[aria-label="Remove Scan.pdf"]`);
  await page.waitForSelector(row("Scan.pdf"), { state: "detached" });
  await saved(page);
  await serverFiles(page, draftId, { "Proposal 2027.pdf": true, "Pricing.pdf": true });

  // Not followed: every file is attached, and the choice is hidden.
  await page.click("text=Don't follow");
  await waitForText(page, "[data-testid=files-note]", /isn't followed, so every file is attached/);
  assert.equal(await page.locator(".file-mode").count(), 0);
  assert.deepEqual(await page.locator(".file-plain").allTextContents(), ["Attached", "Attached"]);
  await page.click('[data-testid=follow] button:has-text("Follow")');
  await page.waitForSelector(".file-mode");
  await saved(page);

  // A reload shows the files (rendered by the server, then the files' panel).
  await page.reload();
  await page.waitForSelector(`${row("Pricing.pdf")}[data-state=done]`);
  assert.deepEqual(
    (await page.locator("[data-testid=file] .file-name").allTextContents()).sort(),
    ["Pricing.pdf", "Proposal 2027.pdf"],
  );

  // Sent: the email links to both files (tracked) and attaches nothing.
  await page.click(".composer-send");
  await page.waitForURL(`${server.url}/messages/${draftId}`);
  const link = 'a.row-link:has-text("Proposal for Globex")';
  for (let i = 0; i < 50; i++) { // delivery runs on the server's own timer
    await page.goto(`${server.url}/outbox`);
    if (await page.locator(link).count()) break;
    await page.waitForTimeout(200);
  }
  await page.click(link);
  const frame = page.frameLocator("iframe.email-frame");
  await frame.locator('a[href*="/t/a/"]').first().waitFor();
  const email = await frame.locator("body").innerText();
  assert.match(email, /Proposal 2027\.pdf \(117 KB\)/);
  assert.match(email, /Pricing\.pdf \(39 KB\)/);
  assert.equal(await frame.locator('a[href*="/t/a/"]').count(), 2, "two tracked attachment links");
  assert.equal(await page.locator("text=Attached:").count(), 0, "nothing attached to the email");

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - compose templates: pick one for the contact, replace what was written, remember it", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await open(browser, server.url);
  const globex = await pageApi<{ id: string }>(page, "POST", "/companies", { name: "Globex" });
  await pageApi(page, "POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    companyId: globex.id,
  });
  const template = await pageApi<{ id: string }>(page, "POST", "/templates", {
    name: "Proposal follow-up",
    category: "Follow-up",
    subject: "The proposal for {{contact.company}}",
    html:
      "<p>Hi {{contact.first_name}},</p><p>Did you have a look at the proposal?</p><p>{{sender.name}}</p>",
  });
  // Two edits: version 3.
  await pageApi(page, "PATCH", `/templates/${template.id}`, {
    html: "<p>Hi {{contact.first_name}},</p><p>Any thoughts on the proposal?</p><p>{{sender.name}}</p>",
  });
  const v3 = await pageApi<{ version: number }>(page, "PATCH", `/templates/${template.id}`, {
    html:
      "<p>Hi {{contact.first_name}},</p><p>Any thoughts on the proposal? Happy to walk you through it.</p><p>Best,<br>{{sender.name}}</p>",
  });
  assert.equal(v3.version, 3);
  await pageApi(page, "POST", "/templates", {
    name: "First contact",
    category: "Intro",
    subject: "Hello from Acme",
    html: '<p>Hi {{contact.first_name | "there"}}, nice to meet you.</p>',
  });

  const scripts: string[] = [];
  page.on("request", (r) => r.resourceType() === "script" && scripts.push(new URL(r.url()).pathname));
  await page.goto(`${server.url}/compose`);
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  await page.fill("#composer-to", "Ken");
  await page.waitForSelector('#composer-to-list [role=option]:has-text("Ken Sato")');
  await page.keyboard.press("Enter");
  await page.fill("#composer-subject", "Quick note");
  await saved(page);
  assert.ok(
    !scripts.some((p) => /\/(templates|template_picker)-/.test(p)),
    "the picker isn't loaded before it's opened",
  );

  // The picker, in a dialog: search and categories.
  await page.click("button.composer-templates");
  await page.waitForSelector("[data-testid=templates-dialog] [data-testid=template-picker][data-ready=true]");
  assert.ok(scripts.some((p) => /\/templates-/.test(p)), "the dialog's chunk loads on opening");
  assert.match(await text(page, ".picker-for"), /Ranked for Ken Sato/);
  await page.fill("#picker-search", "proposal");
  assert.deepEqual(await page.locator(".picker-name").allTextContents(), ["Proposal follow-up"]);
  await page.fill("#picker-search", "");
  await page.click('.picker-chip:has-text("Intro")');
  assert.deepEqual(await page.locator(".picker-name").allTextContents(), ["First contact"]);
  await page.click('.picker-chip:has-text("Follow-up")');

  // What was written is only replaced when the seller says so.
  await page.click('button[aria-label="Use Proposal follow-up"]');
  await waitForText(
    page,
    ".templates-replace",
    /Replace the subject and message you've written with “Proposal follow-up”\?/,
  );
  await page.waitForFunction(() => document.activeElement?.textContent === "Replace");
  await screenshot(page, "compose-templates");
  await page.click('.templates-replace button:has-text("Keep what I wrote")');
  assert.equal(await page.inputValue("#composer-subject"), "Quick note");
  await page.click('button[aria-label="Use Proposal follow-up"]');
  await page.click('.templates-replace button:has-text("Replace")');
  await page.waitForSelector("[data-testid=templates-dialog]", { state: "detached" });

  assert.equal(await page.inputValue("#composer-subject"), "The proposal for Globex");
  await page.waitForFunction(() => document.querySelector(".ProseMirror")?.textContent?.includes("Hi Ken,"));
  const body = await page.innerText(".ProseMirror");
  assert.match(
    body,
    /Hi Ken,\s+Any thoughts on the proposal\? Happy to walk you through it\.\s+Best,\s+Ana Lima/,
  );
  assert.equal(
    await text(page, "[data-testid=template-origin]"),
    "From template: Proposal follow-up v3 · change",
  );
  await saved(page);
  const draftId = page.url().split("/").pop()!;
  const draft = await pageApi<{ template: unknown; subject: string }>(page, "GET", `/messages/${draftId}`);
  assert.deepEqual(draft.template, { id: template.id, version: 3 });
  await page.evaluate(() => scrollTo(0, 0));
  await screenshot(page, "compose-templates-inserted");

  // After a reload, the composer still says where the email came from.
  await page.reload();
  await page.waitForSelector("[data-testid=composer][data-ready=true]");
  assert.equal(
    await text(page, "[data-testid=template-origin]"),
    "From template: Proposal follow-up v3 · change",
  );

  await page.click(".composer-send");
  await page.waitForURL(`${server.url}/messages/${draftId}`);
  const sent = await pageApi<{ template: unknown; status: string }>(page, "GET", `/messages/${draftId}`);
  assert.deepEqual(sent.template, { id: template.id, version: 3 });
  assert.notEqual(sent.status, "draft");

  assert.deepEqual(errors, []);
  await context.close();
});
