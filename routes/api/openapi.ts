/** Shared pieces of the JSON API: the router factory, error and common schemas. */
import { type Hook, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import { fieldErrorsFromIssues, invalid } from "../../lib/http/errors.ts";
import { unknownFields } from "../../lib/validation/unknown_fields.ts";
import type { AppEnv } from "../deps.ts";
import { MAX_ID_LENGTH } from "../../lib/storage/ids.ts";

/**
 * An API router whose validation failures become 400s naming each field, like everywhere else. A JSON body's
 * fields and a query's parameters the endpoint doesn't read are refused by name too: a misspelt `subjet` would
 * otherwise be dropped and the call answer 200 without it, and `?status=draft` would list every status. A body
 * that fails for other reasons names its unread top-level fields with them (`nam` beside "Enter a name"),
 * where its schema is one object whose fields are known. (The pages' forms parse with the same schemas in
 * `lib/`, where the fields a form adds, like `_csrf`, are simply not read.)
 */
export function apiRouter() {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook() });
  const register = router.openapi;
  // A route without a hook of its own gets one that knows its body's fields.
  router.openapi =
    ((route, handler, hook) =>
      register(route, handler, hook ?? validationHook(bodyFields(route)))) as typeof register;
  return router;
}

/** The top-level fields of a route's JSON body, when its schema is one object. */
function bodyFields(route: RouteConfig): string[] | null {
  const media = route.request?.body?.content?.["application/json"];
  const schema = media && "schema" in media ? media.schema : null;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : null;
}

/** The check every API route's input gets; `fields` are its JSON body's top-level fields, when known. */
// deno-lint-ignore no-explicit-any
export function validationHook(fields: string[] | null = null): Hook<any, AppEnv, any, any> {
  return async (result, c) => {
    const named = (unknown: string[]) => Object.fromEntries(unknown.map((field) => [field, UNKNOWN_FIELD]));
    if (!result.success) {
      const errors = fieldErrorsFromIssues(result.error.issues);
      const raw = result.target === "json" && fields ? await c.req.json().catch(() => null) : null;
      const unread = raw && typeof raw === "object" && !Array.isArray(raw)
        ? Object.keys(raw).filter((key) => !fields!.includes(key))
        : [];
      throw invalid({ ...errors, ...named(unread) });
    }
    const unknown = result.target === "json"
      ? unknownFields(await c.req.json(), result.data)
      : result.target === "query"
      ? Object.keys(c.req.queries()).filter((name) => !Object.hasOwn(result.data as object, name))
      : [];
    if (unknown.length) throw invalid(named(unknown));
  };
}

const UNKNOWN_FIELD =
  "This endpoint has no such field or parameter; the API document (/api/openapi.json) lists the ones it takes.";

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().openapi({ example: "validation" }),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional().openapi({
      example: { email: "Enter a valid email address, like ana@example.com." },
    }),
  }),
}).openapi("Error");

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

/** The error responses every authenticated endpoint can give. */
export const errors = {
  400: errorResponse("Invalid input; `fields` names each bad field."),
  401: errorResponse("Not signed in, or the API token is not valid (`token_expired` when it has expired)."),
  403: errorResponse(
    "Not allowed for your role, a CSRF check failed, or a read-only API token asked for a change.",
  ),
  404: errorResponse("No such record in your team."),
  409: errorResponse("Conflicts with existing data, or changed concurrently."),
} as const;

/** Too many wrong passwords for the account lately; `Retry-After` says when to try again. */
export const tooManyAttempts = errorResponse(
  "Too many wrong passwords for this account lately; try again after `Retry-After` seconds.",
);

/** The answer to a body over its size limit (uploads, raw emails). */
export const tooLarge = errorResponse("The body is larger than allowed; `message` says the limit.");
export const notJson = errorResponse("The body is not sent as JSON (`Content-Type: application/json`).");

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

/**
 * `schema`, or null. Not zod's `.nullable()` on a named schema: the generator then names the nullable one,
 * and the document says the component itself (every use of it, a whole response) may be null.
 */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

/** A record's id in a path, no longer than any Beacon gives out. */
export const pathId = (name: string) =>
  z.string().max(MAX_ID_LENGTH, "No id is this long: use one the API gave out.").openapi({
    param: { name, in: "path" },
  });

export const IdParams = z.object({ id: pathId("id") });

export const PageQuery = z.object({
  q: z.string().optional().openapi({ description: "Search text" }),
  cursor: z.string().optional().openapi({ description: "The `cursor` of the previous page" }),
  limit: z.coerce.number().int().min(1).max(200).optional().default(50),
});

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), cursor: z.string().nullable() }).openapi(name);

export const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];
