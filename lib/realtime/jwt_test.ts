import assert from "node:assert/strict";
import { peekJwt, signJwt, verifyJwt } from "./jwt.ts";

const SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
const NOW = Date.UTC(2026, 2, 3, 9, 0, 0);
const claims = { sub: "U1", role: "authenticated", team_id: "T1", exp: NOW / 1000 + 600 };

Deno.test("jwt - signs HS256 that verifies, and matches a known vector", async () => {
  // The token jwt.io shows for this header, these claims and the secret "your-256-bit-secret".
  const known = await signJwt(
    { sub: "1234567890", name: "John Doe", iat: 1516239022 },
    "your-256-bit-secret",
  );
  assert.equal(
    known,
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" +
      ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  );
  const token = await signJwt(claims, SECRET);
  assert.deepEqual(await verifyJwt(token, SECRET, NOW), { ok: true, claims });
  assert.deepEqual(peekJwt(token), claims);
});

Deno.test("jwt - refuses a wrong secret, tampering, expiry, other algorithms and garbage", async () => {
  const token = await signJwt(claims, SECRET);
  assert.deepEqual(await verifyJwt(token, SECRET.replace("s", "S"), NOW), { ok: false, reason: "signature" });
  const [h, , s] = token.split(".");
  const forged = btoa(JSON.stringify({ ...claims, team_id: "T2" })).replace(/=+$/, "");
  assert.deepEqual(await verifyJwt(`${h}.${forged}.${s}`, SECRET, NOW), { ok: false, reason: "signature" });
  assert.deepEqual(await verifyJwt(token, SECRET, NOW + 600_000), { ok: false, reason: "expired" });
  const noExp = await signJwt({ sub: "U1" }, SECRET);
  assert.deepEqual(await verifyJwt(noExp, SECRET, NOW), { ok: false, reason: "expired" });
  const none = `${btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, "")}.${token.split(".")[1]}.`;
  assert.deepEqual(await verifyJwt(none, SECRET, NOW), { ok: false, reason: "algorithm" });
  const hs512 = `${btoa('{"alg":"HS512"}').replace(/=+$/, "")}.${token.split(".")[1]}.${s}`;
  assert.deepEqual(await verifyJwt(hs512, SECRET, NOW), { ok: false, reason: "algorithm" });
  for (const junk of ["", "a.b", "a.b.c", "...", token + ".x"]) {
    assert.equal((await verifyJwt(junk, SECRET, NOW)).ok, false, junk);
  }
  const later = await signJwt({ ...claims, nbf: NOW / 1000 + 60 }, SECRET);
  assert.deepEqual(await verifyJwt(later, SECRET, NOW), { ok: false, reason: "not_yet_valid" });
});
