import assert from "node:assert/strict";
import { ManualClock } from "../lib/clock/clock.ts";
import { CHUNK_SIZE } from "../lib/storage/chunks.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { outbox } from "./helpers/mail.ts";
import { personRequest } from "./helpers/people.ts";

const start = Date.parse("2026-03-02T09:00:00Z");
const pdf = (size: number) => {
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode("%PDF-1.7\n"));
  for (let i = 9; i < size; i++) bytes[i] = (i * 7) & 255;
  return bytes;
};

async function setup(env: Record<string, string> = {}) {
  const t = await makeTestApp({ clock: new ManualClock(start), env });
  const ana = new Client(t);
  const me = await ana.signUp();
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" })).json;
  const draft = (await ana.api("POST", "/messages", {
    to: ["ken@globex.example"],
    subject: "Proposal",
    html: "<p>Attached.</p>",
  })).json;
  const upload = async (
    name: string,
    bytes: Uint8Array | ReadableStream<Uint8Array>,
    type = "application/pdf",
    id = draft.id,
  ) => {
    const response = await ana.request(
      `/api/messages/${id}/attachments?filename=${encodeURIComponent(name)}`,
      {
        method: "POST",
        body: bytes as BodyInit,
        headers: { "content-type": type, "x-csrf-token": await ana.csrfToken() },
      },
    );
    return { status: response.status, json: await response.json() };
  };
  return { t, ana, me, ken, draft, upload };
}

Deno.test("attachments - a followed PDF goes out as a tracked link; opening it is an attachment view", async () => {
  const { t, ana, me, draft, upload } = await setup();
  await using _ = t;
  const file = pdf(3 * CHUNK_SIZE + 123);
  const r = await upload("Proposal 2027.pdf", file);
  assert.equal(r.status, 201);
  assert.equal(r.json.followed, true, "the team follows by default");
  assert.equal(r.json.size, file.byteLength);
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  const [email] = await outbox(t, me.team.id);
  assert.equal(email.attachments.length, 0, "not attached");
  const path = email.html.match(/href="http:\/\/beacon\.test(\/t\/a\/[\w-]+)"/)?.[1];
  assert.ok(path, "a tracked attachment link");
  // The file's name is the link (a mail client's attachment, not a word "Open" beside it).
  assert.match(
    email.html,
    /Attachment: <a href="http:\/\/beacon\.test\/t\/a\/[\w-]+"[^>]*>Proposal 2027\.pdf \([\d.]+ KB\)<\/a>/,
  );
  assert.match(
    email.text,
    /Attachment: Proposal 2027\.pdf \([\d.]+ KB\) <http:\/\/beacon\.test\/t\/a\/[\w-]+>/,
  );
  t.clock.advance(10 * 60_000); // read a while after it arrived
  const served = await personRequest(t, path);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get("content-type"), "application/pdf");
  assert.match(served.headers.get("content-disposition")!, /^inline; filename="Proposal 2027.pdf"/);
  assert.equal(served.headers.get("x-content-type-options"), "nosniff");
  assert.deepEqual(new Uint8Array(await served.arrayBuffer()), file);
  await t.deps.recorder.idle();
  const { json } = await ana.api("GET", `/messages/${draft.id}/events`);
  assert.equal(json.stats.attachmentViews, 1);
  assert.deepEqual(json.stats.attachmentViewsBy, { "0": 1 });
  assert.equal(json.items[0].type, "attachment_view");
});

