/**
 * Tracking tokens: compact, HMAC-signed references to (team, message, recipient,
 * link). They carry ids only — no addresses, names or URLs — and a click token
 * points at a destination Beacon stored, never at a URL from the request.
 *
 * Layout (49 bytes → 66 base64url characters):
 *   version(1) kind(1) team(16) message(16) recipient(1) index(2) | mac(12)
 */
import { decodeBase64Url, encodeBase64Url, hmac, importHmacKey, timingSafeEqual } from "../crypto/tokens.ts";
import { bytesToUlid, ulidToBytes } from "../storage/ids.ts";
import { BoundedMap } from "../storage/bounded_map.ts";

export type TrackingKind = "open" | "click" | "attachment" | "optout";

export interface TrackingRef {
  kind: TrackingKind;
  teamId: string;
  messageId: string;
  /** Index of the To recipient this copy was tracked for; UNKNOWN_RECIPIENT when others got it too (To, Cc, Bcc). */
  recipient: number;
  /** Link index for clicks, attachment index for attachments, 0 for opens. */
  index: number;
}

export const UNKNOWN_RECIPIENT = 255;
const VERSION = 1;
const KINDS: TrackingKind[] = ["open", "click", "attachment", "optout"];
const BODY = 37;
const MAC = 12;
const CACHE_LIMIT = 10_000;

export class TrackingSigner {
  #key: Promise<CryptoKey>;
  /** Verified tokens, so a hot token is checked once. Bounded; evicts oldest. */
  #verified = new BoundedMap<string, TrackingRef>(CACHE_LIMIT);

  constructor(secret: string) {
    this.#key = importHmacKey(`beacon-tracking:${secret}`);
  }

  async sign(ref: TrackingRef): Promise<string> {
    if (!Number.isInteger(ref.recipient) || ref.recipient < 0 || ref.recipient > 255) {
      throw new RangeError("recipient index out of range");
    }
    if (!Number.isInteger(ref.index) || ref.index < 0 || ref.index > 0xffff) {
      throw new RangeError("index out of range");
    }
    const body = new Uint8Array(BODY);
    body[0] = VERSION;
    body[1] = KINDS.indexOf(ref.kind);
    body.set(ulidToBytes(ref.teamId), 2);
    body.set(ulidToBytes(ref.messageId), 18);
    body[34] = ref.recipient;
    body[35] = ref.index >> 8;
    body[36] = ref.index & 0xff;
    const mac = (await hmac(await this.#key, body)).subarray(0, MAC);
    const token = new Uint8Array(BODY + MAC);
    token.set(body);
    token.set(mac, BODY);
    return encodeBase64Url(token);
  }

  /** The reference a token stands for, or null when it is malformed, truncated or forged. */
  async verify(token: string, kind: TrackingKind): Promise<TrackingRef | null> {
    const cached = this.#verified.get(token);
    if (cached) return cached.kind === kind ? cached : null;
    if (token.length !== 66) return null;
    const bytes = decodeBase64Url(token);
    if (!bytes || bytes.length !== BODY + MAC || bytes[0] !== VERSION) return null;
    const body = bytes.subarray(0, BODY);
    const expected = (await hmac(await this.#key, body)).subarray(0, MAC);
    if (!timingSafeEqual(expected, bytes.subarray(BODY))) return null;
    const ref: TrackingRef = {
      kind: KINDS[body[1]],
      teamId: bytesToUlid(body.subarray(2, 18)),
      messageId: bytesToUlid(body.subarray(18, 34)),
      recipient: body[34],
      index: (body[35] << 8) | body[36],
    };
    if (!ref.kind) return null;
    this.#verified.set(token, ref);
    return ref.kind === kind ? ref : null;
  }
}

const PATHS: Record<TrackingKind, string> = { open: "o", click: "c", attachment: "a", optout: "x" };

/** The public URL of a tracking token. */
export function trackingUrl(baseUrl: string, kind: TrackingKind, token: string): string {
  return `${baseUrl}/t/${PATHS[kind]}/${token}`;
}
