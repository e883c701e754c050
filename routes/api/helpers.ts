/** Pieces several API routers share: what follows a committed change, and the routes of plain team records. */
import { createRoute, type z } from "@hono/zod-openapi";
import { publishAll } from "../../lib/realtime/feed.ts";
import type { LiveEvent } from "../../lib/realtime/realtime.ts";
import type { AppDeps } from "../deps.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { type apiRouter, errors, IdParams, json, security } from "./openapi.ts";
import { pick } from "./schemas.ts";

/**
 * After a change commits: publishes its events to open pages, then wakes the scheduler for each due time the
 * change set (undefined: it set none), so a job due before the next planned wake-up still runs on time.
 */
export async function announce(
  deps: AppDeps,
  events: LiveEvent[],
  dueAts: (number | undefined)[] = [],
): Promise<void> {
  await publishAll(deps.realtime, events);
  for (const dueAt of dueAts) if (dueAt !== undefined) deps.scheduler.wake(dueAt);
}

type ApiRouter = ReturnType<typeof apiRouter>;

/** What the OpenAPI document says of a route. */
interface RouteDoc {
  /** Ends in `/{id}`. */
  path: string;
  tags: string[];
  summary: string;
}

/** Reads or deletes one record of a team by its id; throws a 404 when the team has no such record. */
type TeamRecordOp<T> = (kv: Deno.Kv, teamId: string, id: string) => Promise<T>;

/** `GET path`: one record of your team, as `schema` shows it. */
export function getTeamRecordRoute<S extends z.ZodObject>(
  router: ApiRouter,
  doc: RouteDoc & { description: string },
  schema: S,
  get: TeamRecordOp<object>,
): void {
  router.openapi(
    createRoute({
      method: "get",
      path: doc.path,
      tags: doc.tags,
      summary: doc.summary,
      security,
      request: { params: IdParams },
      responses: { 200: json(schema, doc.description), 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const record = await get(c.get("deps").kv, viewer(c).team.id, c.req.valid("param").id);
      return c.json(pick(schema, record), 200);
    },
  );
}

/**
 * `DELETE path`: deletes one record of your team; 409 while other records still point at it. With
 * `adminsOnly`, members get a 403 (as on the record's pages); so does a session call without its CSRF token.
 */
export function deleteTeamRecordRoute(
  router: ApiRouter,
  doc: RouteDoc & { adminsOnly?: boolean },
  remove: TeamRecordOp<void>,
): void {
  router.openapi(
    createRoute({
      method: "delete",
      path: doc.path,
      tags: doc.tags,
      summary: doc.summary,
      security,
      request: { params: IdParams },
      responses: {
        204: { description: "Deleted" },
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      if (doc.adminsOnly) requireAdmin(c);
      await remove(c.get("deps").kv, viewer(c).team.id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
}
