import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import { admitAtOnce } from "./admit.ts";

Deno.test("admit - at most `limit` requests run at once, the others wait in order and all are answered", async () => {
  const app = new Hono<AppEnv>();
  let running = 0, most = 0;
  const order: number[] = [];
  app.use("/slow/*", admitAtOnce(2));
  app.get("/slow/:n", async (c) => {
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    order.push(Number(c.req.param("n")));
    return c.text("ok");
  });
  app.get("/fast", (c) => c.text("fast"));
  const slow = Array.from({ length: 7 }, (_, n) => app.request(`/slow/${n}`));
  assert.equal(await (await app.request("/fast")).text(), "fast", "other paths never wait");
  const answers = await Promise.all(slow);
  assert.deepEqual(answers.map((r) => r.status), Array(7).fill(200));
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("admit - a request that fails gives its slot back", async () => {
  const app = new Hono<AppEnv>();
  app.use("*", admitAtOnce(1));
  app.onError((_, c) => c.text("failed", 500));
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.get("/ok", (c) => c.text("ok"));
  assert.equal((await app.request("/boom")).status, 500);
  const answer = await Promise.race([
    Promise.resolve(app.request("/ok")).then((r) => r.text()),
    new Promise((r) => setTimeout(() => r("still waiting"), 500)),
  ]);
  assert.equal(answer, "ok");
});