Deno.test("attachments - unfollowed files, and all files of an unfollowed email, are attached as usual", async () => {
  const { t, ana, me, draft, upload } = await setup();
  await using _ = t;
  const a = await upload("notes.txt", new TextEncoder().encode("hello"), "text/plain");
  assert.equal(
    (await ana.api("PATCH", `/messages/${draft.id}/attachments/${a.json.blobId}`, { followed: false })).json
      .followed,
    false,
  );
  await upload("deck.pdf", pdf(1000));
  await ana.api("PATCH", `/messages/${draft.id}`, { followWanted: false });
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  const [email] = await outbox(t, me.team.id);
  assert.deepEqual(email.attachments.map((x) => x.filename).sort(), ["deck.pdf", "notes.txt"]);
  assert.doesNotMatch(email.html, /\/t\/a\//);

  // The Outbox opens each file as the recipient would: the same bytes, served safely.
  const page = (await ana.page(`/outbox/${email.id}`)).html;
  const links = [...page.matchAll(/href="(\/outbox\/[^"]+\/attachments\/\d+)">([^<]+)</g)];
  assert.deepEqual(links.map(([, , name]) => name).sort(), ["deck.pdf", "notes.txt"]);
  for (const [, href, name] of links) {
    const file = await ana.request(href);
    assert.equal(file.status, 200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    assert.deepEqual(bytes, name === "notes.txt" ? new TextEncoder().encode("hello") : pdf(1000));
    assert.equal(file.headers.get("x-content-type-options"), "nosniff");
    if (name === "notes.txt") assert.match(file.headers.get("content-security-policy")!, /sandbox/);
  }
  assert.equal((await ana.request(`/outbox/${email.id}/attachments/9`)).status, 404);
  const eve = new Client(t);
  await eve.signUp();
  assert.equal((await eve.request(links[0][1])).status, 404, "another team's Outbox is not theirs");
});

Deno.test("attachments - size limits per file and per message; a refused upload leaves nothing", async () => {
  const { t, ana, draft, upload } = await setup({
    BEACON_MAX_ATTACHMENT_MB: "0.2",
    BEACON_MAX_MESSAGE_ATTACHMENTS_MB: "0.3",
  });
  await using _ = t;
  const big = await upload("big.pdf", pdf(250_000));
  assert.equal(big.status, 413);
  assert.match(big.json.error.message, /at most/);
  assert.equal((await upload("a.pdf", pdf(150_000))).status, 201);
  const over = await upload("b.pdf", pdf(180_000));
  assert.equal(over.status, 413);
  const message = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(message.attachments.length, 1);
  const blobs = await Array.fromAsync(
    t.kv.list<{ complete: boolean }>({
      prefix: ["team", message.senderId ? (await ana.api("GET", "/me")).json.team.id : "", "blob"],
    }),
  );
  assert.equal(blobs.length, 1, "only the accepted file is stored");
});

Deno.test("attachments - an interrupted upload is refused, never attached, and cleaned up later", async () => {
  const { t, ana, draft, upload } = await setup();
  await using _ = t;
  let sent = 0;
  const broken = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ > 12) return controller.error(new Error("connection reset"));
      controller.enqueue(pdf(CHUNK_SIZE));
    },
  });
  const r = await upload("half.pdf", broken);
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /interrupted/);
  assert.equal((await ana.api("GET", `/messages/${draft.id}`)).json.attachments.length, 0);
  const teamId = (await ana.api("GET", "/me")).json.team.id;
  assert.equal(
    (await Array.fromAsync(t.kv.list({ prefix: ["team", teamId, "blob"] }))).length,
    1,
    "an incomplete record",
  );
  t.clock.advance(3600_001);
  await t.deps.scheduler.drain();
  assert.equal((await Array.fromAsync(t.kv.list({ prefix: ["team", teamId, "blob"] }))).length, 0);
  assert.equal((await Array.fromAsync(t.kv.list({ prefix: ["team", teamId, "blob_chunk"] }))).length, 0);
});

Deno.test("attachments - other teams get 404; unsafe types are never served inline", async () => {
  const { t, ana, draft, upload } = await setup();
  await using _ = t;
  const html = await upload("page.html", new TextEncoder().encode("<script>alert(1)</script>"), "text/html");
  const mine = await ana.request(`/api/messages/${draft.id}/attachments/${html.json.blobId}`);
  assert.equal(mine.headers.get("content-type"), "application/octet-stream");
  assert.match(mine.headers.get("content-disposition")!, /^attachment;/);
  assert.match(mine.headers.get("content-security-policy")!, /sandbox/);
  const eve = new Client(t);
  await eve.signUp();
  assert.equal((await eve.request(`/api/messages/${draft.id}/attachments/${html.json.blobId}`)).status, 404);
  const steal = await eve.request(`/api/messages/${draft.id}/attachments?filename=x.pdf`, {
    method: "POST",
    body: "x",
    headers: { "x-csrf-token": await eve.csrfToken() },
  });
  assert.equal(steal.status, 404);
});

