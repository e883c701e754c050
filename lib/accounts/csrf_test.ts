import assert from "node:assert/strict";
import { CsrfTokens } from "./csrf.ts";

Deno.test("csrf tokens - one per browser, session and secret", async () => {
  const tokens = new CsrfTokens("s".repeat(43));
  const mine = await tokens.tokenFor("browser-cookie", "session-cookie");
  assert.match(mine, /^s[\w-]{32}$/, "made in a session");
  assert.match(await tokens.tokenFor("browser-cookie", ""), /^a[\w-]{32}$/, "made in none");
  assert.equal(await tokens.tokenFor("browser-cookie", "session-cookie"), mine, "the same for the same pair");
  assert.notEqual(await tokens.tokenFor("browser-cookie", "another-session"), mine);
  assert.notEqual(await tokens.tokenFor("browser-cookie", ""), mine);
  assert.notEqual(await tokens.tokenFor("another-browser", "session-cookie"), mine);
  assert.notEqual(await new CsrfTokens("x".repeat(43)).tokenFor("browser-cookie", "session-cookie"), mine);
  // The two cookies can't be shifted into one another to forge a pair.
  assert.notEqual(await tokens.tokenFor("a\nb", "c"), await tokens.tokenFor("a", "b\nc"));
});
