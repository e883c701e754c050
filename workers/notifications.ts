/**
 * Emails to sellers about their cards, through the Mailer: one per card ("immediate"),
 * or a digest each morning at 08:00 in the seller's zone. Off by default.
 */
import { listCards } from "../lib/assistant/cards.ts";
import { assistantKeys } from "../lib/assistant/keys.ts";
import {
  DEFAULT_NOTIFY_PREFS,
  getNotifyPrefs,
  type NotifyPrefs,
  parseNotifyPrefs,
} from "../lib/assistant/notify_prefs.ts";
import { type Card, CARD_TITLES } from "../lib/assistant/types.ts";
import type { User } from "../lib/accounts/types.ts";
import { getUser, updateProfile } from "../lib/accounts/users.ts";
import { beaconEmail } from "../lib/mail/beacon_email.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import { removeJob } from "../lib/scheduler/scheduler.ts";
import type { Job, JobRef } from "../lib/scheduler/scheduler.ts";
import { commitOrConflict } from "../lib/storage/kv.ts";
import { formatDateTime } from "../lib/time/format.ts";
import type { AppDeps } from "../routes/deps.ts";

export const CARD_EMAIL_JOB = "card_email";
export const DIGEST_JOB = "digest";

export function registerNotifications(deps: AppDeps): void {
  deps.scheduler.handle(CARD_EMAIL_JOB, (job) => sendCardEmail(deps, job as Job<{ card: Card }>));
  deps.scheduler.handle(DIGEST_JOB, (job) => sendDigest(deps, job as Job<{ userId: string }>));
}

/** After a card is committed: queue its email when its seller asked for immediate emails. */
export async function notifyByEmail(deps: AppDeps, event: LiveEvent): Promise<void> {
  const card = event.data.card as Card | undefined;
  if (!card) return;
  const prefs = await getNotifyPrefs(deps.kv, card.teamId, card.userId);
  if (prefs.email !== "immediate") return;
  const now = deps.clock.now();
  const op = deps.kv.atomic();
  deps.scheduler.add(op, { kind: CARD_EMAIL_JOB, teamId: card.teamId, payload: { card }, dueAt: now, now });
  await op.commit();
  deps.scheduler.wake(now);
}

function cardLine(card: Card, user: User, now: number): string {
  return `${CARD_TITLES[card.kind]}: ${card.headline} — “${card.subject}” (${
    formatDateTime(card.eventAt, user.timeZone, now)
  })` +
    (card.comment ? `. Your note: ${card.comment}` : "");
}

async function mailSeller(deps: AppDeps, user: User, subject: string, html: string, key: string) {
  await deps.mailer.send(
    beaconEmail({ from: deps.config.mail.from, to: user.email, subject, html }),
    { teamId: user.teamId, idempotencyKey: key },
  );
}

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

async function sendCardEmail(deps: AppDeps, job: Job<{ card: Card }>) {
  const { card } = job.payload;
  const user = await getUser(deps.kv, card.userId);
  if (!user || user.removedAt) return;
  const link = `${deps.config.baseUrl}/messages/${card.messageId}`;
  await mailSeller(
    deps,
    user,
    `Beacon: ${CARD_TITLES[card.kind]} — ${card.subject}`,
    `<p>${
      escape(cardLine(card, user, deps.clock.now()))
    }</p><p><a href="${link}">Open the email in Beacon</a></p>`,
    `card-email:${card.id}`,
  );
}

/** The next 08:00 in the seller's zone, after `now`. */
export function nextDigestAt(now: number, zone: string): number {
  let day = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(zone).toPlainDate();
  for (;;) {
    const at = day.toZonedDateTime({ timeZone: zone, plainTime: "08:00" }).epochMilliseconds;
    if (at > now) return at;
    day = day.add({ days: 1 });
  }
}

