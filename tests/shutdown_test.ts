/**
 * Stopping Beacon (SIGTERM, as a host does; Deno Deploy sends SIGINT): main.ts in a subprocess with its
 * KV in a temp file. While pixel hits are arriving and a page holds a live stream, the stop ends the
 * stream cleanly (the page reconnects elsewhere), answers the hits it took, and exits 0 — and every hit
 * that was answered is in KV, none that wasn't. Scheduled sends claimed ahead of their time either go out
 * before the exit or go back to the index, and the next start sends them.
 */
import assert from "node:assert/strict";
import {
  childEnv,
  freePort,
  HttpClient,
  pixelFromOutbox,
  sendAndWait,
  sleep,
  spawnServer,
  waitForHttp,
} from "../bench/lib.ts";
import { readEvents } from "../lib/tracking/event_log.ts";
import type { Job } from "../lib/scheduler/scheduler.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import type { Message } from "../lib/messages/types.ts";

/** Starts main.ts on `dataDir` and waits until it answers. */
async function startBeacon(dataDir: string) {
  const port = freePort();
  const server = spawnServer("Beacon", ["run", "-A", "main.ts"], {
    cwd: ".",
    env: childEnv({ PORT: String(port), BEACON_DATA_DIR: dataDir }),
    port,
    logPath: `${dataDir}/beacon-${port}.log`,
  });
  await waitForHttp(server, "/healthz", 30_000);
  return { ...server, base: `http://127.0.0.1:${port}` };
}

type Beacon = Awaited<ReturnType<typeof startBeacon>>;

/** Sends SIGTERM and returns the process's output once it has exited 0. */
async function stopBeacon(server: Beacon): Promise<string> {
  server.child.kill("SIGTERM");
  const status = await server.child.status;
  await server.logDone;
  const output = await Deno.readTextFile(server.logPath);
  assert.equal(status.signal, null, output);
  assert.equal(status.code, 0, output);
  assert.match(output, /Beacon is stopping/);
  return output;
}

async function killBeacon(server: Beacon | undefined) {
  if (!server) return;
  try {
    server.child.kill("SIGKILL");
  } catch {
    // already ended
  }
  await server.child.status;
  await server.logDone;
}

Deno.test("shutdown - a stop answers the hits in flight, stores exactly those, and ends live streams cleanly", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "beacon-shutdown-" });
  const decoder = new TextDecoder();
  let server: Beacon | undefined;
  try {
    server = await startBeacon(dataDir);
    const { base } = server;
    const client = new HttpClient(base);
    const me = await client.signUp({ teamName: "Acme", email: "ana@acme.example" });
    const messageId = await sendAndWait(client, "ken@globex.example", "Before the stop");
    const pixel = await pixelFromOutbox(client, "Before the stop");

    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const stream = (await fetch(`${base}/api/live`, { headers: { cookie } })).body!.getReader();
    assert.match(decoder.decode((await stream.read()).value), /^event: ready/);

    // Hits keep coming while the stop begins.
    const hits = Array.from({ length: 300 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i))
        .then(() => fetch(`${base}${pixel}`, { headers: { "user-agent": `shutdown-test ${i}` } }))
        .then(async (response) => (await response.arrayBuffer(), response.status), () => "refused"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = stopBeacon(server);

    // The live stream ends cleanly (the browser would reconnect), rather than being cut.
    for (let chunk = await stream.read(); !chunk.done; chunk = await stream.read()) {
      assert.doesNotMatch(decoder.decode(chunk.value), /^event: ready/);
    }
    await stopped;

    const outcomes = await Promise.all(hits);
    const answered = outcomes.filter((o) => o === 200).length;
    assert.ok(answered > 0, "some hits came before the stop");
    assert.deepEqual(outcomes.filter((o) => o !== 200 && o !== "refused"), [], "no hit got an error answer");

    using kv = await Deno.openKv(`${dataDir}/beacon.kv`);
    const stored = await readEvents(kv, me.team.id, messageId);
    assert.equal(stored.length, answered, `${answered} answered, ${stored.length} stored`);
  } finally {
    await killBeacon(server);
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("shutdown - of two sends claimed ahead, the one due within the grace goes out; the other goes back, and the next start sends it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "beacon-shutdown-" });
  let server: Beacon | undefined;
  try {
    server = await startBeacon(dataDir);
    const client = new HttpClient(server.base);
    const me = await client.signUp({ teamName: "Acme", email: "ana@acme.example" });
    const schedule = async (subject: string, at: number) => {
      const draft = await client.api("POST", "/messages", {
        to: ["ken@globex.example"],
        subject,
        html: "<p>Hi</p>",
      });
      const scheduled = await client.api("POST", `/messages/${draft.json.id}/schedule`, { at });
      assert.equal(scheduled.status, 202, JSON.stringify(scheduled.json));
      return scheduled.json.items[0].id as string;
    };
    // Delivery claims a send 3 s ahead; a stop lets those due within 2.5 s finish (4 s of grace).
    const start = Date.now();
    const soon = await schedule("Due soon", start + 4_000);
    const later = await schedule("Due later", start + 4_600);
    // Stop once the later one is claimed (its due entry has moved and counts an attempt).
    using kv = await Deno.openKv(`${dataDir}/beacon.kv`);
    const claimed = async () =>
      (await Array.fromAsync(kv.list<Job<{ messageId: string }>>({ prefix: ["due"] }))).some((e) =>
        e.value.payload.messageId === later && e.value.attempt === 1
      );
    while (!(await claimed())) await sleep(20);
    const stoppedAt = Date.now();
    assert.ok(
      stoppedAt < start + 4_600 - 2_500,
      `claimed late (${stoppedAt - start} ms): the test can't tell`,
    );
    await stopBeacon(server);
    assert.ok(Date.now() - stoppedAt < 4_000, "the stop kept within its grace");

    const stored = async (id: string) => (await kv.get<Message>(messageKeys.message(me.team.id, id))).value;
    assert.equal((await stored(soon))?.status, "sent", "sent before the exit");
    assert.equal((await stored(later))?.status, "scheduled");
    // The later one is back in the index as it was: at its due time, not counted as an attempt.
    const [back] = (await Array.fromAsync(kv.list<Job<{ messageId: string }>>({ prefix: ["due"] })))
      .filter((e) => e.value.payload.messageId === later);
    assert.deepEqual([back?.value.dueAt, back?.value.attempt], [start + 4_600, 0]);

    server = await startBeacon(dataDir);
    client.base = server.base;
    const status = async (id: string) => (await client.api("GET", `/messages/${id}`)).json.status;
    const deadline = Date.now() + 10_000;
    while (await status(later) !== "sent") {
      assert.ok(Date.now() < deadline, `"Due later" was not sent after the restart: ${await status(later)}`);
      await sleep(50);
    }
    const outbox = await client.page("/outbox");
    assert.equal(outbox.html.match(/>Due soon</g)?.length, 1);
    assert.equal(outbox.html.match(/>Due later</g)?.length, 1);
  } finally {
    await killBeacon(server);
    await Deno.remove(dataDir, { recursive: true });
  }
});
