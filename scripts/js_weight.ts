/**
 * The JavaScript each page ships, gzipped: loads the main pages in Chromium (a fresh
 * team with a contact, a sent email and a draft) and sums the gzip size of every script
 * each page loads. `deno task js-weight`.
 */
import { ManualClock } from "../lib/clock/clock.ts";
import { launchBrowser, startServer } from "../tests/helpers/browser.ts";
import { pageApi, signUpInBrowser } from "../tests/helpers/e2e_flows.ts";

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
await using browser = await launchBrowser();
const context = await browser.newContext();
const page = await context.newPage();
await signUpInBrowser(page, server.url);
const contact = await pageApi<{ id: string }>(page, "POST", "/contacts", {
  firstName: "Ken",
  email: "ken@globex.example",
  timeZone: "Asia/Tokyo",
});
const sent = await pageApi<{ id: string }>(page, "POST", "/messages", {
  to: ["ken@globex.example"],
  subject: "Hello",
  html: "<p>Hi <a href='https://example.com'>x</a></p>",
});
await pageApi(page, "POST", `/messages/${sent.id}/send`);
await server.deps.scheduler.drain();
const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
  to: ["ken@globex.example"],
  subject: "Draft",
});

const company = await pageApi<{ id: string }>(page, "POST", "/companies", { name: "Globex" });

const pages: [string, string][] = [
  ["Activity", "/"],
  ["Compose (new)", "/compose"],
  ["Compose (draft)", `/compose/${draft.id}`],
  ["Message", `/messages/${sent.id}`],
  ["Assistant", "/assistant"],
  ["Tasks", "/tasks"],
  ["Contacts", "/contacts"],
  ["Contact", `/contacts/${contact.id}`],
  ["Company", `/companies/${company.id}`],
  ["Templates", "/templates"],
  ["Template (new, editor)", "/templates/new"],
  ["Outbox", "/outbox"],
  ["Unmatched replies", "/inbound"],
  ["Team", "/team"],
  ["Settings", "/settings/profile"],
  ["Notifications", "/settings/notifications"],
  ["API reference", "/api/docs"],
];
const rows: [string, number, number][] = [];
/** Sums the scripts `path` loads in `tab`. */
async function weigh(tab: typeof page, name: string, path: string) {
  const scripts = new Map<string, Uint8Array>();
  const onResponse = async (response: import("playwright-core").Response) => {
    if (response.request().resourceType() === "script") {
      scripts.set(response.url(), new Uint8Array(await response.body()));
    }
  };
  tab.on("response", onResponse);
  await tab.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
  await tab.waitForTimeout(300);
  tab.off("response", onResponse);
  let gz = 0, raw = 0;
  for (const bytes of scripts.values()) {
    raw += bytes.byteLength;
    gz += await gzipSize(bytes);
  }
  rows.push([name, raw, gz]);
}
for (const [name, path] of pages) await weigh(page, name, path);
const signedOut = await browser.newContext();
for (const [name, path] of [["Sign in (signed out)", "/signin"], ["Sign up (signed out)", "/signup"]]) {
  await weigh(await signedOut.newPage(), name, path);
}
await signedOut.close();
console.log(`${"page".padEnd(24)}   raw KB   gzip KB`);
for (const [name, raw, gz] of rows) {
  console.log(
    `${name.padEnd(24)} ${(raw / 1024).toFixed(1).padStart(8)} ${(gz / 1024).toFixed(1).padStart(9)}`,
  );
}
await context.close();
