/**
 * Reply tokens: the signed part of a per-message reply address, `reply+<token>@<inbound domain>`, put in
 * Reply-To so a reply can be matched to the sent message even when the replier's client drops the
 * threading headers. Like the tracking tokens, a reply token carries ids only (team and message ULIDs).
 *
 * The token has to survive being an address local part:
 * - Mail systems may change the case of a local part, so the alphabet is lower-case base32 (RFC 4648,
 *   `a-z2-7`) and `verify` lower-cases first; an upper-cased token still verifies.
 * - RFC 5321 limits a local part to 64 octets and some software enforces it, so the token is 58 characters:
 *   `reply+` (6) + 58 = 64.
 *
 * Layout, 290 bits = 58 base32 characters, most significant first:
 *   version(2) team(122) message(122) mac(44)
 * A ULID is 128 bits whose top 48 are a millisecond timestamp; the top 6 of those are zero until the year
 * 2109, so they are left out (`sign` refuses ids past that). The mac is the first 44 bits of HMAC-SHA256
 * over the 33 bytes version(1) team(16) message(16), under a key separate from the tracking key.
 */
import { hmac, importHmacKey, timingSafeEqual } from "../crypto/tokens.ts";
import { bytesToUlid, isId, ulidToBytes } from "../storage/ids.ts";

export interface ReplyRef {
  teamId: string;
  messageId: string;
}

/** RFC 4648 base32, lower case. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
export const REPLY_TOKEN_LENGTH = 58;
const TOKEN = /^[a-z2-7]{58}$/;
const VERSION = 1n;
const ID_BITS = 122n;
const MAC_BITS = 44n;
const ID_MASK = (1n << ID_BITS) - 1n;
const MAC_MASK = (1n << MAC_BITS) - 1n;

export class ReplyTokenSigner {
  #key: Promise<CryptoKey>;

  constructor(secret: string) {
    this.#key = importHmacKey(`beacon-reply:${secret}`);
  }

  async sign(ref: ReplyRef): Promise<string> {
    const team = idToBigInt(ref.teamId);
    const message = idToBigInt(ref.messageId);
    const mac = await this.#mac(team, message);
    let value = VERSION;
    value = (value << ID_BITS) | team;
    value = (value << ID_BITS) | message;
    value = (value << MAC_BITS) | mac;
    let out = "";
    for (let i = REPLY_TOKEN_LENGTH - 1; i >= 0; i--) out += ALPHABET[Number((value >> BigInt(i * 5)) & 31n)];
    return out;
  }

  /** The ids a token stands for, or null when it is malformed, truncated, from another key or forged. */
  async verify(token: string): Promise<ReplyRef | null> {
    const text = token.trim().toLowerCase();
    if (!TOKEN.test(text)) return null;
    let value = 0n;
    for (const char of text) value = (value << 5n) | BigInt(ALPHABET.indexOf(char));
    const mac = value & MAC_MASK;
    const message = (value >> MAC_BITS) & ID_MASK;
    const team = (value >> (MAC_BITS + ID_BITS)) & ID_MASK;
    const version = value >> (MAC_BITS + 2n * ID_BITS);
    if (version !== VERSION) return null;
    const expected = await this.#mac(team, message);
    if (!timingSafeEqual(macBytes(expected), macBytes(mac))) return null;
    return { teamId: bigIntToId(team), messageId: bigIntToId(message) };
  }

  async #mac(team: bigint, message: bigint): Promise<bigint> {
    const body = new Uint8Array(33);
    body[0] = Number(VERSION);
    body.set(bigIntToBytes(team), 1);
    body.set(bigIntToBytes(message), 17);
    const digest = await hmac(await this.#key, body);
    let head = 0n;
    for (let i = 0; i < 6; i++) head = (head << 8n) | BigInt(digest[i]);
    return head >> (48n - MAC_BITS);
  }
}

function idToBigInt(id: string): bigint {
  if (!isId(id)) throw new Error(`not a ULID: ${id}`);
  let value = 0n;
  for (const byte of ulidToBytes(id)) value = (value << 8n) | BigInt(byte);
  if (value >> ID_BITS !== 0n) throw new RangeError(`id too far in the future for a reply token: ${id}`);
  return value;
}

function bigIntToBytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

function bigIntToId(value: bigint): string {
  return bytesToUlid(bigIntToBytes(value));
}

function macBytes(mac: bigint): Uint8Array {
  return bigIntToBytes(mac).subarray(10);
}

const LOCAL_PART = "reply";

/** The reply address for a token: `reply+<token>@<domain>`. */
export function replyAddress(token: string, inboundDomain: string): string {
  return `${LOCAL_PART}+${token}@${normalizeDomain(inboundDomain)}`;
}

/**
 * Every distinct token found among addresses of the form `reply+<token>@<inboundDomain>`, in order. Case is
 * ignored throughout; an entry may be a bare address or `Name <address>`. Tokens are returned lower-cased
 * and are not verified here.
 */
export function tokensFromAddresses(addresses: string[], inboundDomain: string): string[] {
  const domain = normalizeDomain(inboundDomain);
  const found: string[] = [];
  for (const entry of addresses) {
    const address = bareAddress(entry);
    const at = address.lastIndexOf("@");
    if (at < 0 || normalizeDomain(address.slice(at + 1)) !== domain) continue;
    const local = address.slice(0, at);
    if (!local.startsWith(`${LOCAL_PART}+`)) continue;
    const token = local.slice(LOCAL_PART.length + 1);
    if (/^[a-z2-7]+$/.test(token) && !found.includes(token)) found.push(token);
  }
  return found;
}

/** The first reply token among To/Cc/Delivered-To style addresses, or null. */
export function tokenFromAddresses(addresses: string[], inboundDomain: string): string | null {
  return tokensFromAddresses(addresses, inboundDomain)[0] ?? null;
}

function bareAddress(entry: string): string {
  const angle = /<([^<>]*)>/.exec(entry);
  return (angle ? angle[1] : entry).trim().replace(/^["']|["']$/g, "").toLowerCase();
}

function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, "");
}
