/**
 * GET /api/realtime/token — with the Supabase Realtime adapter, what the signed-in user's page needs to
 * receive live events: a JWT that lives 10 minutes (signed with the project's JWT secret, carrying the
 * team id), the project URL, its public key, and the two private topics the token may join (the
 * team's and the user's own). The page asks again before the token ends.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../../lib/http/errors.ts";
import { browserAccess } from "../../lib/realtime/supabase.ts";
import { viewer } from "../middleware/auth.ts";
import { apiRouter, errors, json, security } from "./openapi.ts";

export const realtimeApi = apiRouter();

const RealtimeTokenSchema = z.object({
  token: z.string().openapi({
    description: "A JWT (HS256) for Supabase Realtime; send it with realtime.setAuth",
  }),
  expiresAt: z.number().openapi({ description: "When the token ends, epoch milliseconds" }),
  url: z.string().openapi({ example: "https://abcd.supabase.co" }),
  anonKey: z.string().openapi({ description: "The project's public key" }),
  topics: z.array(z.string()).openapi({ example: ["team:01J…", "team:01J…:user:01J…"] }),
}).openapi("RealtimeToken");

realtimeApi.openapi(
  createRoute({
    method: "get",
    path: "/realtime/token",
    tags: ["Live"],
    summary: "A short-lived token to receive live events from Supabase Realtime (private channels)",
    security,
    responses: {
      200: json(RealtimeTokenSchema, "The token, the project and the topics it may join"),
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const { config, realtime } = c.get("deps");
    const { user, team } = viewer(c);
    const supabase = config.realtime.supabase;
    if (realtime.name !== "supabase" || !supabase) {
      throw new AppError(404, "not_found", "Live events come from /api/live with this configuration.");
    }
    // Supabase checks `exp` against its own clock, so the token is dated by the real one.
    const access = await browserAccess(supabase, { teamId: team.id, userId: user.id }, Date.now());
    c.header("Cache-Control", "no-store");
    return c.json(access, 200);
  },
);
