/** The Beacon HTTP app: middleware, the routers joined with app.route(), and one error handler. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { serveStatic } from "hono/deno";
import { AppError } from "../lib/http/errors.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { health } from "./health.ts";
import { trackingRoutes } from "./tracking.ts";
import { optOutRoutes } from "./optout.ts";
import { webhookRoutes } from "./webhooks.ts";
import { authenticate, requireUserPage } from "./middleware/auth.ts";
import { csrfProtection } from "./middleware/csrf.ts";
import { isApi, requestContext } from "./middleware/request_context.ts";
import { securityHeaders } from "./middleware/security_headers.ts";
import { admitAtOnce } from "./middleware/admit.ts";
import { limitBodies } from "./middleware/body_limit.ts";
import { connectSources } from "../lib/realtime/supabase.ts";
import { api } from "./api/mod.ts";
import { apiDocsPages } from "./pages/api_docs.tsx";
import { authPages } from "./pages/auth.tsx";
import { companyPages } from "./pages/companies.tsx";
import { contactPages } from "./pages/contacts.tsx";
import { renderErrorPage } from "./pages/errors.tsx";
import { assistantPages } from "./pages/assistant.tsx";
import { inboundPages } from "./pages/inbound.tsx";
import { composePages } from "./pages/compose.tsx";
import { messagePages } from "./pages/messages.tsx";
import { outboxPages } from "./pages/outbox.tsx";
import { settingsPages } from "./pages/settings.tsx";
import { teamPages } from "./pages/team.tsx";
import { templatePages } from "./pages/templates.tsx";

/**
 * Hono's own client errors answer as the client's errors they are, not as a crash: a body its validator can't
 * parse as JSON (400), or a body that isn't JSON where JSON is required (415).
 */
function clientError(error: Error): AppError | null {
  if (!(error instanceof HTTPException)) return null;
  if (error.status === 400) return new AppError(400, "validation", `${error.message || "Bad request"}.`);
  if (error.status === 415) {
    return new AppError(
      415,
      "unsupported_media_type",
      "Send the body as JSON, with Content-Type: application/json.",
    );
  }
  return null;
}

const LONG_SEGMENT = /\/[^/]{200}/;

/** Live streams set up at once (each set-up is a sign-in check and a few KV reads; a slot is freed in ~1 ms). */
const LIVE_SETUPS_AT_ONCE = 32;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(
    "/static/*",
    async (c, next) => {
      await next();
      if (c.res.ok) {
        const immutable = c.req.query("v") || c.req.path.startsWith("/static/build/chunk-") ||
          /-[A-Z0-9]{8}\.js$/.test(c.req.path);
        c.res.headers.set(
          "Cache-Control",
          immutable ? "public, max-age=31536000, immutable" : "public, max-age=300",
        );
      }
    },
    serveStatic({ root: "./" }),
  );

  app.use("*", limitBodies());

  // Recipients' hits: no session, no CSRF cookie, nothing but the hit and its answer.
  app.route("/", optOutRoutes(deps));
  app.route("/", trackingRoutes(deps));
  app.route("/", webhookRoutes(deps));

  // Pages reconnect their live streams together after a restart: their set-ups go through a few at a time.
  app.use("/api/live", admitAtOnce(LIVE_SETUPS_AT_ONCE));
  app.use("*", requestContext(deps));
  // No page's address has a part this long (ids are 26 characters, tracking tokens 66), and KV refuses keys
  // over 2 KB: such an address is a page that isn't there. The API says which field is wrong instead.
  app.use("*", async (c, next) => {
    if (!isApi(c.req.path) && LONG_SEGMENT.test(c.req.path)) return c.notFound();
    await next();
  });
  app.route("/", health);
  app.use("*", securityHeaders(connectSources(deps.config.realtime)));
  app.use("*", authenticate());

  app.route("/", apiDocsPages);
  app.route("/api", api);

  app.use("*", csrfProtection());
  app.route("/", authPages);
  app.use("*", requireUserPage());
  app.route("/", messagePages);
  app.route("/", composePages);
  app.route("/", outboxPages);
  app.route("/", assistantPages);
  app.route("/", inboundPages);
  app.route("/", contactPages);
  app.route("/", companyPages);
  app.route("/", templatePages);
  app.route("/", teamPages);
  app.route("/", settingsPages);

  app.notFound((c) => {
    if (isApi(c.req.path)) {
      return c.json({ error: { code: "not_found", message: "No such endpoint." } }, 404);
    }
    return renderErrorPage(c, 404, "There is nothing at this address.");
  });

  app.onError((thrown, c) => {
    const error = clientError(thrown) ?? thrown;
    const known = error instanceof AppError;
    if (!known) console.error(`${c.req.method} ${c.req.path} failed:`, error);
    const status = known ? error.status : 500;
    const message = known ? error.message : "Beacon hit an unexpected error. It has been logged; try again.";
    if (known && error.headers) { for (const [k, v] of Object.entries(error.headers)) c.header(k, v); }
    if (isApi(c.req.path) || !c.get("deps")) {
      const body = {
        code: known ? error.code : "internal",
        message,
        ...(known && error.fields ? { fields: error.fields } : {}),
      };
      return c.json({ error: body }, status);
    }
    return renderErrorPage(c, status, message);
  });

  return app;
}
