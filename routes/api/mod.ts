/** The JSON API under /api: routers joined, auth and CSRF applied, the OpenAPI 3.1 document served. */
import pkg from "../../deno.json" with { type: "json" };
import { csrfProtection } from "../middleware/csrf.ts";
import { requireUserApi } from "../middleware/auth.ts";
import { accountsApi } from "./accounts.ts";
import { assistantApi } from "./assistant.ts";
import { attachmentsApi } from "./attachments.ts";
import { inboundApi } from "./inbound.ts";
import { privacyApi } from "./privacy.ts";
import { contactsApi } from "./contacts.ts";
import { liveApi } from "./live.ts";
import { realtimeApi } from "./realtime.ts";
import { messagesApi } from "./messages.ts";
import { templatesApi } from "./templates.ts";
import { apiRouter, notJson, tooLarge } from "./openapi.ts";

export const api = apiRouter();

api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "An API token from Settings → API tokens",
});
api.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
  type: "apiKey",
  in: "cookie",
  name: "beacon_session",
  description: "The browser session; state changes also need the X-CSRF-Token header",
});

export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Beacon API",
    version: pkg.version,
    description: "Everything the Beacon pages do, as JSON. Authenticate with an API token " +
      "(`Authorization: Bearer …`). Errors have one shape: `{ error: { code, message, fields? } }`.",
  },
};

/**
 * The OpenAPI document. Every body is capped and JSON bodies must be JSON (routes/middleware/body_limit.ts,
 * routes/app.tsx): each operation that takes a body says so, without each route repeating it.
 */
export function apiDocument() {
  const doc = api.getOpenAPI31Document(OPENAPI_INFO);
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const { requestBody, responses } = operation as {
        requestBody?: { content?: Record<string, unknown> };
        responses?: Record<string, unknown>;
      };
      if (!requestBody || !responses) continue;
      responses["413"] ??= documented(tooLarge);
      if (requestBody.content?.["application/json"]) responses["415"] ??= documented(notJson);
    }
  }
  closeRequestBodies(doc);
  return doc;
}

type Schema = Record<string, unknown>;

/**
 * Marks the objects of every JSON request body `additionalProperties: false`, as `apiRouter` refuses fields an
 * endpoint doesn't read: the body's schema, the components it refers to, and the objects within them.
 */
function closeRequestBodies(doc: ReturnType<typeof api.getOpenAPI31Document>) {
  const components = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const seen = new Set<Schema>();
  const close = (schema: unknown): void => {
    if (typeof schema !== "object" || schema === null || seen.has(schema as Schema)) return;
    const s = schema as Schema;
    seen.add(s);
    if (typeof s.$ref === "string") return close(components[s.$ref.replace("#/components/schemas/", "")]);
    if ([s.type].flat().includes("object") && s.properties) s.additionalProperties ??= false;
    for (const child of Object.values((s.properties ?? {}) as Schema)) close(child);
    for (const child of [s.items, ...((s.anyOf ?? []) as unknown[]), ...((s.oneOf ?? []) as unknown[])]) {
      close(child);
    }
  };
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const body =
        (operation as { requestBody?: { content?: Record<string, { schema?: unknown }> } }).requestBody;
      close(body?.content?.["application/json"]?.schema);
    }
  }
}

/** An error answer as the document writes it (the generator turns the routes' own into this). */
const documented = ({ description }: { description: string }) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

api.get("/openapi.json", (c) => c.json(apiDocument()));

// Registered after the document, so only the endpoints below need a user.
api.use("*", requireUserApi(), csrfProtection());

api.route("/", accountsApi);
api.route("/", contactsApi);
api.route("/", messagesApi);
api.route("/", liveApi);
api.route("/", realtimeApi);
api.route("/", assistantApi);
api.route("/", templatesApi);
api.route("/", attachmentsApi);
api.route("/", inboundApi);
api.route("/", privacyApi);
