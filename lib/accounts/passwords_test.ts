import assert from "node:assert/strict";
import { DEFAULT_ITERATIONS, hashPassword, verifyPassword } from "./passwords.ts";

Deno.test("passwords - default cost is PBKDF2-SHA256 with 600,000 iterations", async () => {
  const stored = await hashPassword("correct horse battery");
  assert.equal(DEFAULT_ITERATIONS, 600_000);
  assert.match(stored, /^pbkdf2-sha256\$600000\$[\w-]{22}\$[\w-]{43}$/);
  assert.equal(await verifyPassword("correct horse battery", stored), true);
});

Deno.test("passwords - wrong passwords, salts and corrupt hashes fail", async () => {
  const a = await hashPassword("same password", 1000);
  const b = await hashPassword("same password", 1000);
  assert.notEqual(a, b, "each hash has its own salt");
  assert.equal(await verifyPassword("Same password", a), false);
  assert.equal(await verifyPassword("same password", "pbkdf2-sha256$1000$bad"), false);
  assert.equal(await verifyPassword("same password", "md5$x$y$z"), false);
});
