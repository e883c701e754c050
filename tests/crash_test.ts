/**
 * Exactly-once sending across a real crash: a worker process is killed (SIGKILL) right
 * after claiming a delivery, and right after the provider accepted the email; a fresh
 * process then runs what is due. The email is neither lost nor sent twice.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../lib/clock/clock.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { outbox } from "./helpers/mail.ts";

async function killAt(point: "before-send" | "after-send") {
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/beacon.kv`;
  const marker = `${dir}/marker`;
  let teamId = "", messageId = "";
  {
    await using t = await makeTestApp({ kvPath, clock: new ManualClock(Date.now()) });
    const ana = new Client(t);
    teamId = (await ana.signUp()).team.id;
    const draft = (await ana.api("POST", "/messages", {
      to: ["ken@globex.example"],
      subject: "Exactly once",
      html: "<p>x</p>",
    })).json;
    messageId = draft.id;
    assert.equal((await ana.api("POST", `/messages/${draft.id}/send`)).status, 202);
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/fixtures/crash_worker.ts", kvPath, marker, point],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  for (let i = 0; i < 300; i++) {
    if (await Deno.stat(marker).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(await Deno.stat(marker).then(() => true, () => false), "the worker reached the crash point");
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL");
  await child.stderr.cancel();

  // A new process, after the claim's lease has run out.
  await using t = await makeTestApp({ kvPath, clock: new ManualClock(Date.now() + 5 * 60_000) });
  const before = (await outbox(t, teamId)).length;
  await t.deps.scheduler.drain();
  const after = await outbox(t, teamId);
  const message = (await t.kv.get<{ status: string }>(["team", teamId, "message", messageId])).value!;
  await Deno.remove(dir, { recursive: true });
  return { before, after: after.length, status: message.status };
}

Deno.test("crash - killed after claiming, before sending: sent once after restart", async () => {
  const result = await killAt("before-send");
  assert.deepEqual(result, { before: 0, after: 1, status: "sent" });
});

Deno.test("crash - killed after the provider accepted, before recording it: not sent twice", async () => {
  const result = await killAt("after-send");
  assert.deepEqual(result, { before: 1, after: 1, status: "sent" });
});
