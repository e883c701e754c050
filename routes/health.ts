import { Hono } from "hono";
import pkg from "../deno.json" with { type: "json" };
import type { AppEnv } from "./deps.ts";

export const health = new Hono<AppEnv>();

/** Liveness and KV reachability, for load balancers and uptime checks. */
health.get("/healthz", async (c) => {
  let kv = false;
  try {
    await c.get("deps").kv.get(["config", "secrets"]);
    kv = true;
  } catch {
    kv = false;
  }
  c.header("Cache-Control", "no-store");
  return c.json({ ok: kv, version: pkg.version, kv }, kv ? 200 : 503);
});
