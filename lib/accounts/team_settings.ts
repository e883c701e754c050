/** Team settings: read with defaults, changed by admins only. */
import { z } from "@hono/zod-openapi";
import { forbidden, notFound } from "../http/errors.ts";
import { commitOrConflict } from "../storage/kv.ts";
import { validateBusinessHours } from "../scheduling/business_hours.ts";
import { parse, presentFields } from "../validation/parse.ts";
import { accountKeys as keys } from "./keys.ts";
import { type Team, type TeamSettings, teamSettings, type User } from "./types.ts";

export const BusinessHoursField = z.unknown().transform((value, ctx) => {
  const result = validateBusinessHours(value);
  if (!result.ok) {
    for (const [path, message] of Object.entries(result.errors)) {
      ctx.addIssue({ code: "custom", message, path: path === "_" ? [] : path.split(".") });
    }
    return z.NEVER;
  }
  return result.value;
}).openapi({
  type: "object",
  description: "Open days (1 = Monday … 7 = Sunday), local start and end times, and closed dates",
  example: { days: [1, 2, 3, 4, 5], start: "08:00", end: "17:00", closedDates: ["2026-12-25"] },
});

export const TeamSettingsInput = z.object({
  followByDefault: z.boolean({ error: "Choose whether new emails are followed." }).optional(),
  businessHours: BusinessHoursField.optional(),
  countProxyOpens: z.boolean({ error: "Choose whether privacy-proxy opens count." }).optional(),
  trackingNotice: z.boolean({ error: "Choose whether emails say they are tracked." }).optional(),
  retentionDays: z.number({ error: "Enter a number of days." }).int("Enter whole days.")
    .min(30, "Keep events at least 30 days.").max(3650, "At most 3,650 days (ten years).").nullable()
    .optional(),
}).openapi("TeamSettingsInput");

export async function updateTeamSettings(kv: Deno.Kv, actor: User, input: unknown): Promise<TeamSettings> {
  if (actor.role !== "admin") throw forbidden("Only admins can change team settings.");
  const patch = parse(TeamSettingsInput, input);
  const entry = await kv.get<Team>(keys.teamProfile(actor.teamId));
  if (!entry.value) throw notFound("No such team.");
  const settings = { ...teamSettings(entry.value), ...presentFields(patch) };
  await commitOrConflict(kv.atomic().check(entry).set(entry.key, { ...entry.value, settings }));
  return settings;
}
