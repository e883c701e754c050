import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";
import { ensureSecrets } from "./secrets.ts";

Deno.test("config - embedded defaults need no variables", () => {
  const config = loadConfig({});
  assert.equal(config.production, false);
  assert.equal(config.port, 8000);
  assert.equal(config.kvPath, "./data/beacon.kv");
  assert.equal(config.baseUrl, "http://localhost:8000");
});

Deno.test("config - production names every missing secret", () => {
  assert.throws(
    () => loadConfig({ BEACON_ENV: "production", BEACON_BASE_URL: "https://b.example" }),
    (error: Error) =>
      error instanceof ConfigError && error.message.includes("BEACON_SESSION_SECRET") &&
      error.message.includes("BEACON_TRACKING_SECRET") && !error.message.includes("BEACON_BASE_URL"),
  );
});

Deno.test("config - Deno Deploy counts as production and uses the platform KV", () => {
  assert.throws(() => loadConfig({ DENO_DEPLOYMENT_ID: "abc" }), ConfigError);
  const secret = "x".repeat(32);
  const config = loadConfig({
    DENO_DEPLOYMENT_ID: "abc",
    BEACON_BASE_URL: "https://beacon.example/",
    BEACON_SESSION_SECRET: secret,
    BEACON_TRACKING_SECRET: secret,
    BEACON_REALTIME: "local",
  });
  assert.equal(config.production, true);
  assert.equal(config.kvPath, undefined);
  assert.equal(config.baseUrl, "https://beacon.example");
});

Deno.test("config - short secrets and bad ports are refused", () => {
  assert.throws(
    () =>
      loadConfig({
        BEACON_ENV: "production",
        BEACON_BASE_URL: "https://b.example",
        BEACON_SESSION_SECRET: "short",
        BEACON_TRACKING_SECRET: "y".repeat(40),
      }),
    /BEACON_SESSION_SECRET must be at least 32/,
  );
  assert.throws(() => loadConfig({ PORT: "http" }), /PORT/);
});

Deno.test("secrets - generated once and kept across restarts", async () => {
  using kv = await Deno.openKv(":memory:");
  const config = loadConfig({});
  const first = await ensureSecrets(kv, config);
  const second = await ensureSecrets(kv, config);
  assert.deepEqual(first, second);
  assert.ok(first.session.length >= 40);
  assert.notEqual(first.session, first.tracking);
  const given = await ensureSecrets(kv, { ...config, sessionSecret: "s".repeat(32) });
  assert.equal(given.session, "s".repeat(32));
  assert.equal(given.tracking, first.tracking);
});

const SUPABASE = {
  SUPABASE_URL: "https://abcd.supabase.co/",
  SUPABASE_ANON_KEY: "anon-key",
  SUPABASE_SERVICE_ROLE_KEY: "service-key",
  SUPABASE_JWT_SECRET: "j".repeat(40),
};
const PRODUCTION = {
  BEACON_ENV: "production",
  BEACON_BASE_URL: "https://b.example",
  BEACON_SESSION_SECRET: "s".repeat(32),
  BEACON_TRACKING_SECRET: "t".repeat(32),
};

Deno.test("config - realtime: the local hub by default, Supabase when all its variables are set", () => {
  assert.equal(loadConfig({}).realtime.adapter, "local");
  const config = loadConfig({ ...PRODUCTION, ...SUPABASE });
  assert.equal(config.realtime.adapter, "supabase");
  assert.deepEqual(config.realtime.supabase, {
    url: "https://abcd.supabase.co",
    anonKey: "anon-key",
    serviceRoleKey: "service-key",
    jwtSecret: "j".repeat(40),
  });
  assert.equal(loadConfig({ ...SUPABASE, BEACON_REALTIME: "local" }).realtime.adapter, "local");
});

Deno.test("config - realtime: production names each missing Supabase variable", () => {
  assert.throws(
    () => loadConfig({ ...PRODUCTION, SUPABASE_URL: SUPABASE.SUPABASE_URL }),
    (error: Error) =>
      error instanceof ConfigError && /partly configured/.test(error.message) &&
      error.message.includes("SUPABASE_ANON_KEY") && error.message.includes("SUPABASE_SERVICE_ROLE_KEY") &&
      error.message.includes("SUPABASE_JWT_SECRET") && !error.message.includes("SUPABASE_URL ("),
  );
  // In development a partial setup falls back to the local hub, and says so.
  const dev = loadConfig({ SUPABASE_URL: SUPABASE.SUPABASE_URL });
  assert.equal(dev.realtime.adapter, "local");
  assert.match(dev.realtime.note ?? "", /missing SUPABASE_ANON_KEY/);
  assert.throws(() => loadConfig({ BEACON_REALTIME: "supabase" }), /SUPABASE_URL/);
  assert.throws(() => loadConfig({ ...SUPABASE, SUPABASE_JWT_SECRET: "short" }), /SUPABASE_JWT_SECRET/);
  assert.throws(
    () => loadConfig({ ...PRODUCTION, ...SUPABASE, SUPABASE_URL: "http://abcd.example" }),
    /https/,
  );
  assert.equal(
    loadConfig({ ...PRODUCTION, ...SUPABASE, SUPABASE_URL: "http://127.0.0.1:54321" }).realtime.adapter,
    "supabase",
    "a local stand-in or supabase start",
  );
  assert.throws(() => loadConfig({ BEACON_REALTIME: "pusher" }), /BEACON_REALTIME/);
});

Deno.test("config - realtime: Deno Deploy needs Supabase, or an explicit single-instance choice", () => {
  const deploy = { ...PRODUCTION, BEACON_ENV: "", DENO_DEPLOYMENT_ID: "abc" };
  assert.throws(
    () => loadConfig(deploy),
    (error: Error) => /Deno Deploy/.test(error.message) && /SUPABASE_URL/.test(error.message),
  );
  assert.equal(loadConfig({ ...deploy, ...SUPABASE }).realtime.adapter, "supabase");
  assert.deepEqual(loadConfig({ ...deploy, ...SUPABASE }).wakeups, ["timer", "cron"]);
  assert.match(loadConfig({ ...deploy, BEACON_REALTIME: "local" }).realtime.note ?? "", /same instance/);
});
