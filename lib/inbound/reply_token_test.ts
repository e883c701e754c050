import assert from "node:assert/strict";
import { newId } from "../storage/ids.ts";
import {
  REPLY_TOKEN_LENGTH,
  replyAddress,
  ReplyTokenSigner,
  tokenFromAddresses,
  tokensFromAddresses,
} from "./reply_token.ts";

const signer = new ReplyTokenSigner("s".repeat(43));
const ref = { teamId: newId(), messageId: newId() };

Deno.test("reply tokens - round trip; lower-case base32 that fits a 64-octet local part", async () => {
  const token = await signer.sign(ref);
  assert.equal(token.length, REPLY_TOKEN_LENGTH);
  assert.match(token, /^[a-z2-7]{58}$/);
  assert.deepEqual(await new ReplyTokenSigner("s".repeat(43)).verify(token), ref);
  const address = replyAddress(token, "In.Example");
  assert.equal(address, `reply+${token}@in.example`);
  assert.equal(address.split("@")[0].length, 64);
  assert.ok(!token.includes(ref.teamId.toLowerCase()) && !token.includes(ref.messageId.toLowerCase()));
});

Deno.test("reply tokens - case and surrounding space do not matter (mail systems may change case)", async () => {
  const token = await signer.sign(ref);
  assert.deepEqual(await signer.verify(token.toUpperCase()), ref);
  assert.deepEqual(await signer.verify(` ${token}\n`), ref);
});

Deno.test("reply tokens - forged, truncated, extended, foreign-key and garbage tokens fail", async () => {
  const token = await signer.sign(ref);
  for (let i = 0; i < token.length; i++) {
    const flipped = token.slice(0, i) + (token[i] === "a" ? "b" : "a") + token.slice(i + 1);
    assert.equal(await signer.verify(flipped), null, `changed character ${i}`);
  }
  assert.equal(await signer.verify(token.slice(0, -1)), null);
  assert.equal(await signer.verify(token + "a"), null);
  assert.equal(await signer.verify(""), null);
  assert.equal(await signer.verify("0".repeat(58)), null, "0 and 1 are not in the alphabet");
  assert.equal(await signer.verify("a".repeat(58)), null);
  assert.equal(await new ReplyTokenSigner("other".repeat(9)).verify(token), null);
  const other = { teamId: ref.teamId, messageId: newId() };
  assert.notEqual(await signer.sign(other), token);
});

Deno.test("reply tokens - ids must be ULIDs from before the year 2109", async () => {
  await assert.rejects(signer.sign({ teamId: "team-1", messageId: ref.messageId }), /not a ULID/);
  await assert.rejects(
    signer.sign({ teamId: ref.teamId, messageId: "7ZZZZZZZZZZZZZZZZZZZZZZZZZ" }),
    RangeError,
  );
  await assert.rejects(
    signer.sign({ teamId: ref.teamId, messageId: "04000000000000000000000000" }),
    RangeError,
  );
  const edge = { teamId: "00000000000000000000000000", messageId: "03ZZZZZZZZZZZZZZZZZZZZZZZZ" };
  // "03ZZZZZZZZ", the timestamp part of `edge`, is 2^42 - 1 ms.
  assert.equal(new Date(2 ** 42 - 1).getUTCFullYear(), 2109);
  assert.deepEqual(await signer.verify(await signer.sign(edge)), edge);
});

Deno.test("reply tokens - found among To/Cc/Delivered-To addresses on the inbound domain only", async () => {
  const token = await signer.sign(ref);
  const addresses = [
    "sam@beacon.test",
    `reply+${token}@other.example`,
    `"Sam Rivera" <REPLY+${token.toUpperCase()}@IN.EXAMPLE>`,
    `reply+${token}@in.example.`,
    "reply+@in.example",
    "reply+not_base32!@in.example",
  ];
  assert.equal(tokenFromAddresses(addresses, "in.example"), token);
  assert.deepEqual(tokensFromAddresses(addresses, "in.example"), [token]);
  assert.equal(tokenFromAddresses(["sam@in.example", "noreply@in.example"], "in.example"), null);
  assert.equal(tokenFromAddresses([], "in.example"), null);
});
