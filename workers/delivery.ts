/**
 * The delivery worker: runs "deliver" jobs. Renders the outgoing email (pixel and
 * tracked links for followed messages), hands it to the Mailer with an
 * idempotency key that is the same for every wake-up of the same attempt, and
 * records the outcome. Retryable provider errors are retried with backoff;
 * others fail the message with the provider's reason. Never sends twice.
 */
import { type Team, teamSettings, type User } from "../lib/accounts/types.ts";
import { accountKeys } from "../lib/accounts/keys.ts";
import { MailerError, type OutgoingEmail } from "../lib/mail/mailer.ts";
import { getMessageBody } from "../lib/messages/drafts.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import { collectLinks, renderEmail } from "../lib/messages/render.ts";
import { DELIVER_JOB } from "../lib/messages/send.ts";
import { recipientLabel } from "../lib/messages/rows.ts";
import { toOnePerson } from "../lib/messages/send_rules.ts";
import { relist } from "../lib/messages/listing.ts";
import { newId } from "../lib/storage/ids.ts";
import { type Message, type SendFailure, withFailure } from "../lib/messages/types.ts";
import { addToFeed, liveEvent, publishAll } from "../lib/realtime/feed.ts";
import type { Job, JobContext } from "../lib/scheduler/scheduler.ts";
import { trackingKeys } from "../lib/tracking/keys.ts";
import { trackingUrl, UNKNOWN_RECIPIENT } from "../lib/tracking/tokens.ts";
import { formatBytes } from "../lib/attachments/files.ts";
import { replyAddress } from "../lib/inbound/reply_token.ts";
import { emptyStats } from "../lib/tracking/types.ts";
import { GroupCommit } from "../lib/storage/group_commit.ts";
import type { AppDeps } from "../routes/deps.ts";
import { addCard, cardFor, dismissCard } from "../lib/assistant/cards.ts";
import { assistantKeys } from "../lib/assistant/keys.ts";
import type { Card } from "../lib/assistant/types.ts";
import { AppError } from "../lib/http/errors.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import { cardAbout } from "./alarms.ts";
import { notifyByEmail } from "./notifications.ts";

const MAX_PROVIDER_RETRIES = 5;

/**
 * How early a scheduled send is claimed and prepared (reads, rendering), so that at its due time only the
 * hand-over to the mailer and the outcome's write remain: a burst of sends due in the same second goes out
 * within it.
 */
export const PREPARE_AHEAD_MS = 3_000;

/** What delivery runs with: the app's parts, and one group commit for the outcomes of a batch of sends. */
type DeliveryDeps = AppDeps & { outcomes: GroupCommit };

export function registerDelivery(deps: AppDeps): void {
  const delivery: DeliveryDeps = { ...deps, outcomes: new GroupCommit(deps.kv) };
  deps.scheduler.handle(
    DELIVER_JOB,
    (job, context) => deliver(delivery, job as Job<{ messageId: string }>, context),
    { leadMs: PREPARE_AHEAD_MS },
  );
}

/** The sender line: sellers on the sending domain send as themselves, others through Beacon's address. */
export function fromLine(user: User, mail: AppDeps["config"]["mail"]): string {
  const address = user.email.endsWith(`@${mail.domain}`) ? user.email : mail.from;
  return `${JSON.stringify(user.name)} <${address}>`;
}

