import { randomToken } from "../crypto/tokens.ts";
import type { Config } from "./config.ts";

export interface Secrets {
  session: string;
  tracking: string;
}

const SECRETS_KEY = ["config", "secrets"] as const;

/**
 * The secrets this instance signs with. Given ones win; otherwise they are
 * generated on first start and kept in KV, so restarts keep sessions and links
 * valid. (Production refuses to start without given ones; see loadConfig.)
 */
export async function ensureSecrets(kv: Deno.Kv, config: Config): Promise<Secrets> {
  if (config.sessionSecret && config.trackingSecret) {
    return { session: config.sessionSecret, tracking: config.trackingSecret };
  }
  for (;;) {
    const stored = await kv.get<Secrets>(SECRETS_KEY);
    if (stored.value) {
      return {
        session: config.sessionSecret ?? stored.value.session,
        tracking: config.trackingSecret ?? stored.value.tracking,
      };
    }
    const fresh: Secrets = { session: randomToken(32), tracking: randomToken(32) };
    const result = await kv.atomic().check(stored).set(SECRETS_KEY, fresh).commit();
    if (result.ok) {
      return {
        session: config.sessionSecret ?? fresh.session,
        tracking: config.trackingSecret ?? fresh.tracking,
      };
    }
  }
}
