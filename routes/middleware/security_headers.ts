import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../deps.ts";

/**
 * Security headers for pages and API answers. Scripts only from this origin
 * (the island bundles); emails in the outbox render in sandboxed iframes.
 */
export function securityHeaders(extraConnect: string[] = []): MiddlewareHandler<AppEnv> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https: http:",
    `connect-src 'self' ${extraConnect.join(" ")}`.trim(),
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
  return async function securityHeaders(c, next) {
    await next();
    const h = c.res.headers;
    if (!h.has("content-security-policy")) h.set("Content-Security-Policy", csp);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "strict-origin-when-cross-origin");
    if (!h.has("x-frame-options")) h.set("X-Frame-Options", "SAMEORIGIN");
    if (c.get("deps").config.production) {
      h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  };
}
