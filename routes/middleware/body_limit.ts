/**
 * Caps what a request body may be before anything reads it (a form's CSRF field, a JSON body, a webhook), so a
 * client can't fill the server's memory. The largest JSON a client needs to send is a draft or template at its
 * 512 KB body limit, escaped; raw mail to /api/inbound may be 25 MB. A file attached to a draft is streamed and
 * capped as it arrives (lib/attachments), so it is not read here.
 */
import { bodyLimit } from "hono/body-limit";
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../lib/http/errors.ts";
import type { AppEnv } from "../deps.ts";
import { MAX_RAW_BYTES } from "../../lib/inbound/receive.ts";

/** Every request body but raw mail and attachments. */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

const limit = (maxSize: number, what: string) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError(413, "too_large", `${what} can be at most ${maxSize / 1024 / 1024} MB.`);
    },
  });

const ATTACHMENT_UPLOAD = /^\/api\/messages\/[^/]+\/attachments$/;

export function limitBodies(): MiddlewareHandler<AppEnv> {
  const usual = limit(MAX_REQUEST_BYTES, "Request bodies");
  const mail = limit(MAX_RAW_BYTES, "Messages");
  return (c, next) => {
    if (!c.req.raw.body) return next();
    if (c.req.method === "POST" && ATTACHMENT_UPLOAD.test(c.req.path)) return next();
    return (c.req.path === "/api/inbound" ? mail : usual)(c, next);
  };
}
