/**
 * Tracking endpoints. Mounted before sessions and CSRF: they serve recipients,
 * not users. The pixel always answers the GIF (a bad token records nothing); a
 * click redirects only to the destination stored for its signed token, and a
 * forged or unknown token gets a plain 404 page, never a redirect. Hits are
 * durable in KV before the response goes out. When KV cannot take a hit, the
 * recipient is still answered (the GIF, the redirect, the file): a tracking
 * failure never breaks a customer's link. The lost hit is logged.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { getPath } from "hono/utils/url";
import { clientAddress } from "../lib/http/client_address.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import type { Message } from "../lib/messages/types.ts";
import type { Hit } from "../lib/tracking/recorder.ts";
import type { TrackingRef } from "../lib/tracking/tokens.ts";
import type { EventType } from "../lib/tracking/types.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { fileHeaders } from "../lib/attachments/files.ts";
import { BoundedMap } from "../lib/storage/bounded_map.ts";
import { NO_STORE, recipientPage } from "./recipient_page.ts";

const GIF: Uint8Array<ArrayBuffer> = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
  (c) => c.charCodeAt(0),
);

const PIXEL_HEADERS = {
  "Content-Type": "image/gif",
  "Content-Length": String(GIF.byteLength),
  "Cache-Control": NO_STORE,
  "Pragma": "no-cache",
  "Expires": "0",
};

/** Headers kept with each event for classification (people vs. machines). */
const KEPT_HEADERS = [
  "accept",
  "accept-language",
  "purpose",
  "sec-purpose",
  "x-purpose",
  "x-moz",
  "sec-fetch-site",
  "sec-fetch-mode",
  "sec-fetch-dest",
  "sec-fetch-user",
  "via",
  "x-forwarded-for",
  "referer",
];

function hitFrom(
  request: Request,
  remoteAddr: Deno.NetAddr | undefined,
  deps: AppDeps,
  ref: TrackingRef,
  type: EventType,
  url: string | null,
): Hit {
  const h = request.headers;
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = h.get(name);
    if (value) headers[name] = value.slice(0, 300);
  }
  const purpose = `${headers.purpose ?? ""} ${headers["sec-purpose"] ?? ""} ${headers["x-purpose"] ?? ""} ${
    headers["x-moz"] ?? ""
  }`;
  return {
    ref,
    type,
    at: deps.clock.now(),
    method: request.method,
    userAgent: (h.get("user-agent") ?? "").slice(0, 500),
    clientAddress: clientAddress(h, remoteAddr, deps.config.trustProxy),
    headers,
    url,
    prefetch: request.method === "HEAD" || /prefetch|preview/i.test(purpose),
  };
}

/** A hit from a request Hono routed. */
const hitOf = (c: Context<AppEnv>, deps: AppDeps, ref: TrackingRef, type: EventType, url: string | null) =>
  hitFrom(c.req.raw, c.env?.remoteAddr, deps, ref, type, url);

/**
 * Records a hit and waits for its commit; a hit KV could not take is logged, not turned into an error page.
 * False when the message is gone (erased since it was sent): there is nothing to record it on.
 */
async function record(deps: AppDeps, hit: Hit): Promise<boolean> {
  try {
    return (await deps.recorder.record(hit)) !== null;
  } catch (error) {
    console.error(`tracking: ${hit.type} of message ${hit.ref.messageId} not recorded`, error);
    return true;
  }
}

type Targets = Pick<Message, "links" | "attachments" | "honeypotIndex">;

/** Link destinations and attachments by message, cached: they never change once a message is sent. */
class TargetCache {
  #map = new BoundedMap<string, Targets>(5_000);
  forget(messageId: string) {
    this.#map.delete(messageId);
  }
  async get(kv: Deno.Kv, ref: TrackingRef): Promise<Targets | null> {
    const hit = this.#map.get(ref.messageId);
    if (hit) return hit;
    const message = (await kv.get<Message>(messageKeys.message(ref.teamId, ref.messageId))).value;
    if (!message || message.status !== "sent") return null;
    const targets = {
      links: message.links,
      attachments: message.attachments ?? [],
      honeypotIndex: message.honeypotIndex ?? null,
    };
    this.#map.set(ref.messageId, targets);
    return targets;
  }
}

const notFoundPage = (c: Context<AppEnv>) =>
  recipientPage(
    c,
    "This link is not valid",
    "<p>The link you followed is broken or has expired. If it came in an email, reply to the sender to ask for " +
      "a new one.</p>",
    404,
  );

/** Where open pixels are served: whatever follows it (nothing, a broken token, extra segments) is the token. */
export const PIXEL_PATH = "/t/o/";

/**
 * The open pixel, as a plain handler: the hottest answer Beacon gives. Deno.serve calls it directly
 * (routes/serve.ts), skipping the router; the app's route calls the same handler. A bad token still gets
 * the GIF and records nothing.
 */
export function pixelHandler(deps: AppDeps) {
  return async (request: Request, remoteAddr?: Deno.NetAddr, path = getPath(request)): Promise<Response> => {
    const token = path.slice(PIXEL_PATH.length).replace(/\.gif$/, "");
    const ref = await deps.signer.verify(token, "open");
    if (ref) await record(deps, hitFrom(request, remoteAddr, deps, ref, "open", null));
    return new Response(request.method === "HEAD" ? null : GIF, { headers: PIXEL_HEADERS });
  };
}

export function trackingRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const targets = new TargetCache();

  const pixel = pixelHandler(deps);
  app.on(["GET", "HEAD"], `${PIXEL_PATH}*`, (c) => pixel(c.req.raw, c.env?.remoteAddr));

  app.on(["GET", "HEAD"], "/t/c/:token", async (c) => {
    const ref = await deps.signer.verify(c.req.param("token"), "click");
    const found = ref ? await targets.get(deps.kv, ref) : null;
    if (ref && found && ref.index === found.honeypotIndex) {
      // The hidden link: only a machine follows it. Recorded as such; there is nowhere to go.
      await record(deps, { ...hitOf(c, deps, ref, "click", null), honeypot: true });
      return recipientPage(c, "Nothing here", "");
    }
    const url = ref ? found?.links[ref.index] : undefined;
    if (!ref || !url || !/^https?:\/\//i.test(url)) return notFoundPage(c);
    // Its message erased since the destination was cached: the link is gone, as it is after a restart.
    if (!await record(deps, hitOf(c, deps, ref, "click", url))) {
      targets.forget(ref.messageId);
      return notFoundPage(c);
    }
    c.header("Cache-Control", NO_STORE);
    c.header("Referrer-Policy", "no-referrer");
    return c.redirect(url, 302);
  });

  app.on(["GET", "HEAD"], "/t/a/:token", async (c) => {
    const ref = await deps.signer.verify(c.req.param("token"), "attachment");
    const file = ref ? (await targets.get(deps.kv, ref))?.attachments[ref.index] : undefined;
    const meta = file && await deps.blobs.meta(ref!.teamId, file.blobId);
    if (!ref || !file || !meta) return notFoundPage(c);
    await record(deps, hitOf(c, deps, ref, "attachment_view", null));
    return new Response(c.req.method === "HEAD" ? null : deps.blobs.stream(meta), {
      headers: {
        ...fileHeaders({ contentType: file.contentType, filename: file.filename, size: meta.size }),
        "Cache-Control": NO_STORE,
        "Referrer-Policy": "no-referrer",
      },
    });
  });

  // Anything else under /t/ is a broken tracking link: the same plain 404, never a sign-in redirect.
  app.all("/t/*", (c) => notFoundPage(c));

  return app;
}
