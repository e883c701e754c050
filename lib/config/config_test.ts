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