async function buildEmail(
  deps: AppDeps,
  message: Message,
  sender: User,
  team: Team,
): Promise<{ email: OutgoingEmail; links: string[] }> {
  const { config, signer } = deps;
  const body = await getMessageBody(deps.kv, message);
  const followed = message.follow === "following";
  const links = followed ? collectLinks(body) : [];
  const ref = {
    teamId: message.teamId,
    messageId: message.id,
    recipient: toOnePerson(message) ? 0 : UNKNOWN_RECIPIENT,
  };
  const tracking = followed
    ? {
      pixelUrl: trackingUrl(config.baseUrl, "open", await signer.sign({ ...ref, kind: "open", index: 0 })),
      linkUrls: await Promise.all(
        links.map(async (_, index) =>
          trackingUrl(config.baseUrl, "click", await signer.sign({ ...ref, kind: "click", index }))
        ),
      ),
      // The honeypot is the link after the real ones: only machines that click everything find it.
      honeypotUrl: trackingUrl(
        config.baseUrl,
        "click",
        await signer.sign({ ...ref, kind: "click", index: links.length }),
      ),
    }
    : null;
  // Followed attachments of a followed email go out as tracked links; the rest are attached.
  const files = message.attachments ?? [];
  const linked = followed ? files.filter((a) => a.followed) : [];
  const footer = await Promise.all(linked.map(async (file) => ({
    // The file's name is the link, as mail clients show an attachment; no emoji, which some fonts lack.
    text: "Attachment:",
    linkText: `${file.filename} (${formatBytes(file.size)})`,
    linkUrl: trackingUrl(
      config.baseUrl,
      "attachment",
      await signer.sign({ ...ref, kind: "attachment", index: files.indexOf(file) }),
    ),
  })));
  const attached = await Promise.all(
    files.filter((a) => !linked.includes(a)).map(async (file) => {
      const meta = await deps.blobs.meta(message.teamId, file.blobId);
      if (!meta) {
        throw new MailerError(`The attachment ${file.filename} is missing.`, false, {
          summary: "attachment missing",
        });
      }
      return { filename: file.filename, contentType: file.contentType, content: await deps.blobs.read(meta) };
    }),
  );
  if (followed && teamSettings(team).trackingNotice) {
    footer.push({
      text: "This email tells the sender when it is opened and its links are clicked.",
      linkText: "Don't track me",
      linkUrl: trackingUrl(config.baseUrl, "optout", await signer.sign({ ...ref, kind: "optout", index: 0 })),
    });
  }
  const rendered = renderEmail(body, { tracking, footer });
  const replyTo = config.mail.inboundDomain
    ? replyAddress(
      await deps.replyTokens.sign({ teamId: message.teamId, messageId: message.id }),
      config.mail.inboundDomain,
    )
    : sender.email;
  return {
    links,
    email: {
      from: fromLine(sender, config.mail),
      to: message.to.map((r) => r.email),
      cc: message.cc.map((r) => r.email),
      bcc: message.bcc.map((r) => r.email),
      replyTo,
      subject: message.subject,
      html: rendered.html,
      text: rendered.text,
      headers: { "Message-ID": rfcMessageId(message, config.mail.domain) },
      attachments: attached,
    },
  };
}

export const rfcMessageId = (message: Message, domain: string) =>
  message.rfcMessageId ?? `<${message.id}@${domain}>`;

