/**
 * Retention: when a team keeps raw events for a limited time, a daily job deletes the older
 * ones. Counters and "last opened" stay (they are aggregates); so do messages and replies.
 */
import { type Team, teamSettings } from "../lib/accounts/types.ts";
import { accountKeys } from "../lib/accounts/keys.ts";
import type { Job } from "../lib/scheduler/scheduler.ts";
import { eventEntries, rewriteEntry } from "../lib/tracking/event_log.ts";
import { trackingKeys } from "../lib/tracking/keys.ts";
import type { AppDeps } from "../routes/deps.ts";

export const RETENTION_JOB = "retention";
const DAY = 86_400_000;
/** The sweep runs at 03:00 UTC. */
const nextRun = (now: number) => Math.floor(now / DAY) * DAY + DAY + 3 * 3600_000;

export function registerRetention(deps: AppDeps): void {
  deps.scheduler.handle(RETENTION_JOB, (job) => sweep(deps, job as Job<Record<string, never>>));
}

/** Deletes a team's events older than its retention; returns how many. */
export async function deleteOldEvents(kv: Deno.Kv, teamId: string, cutoff: number): Promise<number> {
  let op = kv.atomic();
  let pending = 0;
  let deleted = 0;
  for await (const entry of eventEntries(kv, trackingKeys.event(teamId))) {
    const kept = entry.events.filter((e) => e.at >= cutoff);
    if (kept.length === entry.events.length) continue;
    rewriteEntry(op, entry, kept);
    deleted += entry.events.length - kept.length;
    if (++pending === 500) {
      await op.commit();
      op = kv.atomic();
      pending = 0;
    }
  }
  if (pending) await op.commit();
  return deleted;
}

async function sweep(deps: AppDeps, job: Job<Record<string, never>>) {
  const { kv, clock } = deps;
  const entry = await kv.get<Team & { retentionJob?: { id: string } }>(accountKeys.teamProfile(job.teamId));
  if (!entry.value || entry.value.retentionJob?.id !== job.id) return;
  const days = teamSettings(entry.value).retentionDays;
  const now = clock.now();
  if (days) await deleteOldEvents(kv, job.teamId, now - days * DAY);
  await scheduleRetention(deps, job.teamId, now);
}

/** Makes sure a team with a retention limit has its daily job (and one without has none). */
export async function scheduleRetention(
  deps: AppDeps,
  teamId: string,
  now = deps.clock.now(),
): Promise<void> {
  const { kv, scheduler } = deps;
  for (;;) {
    const entry = await kv.get<Team & { retentionJob?: { id: string; dueAt: number } | null }>(
      accountKeys.teamProfile(teamId),
    );
    if (!entry.value) return;
    const wanted = teamSettings(entry.value).retentionDays !== null;
    const job = entry.value.retentionJob ?? null;
    if (wanted && job && job.dueAt > now) return;
    if (!wanted && !job) return;
    const op = kv.atomic().check(entry);
    if (job) op.delete(["due", job.dueAt, job.id]);
    const retentionJob = wanted
      ? scheduler.add(op, { kind: RETENTION_JOB, teamId, payload: {}, dueAt: nextRun(now), now })
      : null;
    op.set(entry.key, { ...entry.value, retentionJob });
    if ((await op.commit()).ok) return;
  }
}