Deno.test("attachments - a file sent with no type of its own (curl's form default) gets its name's type", async () => {
  const { t, upload } = await setup();
  await using _ = t;
  const bytes = new TextEncoder().encode("%PDF-1.4");
  const typeOf = async (name: string, type: string) => (await upload(name, bytes, type)).json.contentType;
  assert.equal(await typeOf("Proposal 2027.PDF", "application/x-www-form-urlencoded"), "application/pdf");
  assert.equal(await typeOf("chart.png", "application/octet-stream"), "image/png");
  assert.equal(
    await typeOf("notes.txt", "text/plain; charset=utf-8"),
    "text/plain",
    "a type of its own is kept",
  );
  assert.equal(await typeOf("data.unknownext", "application/octet-stream"), "application/octet-stream");
});

Deno.test("attachments - a copy of 'send individually' made a draft again drops a file; the other copy still sends it", async () => {
  const { t, ana, me, draft, upload } = await setup();
  await using _ = t;
  await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@initech.example" });
  const file = pdf(2 * CHUNK_SIZE);
  const { json: attachment } = await upload("Terms.pdf", file);
  await ana.api("PATCH", `/messages/${draft.id}/attachments/${attachment.blobId}`, { followed: false });
  await ana.api("PATCH", `/messages/${draft.id}`, {
    to: ["ken@globex.example", "lee@initech.example"],
    sendIndividually: true,
  });
  const at = start + 3600_000;
  const ids = (await ana.api("POST", `/messages/${draft.id}/schedule`, { at })).json.items.map((
    m: { id: string },
  ) => m.id);
  assert.equal(ids.length, 2);
  // Ken's copy goes back to a draft and loses the file; Lee's still carries it.
  assert.equal((await ana.api("DELETE", `/messages/${ids[0]}/schedule`)).status, 200);
  const removed = await ana.api("DELETE", `/messages/${ids[0]}/attachments/${attachment.blobId}`);
  assert.equal(removed.status, 204);
  t.clock.set(at);
  await t.deps.scheduler.drain();
  const lee = (await ana.api("GET", `/messages/${ids[1]}`)).json;
  assert.equal(lee.status, "sent", lee.failure?.reason);
  const [email] = await outbox(t, me.team.id);
  assert.deepEqual(email.to, ["lee@initech.example"]);
  assert.equal(email.attachments.length, 1);
  // A file no other message carries goes with its removal.
  const other = await ana.api("POST", "/messages", { to: ["ken@globex.example"], subject: "Again" });
  const { json: single } = await upload("Other.pdf", pdf(1000), "application/pdf", other.json.id);
  assert.ok(await t.deps.blobs.meta(me.team.id, single.blobId));
  assert.equal(
    (await ana.api("DELETE", `/messages/${other.json.id}/attachments/${single.blobId}`)).status,
    204,
  );
  assert.equal(await t.deps.blobs.meta(me.team.id, single.blobId), null);
});

/** Keys left in KV under the team for a file: its record, its chunks and the messages carrying it. */
async function fileKeys(t: { kv: Deno.Kv }, teamId: string, blobId: string) {
  const keys = await Array.fromAsync(t.kv.list({ prefix: ["team", teamId] }));
  return keys.filter(({ key }) => key.includes(blobId)).map(({ key }) => String(key[2]));
}