async function deliver(
  deps: DeliveryDeps,
  job: Job<{ messageId: string }>,
  context: JobContext,
): Promise<void> {
  const { kv, clock, mailer } = deps;
  const key = messageKeys.message(job.teamId, job.payload.messageId);
  let first = await kv.get<Message>(key);
  const message = first.value;
  // Sent, failed, cancelled or rescheduled meanwhile: this wake-up has nothing to do.
  if (!message || message.job?.id !== job.id || !["sending", "scheduled"].includes(message.status)) return;
  const [{ value: sender }, { value: team }] = await kv.getMany<[User, Team]>([
    accountKeys.user(message.senderId),
    accountKeys.teamProfile(message.teamId),
  ]);
  if (!sender || sender.removedAt) {
    // A scheduled email of a member removed since does not go out in their name.
    const failure = sender
      ? { reason: `${sender.name} was removed from the team before it went out.`, summary: "sender removed" }
      : { reason: "The sender's account no longer exists.", summary: "sender's account removed" };
    const failed = (m: Message) => withFailure(m, { ...failure, at: clock.now() });
    return await finish(deps, context, first, failed, { tellSender: false });
  }
  if (!team) return;
  let built: Awaited<ReturnType<typeof buildEmail>>;
  try {
    built = await buildEmail(deps, message, sender, team);
  } catch (error) {
    // A file gone missing fails the email with its reason (not a job tried again until it is dropped).
    return await onError(deps, job, context, first, error);
  }
  const { email, links } = built;
  await context.untilDue();
  // From here the email is on its way: a scheduled one becomes "sending", so a cancel or a new time is refused
  // rather than taking back an email the provider may already have. If it changed meanwhile (cancelled,
  // rescheduled), start over.
  if (message.status === "scheduled") {
    const sending = { ...message, status: "sending" as const };
    if (!(await deps.outcomes.commit(JSON.stringify(key), (op) => op.check(first).set(key, sending)))) {
      return await deliver(deps, job, context);
    }
    first = await kv.get<Message>(key);
  }
  try {
    const { providerId } = await mailer.send(email, {
      teamId: message.teamId,
      idempotencyKey: `${message.id}.${message.sendAttempt}`,
    });
    const now = clock.now();
    await finish(deps, context, first, (m) => ({
      ...m,
      status: "sent",
      sentAt: now,
      providerId,
      rfcMessageId: email.headers["Message-ID"],
      links,
      honeypotIndex: m.follow === "following" ? links.length : null,
      job: null,
      failure: null,
      lateByMs: context.lateBy > 60_000 ? context.lateBy : null,
      listKey: newId(now),
    }), {
      extra: (op, m, before) => {
        // Listed again as of now: Activity and timelines show it above what went out before it.
        relist(op, before, m);
        op.set(trackingKeys.stats(m.teamId, m.id), emptyStats(m, now))
          .set(messageKeys.byRfcId(m.rfcMessageId!), { teamId: m.teamId, messageId: m.id })
          .set(messageKeys.byProviderId(m.providerId!), { teamId: m.teamId, messageId: m.id });
      },
      event: context.lateBy > 60_000 ? { lateByMs: context.lateBy } : {},
    });
  } catch (error) {
    await onError(deps, job, context, first, error);
  }
}

/** A send that threw: retried later, left to run again, or the message failed with the reason. */
async function onError(
  deps: DeliveryDeps,
  job: Job<{ messageId: string }>,
  context: JobContext,
  first: Deno.KvEntryMaybe<Message>,
  error: unknown,
): Promise<void> {
  const now = deps.clock.now();
  if (error instanceof MailerError && error.retryable && job.attempt <= MAX_PROVIDER_RETRIES) {
    const delay = error.retryAfterMs ?? Math.min(60_000, 2 ** job.attempt * 1000);
    await retryLater(deps, context, first.key, job.id, now + delay);
    return;
  }
  // Anything else is unexpected (a bug, the process dying): leave the job to run again when its
  // lease ends — the same idempotency key makes that safe — and give up only at the last attempt.
  if (!(error instanceof MailerError) && job.attempt < deps.scheduler.maxAttempts) throw error;
  const failure: SendFailure = error instanceof MailerError
    ? { reason: error.message, summary: error.summary, at: now }
    : { reason: `Sending failed: ${String(error)}`, summary: "unexpected error", at: now };
  await finish(deps, context, first, (m) => withFailure(m, failure));
}

/** Replaces the running job with a new one at `dueAt` (provider asked us to slow down, or was down). */
async function retryLater(
  deps: AppDeps,
  context: JobContext,
  key: Deno.KvKey,
  jobId: string,
  dueAt: number,
): Promise<void> {
  const { kv, clock } = deps;
  for (;;) {
    const entry = await kv.get<Message>(key);
    if (!entry.value || entry.value.job?.id !== jobId) return;
    const op = kv.atomic().check(entry);
    const ref = deps.scheduler.add(op, {
      kind: DELIVER_JOB,
      teamId: entry.value.teamId,
      payload: { messageId: entry.value.id },
      dueAt,
      now: clock.now(),
    });
    op.set(key, { ...entry.value, job: ref, updatedAt: clock.now() });
    context.complete(op);
    if ((await op.commit()).ok) {
      deps.scheduler.wake(dueAt);
      return;
    }
  }
}

/**
 * Applies an outcome to the message (`start`, as last read) with a checked write, re-reading on conflict
 * (the email may already be out: the outcome must land), and removes the job in the same write, which
 * shares a commit with other outcomes of the moment. Publishes the update with `event` as extra detail,
 * and a failure's alert to its sender (`alert.send_failed`, in the feed too: a page catching up sees it).
 */
