/**
 * Stopping Beacon (SIGTERM, as a host does; Deno Deploy sends SIGINT): main.ts in a subprocess with its
 * KV in a temp file. While pixel hits are arriving and a page holds a live stream, the stop ends the
 * stream cleanly (the page reconnects elsewhere), answers the hits it took, and exits 0 — and every hit
 * that was answered is in KV, none that wasn't.
 */
import assert from "node:assert/strict";
import {
  freePort,
  HttpClient,
  pixelFromOutbox,
  sendAndWait,
  spawnServer,
  waitForHttp,
} from "../bench/lib.ts";
import { readEvents } from "../lib/tracking/event_log.ts";

Deno.test("shutdown - a stop answers the hits in flight, stores exactly those, and ends live streams cleanly", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "beacon-shutdown-" });
  const port = freePort();
  const server = spawnServer("Beacon", ["run", "-A", "main.ts"], {
    cwd: ".",
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      PORT: String(port),
      BEACON_DATA_DIR: dataDir,
    },
    port,
    logPath: `${dataDir}/beacon.log`,
  });
  const { child } = server;
  const decoder = new TextDecoder();
  try {
    await waitForHttp(server, "/healthz", 30_000);
    const base = `http://127.0.0.1:${port}`;
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
    child.kill("SIGTERM");

    // The live stream ends cleanly (the browser would reconnect), rather than being cut.
    for (let chunk = await stream.read(); !chunk.done; chunk = await stream.read()) {
      assert.doesNotMatch(decoder.decode(chunk.value), /^event: ready/);
    }
    const status = await child.status;
    await server.logDone;
    const output = await Deno.readTextFile(server.logPath);
    assert.equal(status.signal, null, output);
    assert.equal(status.code, 0, output);
    assert.match(output, /Beacon is stopping/);

    const outcomes = await Promise.all(hits);
    const answered = outcomes.filter((o) => o === 200).length;
    assert.ok(answered > 0, "some hits came before the stop");
    assert.deepEqual(outcomes.filter((o) => o !== 200 && o !== "refused"), [], "no hit got an error answer");

    using kv = await Deno.openKv(`${dataDir}/beacon.kv`);
    const stored = await readEvents(kv, me.team.id, messageId);
    assert.equal(stored.length, answered, `${answered} answered, ${stored.length} stored`);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already ended
    }
    await child.status;
    await server.logDone;
    await Deno.remove(dataDir, { recursive: true });
  }
});
