import assert from "node:assert/strict";
import { clip } from "./clip.ts";

Deno.test("clip - short text stays; long text is cut at a word, within the limit", () => {
  assert.equal(clip("Pricing", 20), "Pricing");
  assert.equal(clip("x".repeat(20), 20), "x".repeat(20));
  const cut = clip("Following up on our call about the renewal of the annual plan", 30);
  assert.equal(cut, "Following up on our call…");
  assert.ok(cut.length <= 30);
  // No word ends in the second half: cut inside the word.
  assert.equal(clip("Supercalifragilisticexpialidocious and more", 12), "Supercalifr…");
});
