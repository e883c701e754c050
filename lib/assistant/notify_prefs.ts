/** Per-user notification preferences: in-app always; browser notifications and email opt-in. */
import { z } from "@hono/zod-openapi";
import { parse } from "../validation/parse.ts";
import { assistantKeys as keys } from "./keys.ts";
import type { JobRef } from "../scheduler/scheduler.ts";

export interface NotifyPrefs {
  /** Show a system notification while no Beacon tab has focus — also needs the browser's permission. */
  browser: boolean;
  /** Email the seller each card as it comes, a daily digest at 08:00 their time, or nothing. */
  email: "off" | "immediate" | "digest";
  /** The pending digest job, while email is "digest". */
  digestJob?: JobRef | null;
  /** Cards after this time go into the next digest. */
  digestSince?: number;
}

export const DEFAULT_NOTIFY_PREFS: NotifyPrefs = { browser: false, email: "off" };

export const NotifyPrefsInput = z.object({
  browser: z.boolean().optional(),
  email: z.enum(["off", "immediate", "digest"], { error: "Choose off, immediate or digest." }).optional(),
}).openapi("NotifyPrefsInput");

export async function getNotifyPrefs(kv: Deno.Kv, teamId: string, userId: string): Promise<NotifyPrefs> {
  return { ...DEFAULT_NOTIFY_PREFS, ...(await kv.get<NotifyPrefs>(keys.notifyPrefs(teamId, userId))).value };
}

export function parseNotifyPrefs(input: unknown) {
  return parse(NotifyPrefsInput, input);
}