async function sendDigest(deps: AppDeps, job: Job<{ userId: string }>) {
  const { kv, clock } = deps;
  const key = assistantKeys.notifyPrefs(job.teamId, job.payload.userId);
  const entry = await kv.get<NotifyPrefs>(key);
  const prefs = { ...DEFAULT_NOTIFY_PREFS, ...entry.value };
  if (prefs.email !== "digest" || prefs.digestJob?.id !== job.id) return;
  const user = await getUser(kv, job.payload.userId);
  if (!user || user.removedAt) return;
  const now = clock.now();
  const since = prefs.digestSince ?? 0;
  const cards = (await listCards(kv, user.teamId, user.id)).filter((c) =>
    c.createdAt >= since && c.status === "active"
  );
  if (cards.length) {
    const items = cards.map((c) => `<li>${escape(cardLine(c, user, now))}</li>`).join("");
    await mailSeller(
      deps,
      user,
      `Beacon: ${cards.length} card${cards.length === 1 ? "" : "s"} in your assistant`,
      `<p>Since your last digest:</p><ul>${items}</ul><p><a href="${deps.config.baseUrl}/assistant">Open your assistant</a></p>`,
      `digest:${job.id}`,
    );
  }
  const op = kv.atomic().check(entry);
  const next: NotifyPrefs = { ...prefs, digestSince: now };
  next.digestJob = addDigestJob(deps, op, user, now);
  op.set(key, next);
  await op.commit();
}

/** Adds to `op` the user's next digest, at their next digest time after `now`. */
function addDigestJob(deps: AppDeps, op: Deno.AtomicOperation, user: User, now: number): JobRef {
  return deps.scheduler.add(op, {
    kind: DIGEST_JOB,
    teamId: user.teamId,
    payload: { userId: user.id },
    dueAt: nextDigestAt(now, user.timeZone),
    now,
  });
}

/** Saves a user's preferences; choosing the digest schedules the next one, leaving it cancels it. */
export async function saveNotifyPrefs(deps: AppDeps, user: User, input: unknown): Promise<NotifyPrefs> {
  const patch = parseNotifyPrefs(input);
  const { kv, clock } = deps;
  const key = assistantKeys.notifyPrefs(user.teamId, user.id);
  const entry = await kv.get<NotifyPrefs>(key);
  const old = { ...DEFAULT_NOTIFY_PREFS, ...entry.value };
  const next: NotifyPrefs = {
    ...old,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
  };
  const now = clock.now();
  const op = kv.atomic().check(entry);
  if (old.email === "digest" && next.email !== "digest" && old.digestJob) {
    removeJob(op, old.digestJob);
    next.digestJob = null;
  }
  if (next.email === "digest" && old.email !== "digest") {
    next.digestSince = now;
    next.digestJob = addDigestJob(deps, op, user, now);
  }
  op.set(key, next);
  await commitOrConflict(op);
  return next;
}

/**
 * Saves a seller's name and time zone. A new zone moves their next digest to 08:00 there: it was due at 08:00 in
 * the old one, which could be the middle of the night in the new.
 */
export async function saveProfile(deps: AppDeps, userId: string, input: unknown): Promise<User> {
  const before = await getUser(deps.kv, userId);
  const user = await updateProfile(deps.kv, userId, input);
  if (before?.timeZone !== user.timeZone) await moveDigest(deps, user);
  return user;
}

async function moveDigest(deps: AppDeps, user: User): Promise<void> {
  const key = assistantKeys.notifyPrefs(user.teamId, user.id);
  const entry = await deps.kv.get<NotifyPrefs>(key);
  const prefs = { ...DEFAULT_NOTIFY_PREFS, ...entry.value };
  if (prefs.email !== "digest" || !prefs.digestJob) return;
  const op = deps.kv.atomic().check(entry);
  removeJob(op, prefs.digestJob);
  op.set(key, { ...prefs, digestJob: addDigestJob(deps, op, user, deps.clock.now()) });
  await commitOrConflict(op);
}