async function finish(
  deps: DeliveryDeps,
  context: JobContext,
  start: Deno.KvEntryMaybe<Message>,
  change: (m: Message) => Message,
  { extra, event = {}, tellSender = true }: {
    /** More writes for the same commit. */
    extra?: (op: Deno.AtomicOperation, m: Message, before: Message) => void;
    /** Extra detail for the live update. */
    event?: Record<string, unknown>;
    /** A failure's alert and card go to its sender: not to one no longer on the team. */
    tellSender?: boolean;
  } = {},
): Promise<void> {
  const { kv, clock, realtime } = deps;
  for (let entry: Deno.KvEntryMaybe<Message> = start;; entry = await kv.get<Message>(entry.key)) {
    if (!entry.value) return;
    const next = { ...change(entry.value), updatedAt: clock.now() };
    const live = [liveEvent(next.teamId, "message.updated", {
      messageId: next.id,
      status: next.status,
      ...event,
    }, clock.now())];
    const failure = tellSender && next.status === "failed" ? next.failure : null;
    if (failure) live.push(failedAlert(next, failure, clock.now()));
    // A failure is also a card, which reaches a sender with no Beacon page open (and by email, if they asked).
    const card = failure ? await failedCard(deps, next, failure) : null;
    const current = entry;
    let created: LiveEvent | null = null;
    const stored = await deps.outcomes.commit(JSON.stringify(entry.key), (op) => {
      op.check(current).set(current.key, next);
      extra?.(op, next, current.value!);
      context.complete(op);
      for (const e of live) addToFeed(op, e);
      if (card) {
        created = addCard(op, card);
        op.set(assistantKeys.cardOnce(card.teamId, card.kind, card.messageId, card.userId), card.id);
      }
    });
    if (stored) {
      await publishAll(realtime, created ? [...live, created] : live);
      if (created) await notifyByEmail(deps, created);
      if (next.status === "sent" && entry.value.failures?.length) await settleFailedCard(deps, next);
      return;
    }
  }
}

/** The sender's "Not sent" card: what went wrong, in a few words; the email's page has the whole reason. */
async function failedCard(deps: DeliveryDeps, m: Message, failure: SendFailure): Promise<Card | null> {
  // One card per email: a retry that fails again while its card is still up adds none.
  if (await failedCardOf(deps.kv, m).then((c) => c && c.status !== "dismissed")) return null;
  const now = deps.clock.now();
  const { links } = await cardAbout(deps.kv, m);
  return cardFor(
    m,
    {
      kind: "send_failed",
      headline: `Couldn't send to ${recipientLabel(m)}: ${failure.summary ?? failure.reason}`,
      eventAt: now,
    },
    links,
    now,
  );
}

/** The email's latest "Not sent" card, if it has had one. */
async function failedCardOf(kv: Deno.Kv, m: Message): Promise<Card | null> {
  const id = (await kv.get<string>(assistantKeys.cardOnce(m.teamId, "send_failed", m.id, m.senderId))).value;
  return id ? (await kv.get<Card>(assistantKeys.card(m.teamId, id))).value : null;
}

/** Once a retry has sent the email, its "Not sent" card has nothing left to ask: it is dismissed. */
async function settleFailedCard(deps: DeliveryDeps, m: Message): Promise<void> {
  const { kv, clock, realtime } = deps;
  const card = await failedCardOf(kv, m);
  if (!card || card.status === "dismissed") return;
  try {
    await publishAll(realtime, (await dismissCard(kv, m.teamId, m.senderId, card.id, clock.now())).events);
  } catch (error) {
    // Dismissed meanwhile by the seller, or changed under us: nothing to settle.
    if (!(error instanceof AppError)) throw error;
  }
}

/** The sender's alert that their email did not go out: a toast wherever they are in Beacon. */
function failedAlert(m: Message, failure: SendFailure, now: number) {
  return liveEvent(
    m.teamId,
    "alert.send_failed",
    {
      messageId: m.id,
      subject: m.subject,
      to: recipientLabel(m),
      summary: failure.summary ?? failure.reason,
    },
    now,
    m.senderId,
  );
}
