import { monotonicFactory } from "ulid";

/** Random bytes for ids, drawn from the system's CSPRNG a pool at a time (one call per byte is slow). */
const pool = new Uint8Array(4096);
let used = pool.length;
function randomFraction(): number {
  if (used === pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  return pool[used++] / 256;
}

const next = monotonicFactory(randomFraction);

/** A new ULID: time-ordered, so KV lists by id are lists by creation time. */
export function newId(now = Date.now()): string {
  return next(now);
}

/** No id Beacon gives out is longer (ULIDs are 26 characters), and KV refuses keys over 2 KB. */
export const MAX_ID_LENGTH = 100;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isId(value: unknown): value is string {
  return typeof value === "string" && ULID.test(value);
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The 16 bytes a ULID encodes (its 26 characters carry 128 bits plus 2 leading zero bits). */
export function ulidToBytes(id: string): Uint8Array {
  if (!isId(id)) throw new Error(`not a ULID: ${id}`);
  let value = 0n;
  for (const char of id) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

export function bytesToUlid(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}
