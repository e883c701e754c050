import assert from "node:assert/strict";
import { newId } from "../storage/ids.ts";
import { TrackingSigner, trackingUrl, UNKNOWN_RECIPIENT } from "./tokens.ts";

const signer = new TrackingSigner("k".repeat(43));
const ref = { kind: "click" as const, teamId: newId(), messageId: newId(), recipient: 0, index: 3 };

Deno.test("tracking tokens - round trip, compact, no personal data", async () => {
  const token = await signer.sign(ref);
  assert.equal(token.length, 66);
  assert.match(token, /^[\w-]+$/);
  assert.deepEqual(await new TrackingSigner("k".repeat(43)).verify(token, "click"), ref);
  const open = await signer.sign({ ...ref, kind: "open", index: 0, recipient: UNKNOWN_RECIPIENT });
  assert.equal((await signer.verify(open, "open"))?.recipient, UNKNOWN_RECIPIENT);
  assert.equal(trackingUrl("https://b.example", "open", open), `https://b.example/t/o/${open}`);
});

Deno.test("tracking tokens - forged, truncated, wrong-kind and foreign-key tokens fail", async () => {
  const token = await signer.sign(ref);
  assert.equal(await signer.verify(token, "open"), null, "a click token is not a pixel token");
  assert.equal(await signer.verify(token.slice(0, -1), "click"), null);
  assert.equal(await signer.verify(token + "A", "click"), null);
  assert.equal(await signer.verify("", "click"), null);
  assert.equal(await signer.verify("%2F%2Fevil.example".padEnd(66, "x"), "click"), null);
  const flipped = token.slice(0, 40) + (token[40] === "A" ? "B" : "A") + token.slice(41);
  assert.equal(await signer.verify(flipped, "click"), null, "changing the body breaks the MAC");
  assert.equal(await new TrackingSigner("other".repeat(9)).verify(token, "click"), null);
});