Deno.test("attachments - erasing one recipient of 'send individually' keeps the file the other copy carries", async () => {
  const { t, ana, me, ken, draft, upload } = await setup();
  await using _ = t;
  const lee = (await ana.api("POST", "/contacts", { firstName: "Lee", email: "lee@initech.example" })).json;
  const { json: file } = await upload("Terms.pdf", pdf(CHUNK_SIZE + 10));
  await ana.api("PATCH", `/messages/${draft.id}`, {
    to: ["ken@globex.example", "lee@initech.example"],
    sendIndividually: true,
  });
  await ana.api("POST", `/messages/${draft.id}/send`);
  await t.deps.scheduler.drain();
  assert.equal((await ana.api("POST", `/contacts/${ken.id}/erase`)).json.messagesDeleted, 1);
  assert.ok(await t.deps.blobs.meta(me.team.id, file.blobId), "Lee's copy still carries it");
  const [email] = await outbox(t, me.team.id);
  const link = email.html.match(/href="http:\/\/beacon\.test(\/t\/a\/[\w-]+)"/)![1];
  assert.equal((await personRequest(t, link)).status, 200, "Lee's tracked link still opens the file");
  assert.equal((await ana.api("POST", `/contacts/${lee.id}/erase`)).json.messagesDeleted, 1);
  assert.deepEqual(await fileKeys(t, me.team.id, file.blobId), [], "the last copy takes the file with it");
});

Deno.test("attachments - discarding a draft deletes its files and its alarms", async () => {
  const { t, ana, me, draft, upload } = await setup();
  await using _ = t;
  const { json: file } = await upload("Terms.pdf", pdf(CHUNK_SIZE + 10));
  const alarm = await ana.api("POST", `/messages/${draft.id}/alarms`, {
    condition: "reminder",
    at: start + 3600_000,
  });
  assert.equal(alarm.status, 201);
  assert.equal((await ana.api("DELETE", `/messages/${draft.id}`)).status, 204);
  assert.deepEqual(await fileKeys(t, me.team.id, file.blobId), []);
  const left = await Array.fromAsync(t.kv.list({ prefix: [] }));
  assert.deepEqual(left.filter(({ key }) => key.includes(alarm.json.id) || key.includes(draft.id)), []);
  t.clock.set(start + 3600_000);
  await t.deps.scheduler.drain();
  const cards = await ana.api("GET", "/cards");
  assert.equal(cards.status, 200);
  assert.deepEqual(cards.json.items, [], "no reminder about it");
});

Deno.test("attachments - a file gone missing before the send fails the email with the reason, once", async () => {
  const { t, ana, me, draft, upload } = await setup();
  await using _ = t;
  const { json: attachment } = await upload("Terms.pdf", pdf(1000));
  await ana.api("PATCH", `/messages/${draft.id}/attachments/${attachment.blobId}`, { followed: false });
  await t.deps.blobs.delete(me.team.id, attachment.blobId);
  assert.equal((await ana.api("POST", `/messages/${draft.id}/send`)).status, 202);
  await t.deps.scheduler.drain();
  const message = (await ana.api("GET", `/messages/${draft.id}`)).json;
  assert.equal(message.status, "failed", "not left 'sending' while the job is tried again and dropped");
  assert.equal(message.failure.summary, "attachment missing");
  assert.match(message.failure.reason, /Terms\.pdf is missing/);
  assert.equal((await outbox(t, me.team.id)).length, 0);
});

Deno.test("outbox - pages of 50, newest first, every email reachable", async () => {
  const { t, ana, me } = await setup();
  await using _ = t;
  for (let i = 0; i < 55; i++) {
    t.clock.advance(1000);
    await t.deps.mailer.send({
      from: "ana@acme.example",
      to: ["ken@globex.example"],
      cc: [],
      bcc: [],
      subject: `Mail ${String(i).padStart(2, "0")}`,
      html: "<p>Hi</p>",
      text: "Hi",
      headers: {},
      attachments: [],
    }, { teamId: me.team.id, idempotencyKey: `k${i}` });
  }
  const subjects = (html: string) => [...html.matchAll(/>(Mail \d\d)</g)].map(([, s]) => s);
  const first = (await ana.page("/outbox")).html;
  assert.equal(subjects(first).length, 50);
  assert.equal(subjects(first)[0], "Mail 54");
  const next = first.match(/href="([^"]*)"[^>]*>Next page/)?.[1].replaceAll("&amp;", "&");
  assert.ok(next, "a next page");
  const second = (await ana.page(`/outbox${next}`)).html;
  assert.deepEqual(subjects(second), ["Mail 04", "Mail 03", "Mail 02", "Mail 01", "Mail 00"]);
  assert.doesNotMatch(second, /Next page/);
});
