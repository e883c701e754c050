/**
 * CSRF tokens bound to the browser and to its session (a signed double submit). Each browser gets a random
 * CSRF cookie; the token its pages carry, and must send back with every change, is an HMAC under
 * `BEACON_SESSION_SECRET` of that cookie and of the browser's session cookie. Matching the cookie alone (a
 * plain double submit) lets someone who can set cookies for the site — a sibling subdomain, a network on
 * plain HTTP — plant a cookie and the token to go with it; here they would also need the secret and the
 * victim's session. A token changes with the session: signing in or out makes a new one, and open pages of the
 * old session ask for their form to be sent again. So does changing the secret.
 */
import { encodeBase64Url, hmac, importHmacKey } from "../crypto/tokens.ts";

export class CsrfTokens {
  #key: Promise<CryptoKey>;

  constructor(secret: string) {
    this.#key = importHmacKey(secret);
  }

  /**
   * The token for a browser's CSRF cookie and session cookie ("" when it has none). It begins with "s" when
   * made in a session and "a" when not, so a refused one can say which it was (`madeInSession`).
   */
  async tokenFor(browser: string, session: string): Promise<string> {
    const mac = await hmac(await this.#key, `csrf:${browser.length}:${browser}:${session}`);
    return (session ? "s" : "a") + encodeBase64Url(mac.subarray(0, 24));
  }
}

/** Whether a token was made in a session (one that may have ended since), as its first letter says. */
export const madeInSession = (token: string) => token.startsWith("s");
