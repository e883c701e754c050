/** Inbound mail pages: a reply read in full, and the admins' list of unmatched mail to attach by hand. */
import { Hono } from "hono";
import { ListPage } from "../../components/list_page.tsx";
import { Badge, EmptyState, Form, PageHeader } from "../../components/ui.tsx";
import { listActivity, listMessagesFor } from "../../lib/messages/list.ts";
import { findContactByEmail } from "../../lib/contacts/contacts.ts";
import { recipientLabel } from "../../lib/messages/rows.ts";
import { formatDateTime } from "../../lib/time/format.ts";
import { getInbound, listUnmatched } from "../api/inbound.ts";
import type { AppEnv } from "../deps.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { formFields } from "../form.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { attachInbound, type InboundMail, setDismissed } from "../../lib/inbound/receive.ts";
import type { Message } from "../../lib/messages/types.ts";
import { getMessage } from "../../lib/messages/drafts.ts";
import { afterReply } from "../../workers/replies.ts";

export const inboundPages = new Hono<AppEnv>();

/** How a reply was tied to its email, in words. */
const MATCHED_VIA: Record<NonNullable<InboundMail["matchedVia"]>, string> = {
  token: "Matched by its reply address",
  "in-reply-to": "Matched by its In-Reply-To header",
  references: "Matched by its References header",
  by_hand: "Attached by hand",
};

/** How many emails sent to a mail's own sender are offered first when attaching it by hand. */
const SENT_TO_SENDER = 10;

type Sent = Message;

/** The sent emails an admin may attach `mail` to: those sent to its sender first, then the team's latest. */
function AttachForm(
  { mail, toSender, recent, zone, now }: {
    mail: InboundMail;
    toSender: Sent[];
    recent: Sent[];
    /** The viewer's, for when each was sent: emails with one subject are told apart by it. */
    zone: string;
    now: number;
  },
) {
  const shown = new Set(toSender.map((m) => m.id));
  const option = (m: Sent) => (
    <option key={m.id} value={m.id}>
      {m.subject} — {recipientLabel(m)} · {formatDateTime(m.sentAt ?? m.createdAt, zone, now)}
    </option>
  );
  return (
    <Form action={`/inbound/${mail.id}/attach`} class="inline-select">
      <label class="sr-only" for={`attach-${mail.id}`}>Attach to</label>
      <select id={`attach-${mail.id}`} name="messageId" required>
        <option value="">Attach to…</option>
        {toSender.length > 0 && (
          <optgroup label={`Sent to ${mail.fromAddress}`}>{toSender.map(option)}</optgroup>
        )}
        <optgroup label="The team's latest emails">
          {recent.filter((m) => !shown.has(m.id)).map(option)}
        </optgroup>
      </select>
      <button class="button button-secondary button-small" type="submit">Attach</button>
    </Form>
  );
}

/**
 * What attaching needs: the team's latest sent emails, and a reader of the emails sent to one address. That
 * reader goes through the sender's contact and its index (a text search would read the team's whole index per
 * sender), once per address.
 */
async function attachChoices(kv: Deno.Kv, teamId: string, userId: string) {
  const sentOnly = (items: { message: Message }[]) =>
    items.filter((i) => i.message.status === "sent").map((i) => i.message);
  const recent = sentOnly((await listActivity(kv, teamId, { scope: "team", userId, limit: 50 })).items);
  const bySender = new Map<string, Promise<Sent[]>>();
  const sentTo = async (address: string) => {
    const contact = await findContactByEmail(kv, teamId, address);
    if (!contact) return [];
    return sentOnly(await listMessagesFor(kv, teamId, { type: "contact", id: contact.id }, SENT_TO_SENDER));
  };
  const toSender = (address: string) => {
    const key = address.toLowerCase();
    if (!bySender.has(key)) bySender.set(key, sentTo(address));
    return bySender.get(key)!;
  };
  return { recent, toSender };
}

/** Who sent it: the name and the address, or the address once. */
function Sender({ mail }: { mail: InboundMail }) {
  return mail.fromName
    ? (
      <>
        <strong>{mail.fromName}</strong> <span class="muted">{mail.fromAddress}</span>
      </>
    )
    : <strong>{mail.fromAddress}</strong>;
}

inboundPages.get("/inbound", async (c) => {
  requireAdmin(c);
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const [mails, choices] = await Promise.all([
    listUnmatched(kv, team.id),
    attachChoices(kv, team.id, user.id),
  ]);
  const suggested = await Promise.all(mails.map((mail) => choices.toSender(mail.fromAddress)));
  const now = clock.now();
  return render(
    c,
    { title: "Unmatched replies" },
    <ListPage
      title="Unmatched replies"
      subtitle="Mail that came in but could not be tied to a sent email. Attach it by hand and it counts as a reply; dismiss what isn't a reply."
      items={mails}
      empty={
        <EmptyState icon="reply" title="Nothing unmatched">
          Replies Beacon can't place on an email appear here.
        </EmptyState>
      }
    >
      <section class="card" aria-label="Unmatched mail">
        <ul class="list">
          {mails.map((mail, i) => (
            <li key={mail.id} class="list-row inbound-row">
              <div>
                <div>
                  <Sender mail={mail} />
                  {mail.autoReply && (
                    <>
                      {" "}
                      <Badge tone="grey" title={mail.autoReply}>Auto-reply</Badge>
                    </>
                  )}
                </div>
                <div>
                  <a href={`/inbound/${mail.id}`}>{mail.subject || "(no subject)"}</a>
                </div>
                <div class="muted small">
                  {formatDateTime(mail.receivedAt, user.timeZone, now)} · Not placed: {mail.unmatchedReason}
                </div>
              </div>
              <div class="row-actions">
                <AttachForm
                  mail={mail}
                  toSender={suggested[i]}
                  recent={choices.recent}
                  zone={user.timeZone}
                  now={now}
                />
                <Form action={`/inbound/${mail.id}/dismiss`}>
                  <button class="button button-ghost button-small" type="submit">Dismiss</button>
                </Form>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </ListPage>,
  );
});

/** Dismisses unmatched mail, or puts it back on the list; the flash leads to the other way. */
for (const dismissed of [true, false]) {
  inboundPages.post(`/inbound/:id/${dismissed ? "dismiss" : "restore"}`, async (c) => {
    requireAdmin(c);
    const { kv, clock } = c.get("deps");
    const id = c.req.param("id");
    const mail = await setDismissed(kv, viewer(c).team.id, id, dismissed, clock.now());
    if (!mail) {
      return redirectWithFlash(c, "/inbound", {
        kind: "error",
        text: "That mail was attached or changed meanwhile.",
      });
    }
    const subject = mail.subject || "(no subject)";
    return dismissed
      ? redirectWithFlash(c, "/inbound", {
        kind: "success",
        text: `Dismissed “${subject}”.`,
        href: `/inbound/${id}`,
        linkText: "Open it",
      })
      : redirectWithFlash(c, "/inbound", { kind: "success", text: `“${subject}” is back on the list.` });
  });
}

inboundPages.post("/inbound/:id/attach", async (c) => {
  requireAdmin(c);
  const deps = c.get("deps");
  const { team } = viewer(c);
  const { messageId } = await formFields(c);
  if (!messageId) {
    return redirectWithFlash(c, "/inbound", { kind: "error", text: "Choose an email to attach it to." });
  }
  const message = await getMessage(deps.kv, team.id, messageId);
  const result = await attachInbound(deps.kv, team.id, c.req.param("id"), message, deps.clock.now());
  if (!result) {
    return redirectWithFlash(c, "/inbound", { kind: "error", text: "That email was already attached." });
  }
  await afterReply(deps, result);
  return redirectWithFlash(c, `/messages/${message.id}`, {
    kind: "success",
    text: "Attached: it now counts as a reply.",
  });
});

inboundPages.get("/inbound/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const mail = await getInbound(kv, viewer(c), c.req.param("id"));
  // Mail on no email yet: admins attach it here too, or dismiss it (or put it back once dismissed).
  const placing = !mail.messageId && user.role === "admin";
  const choices = placing ? await attachChoices(kv, team.id, user.id) : null;
  const toSender = choices ? await choices.toSender(mail.fromAddress) : [];
  return render(
    c,
    { title: mail.subject || "Reply" },
    <>
      <PageHeader
        title={mail.subject || "(no subject)"}
        back={mail.messageId
          ? { href: `/messages/${mail.messageId}`, label: "The email" }
          : { href: "/inbound", label: "Unmatched replies" }}
        subtitle={
          <>
            From {mail.fromName ? `${mail.fromName} <${mail.fromAddress}>` : mail.fromAddress} ·{" "}
            {formatDateTime(mail.receivedAt, user.timeZone, clock.now())}
          </>
        }
      />
      <section class="card inbound-mail">
        <h2 class="card-title">What they wrote</h2>
        <div class="badges">
          {mail.autoReply && <Badge tone="grey" title={mail.autoReply}>Auto-reply — not counted</Badge>}
          {mail.messageId && !mail.fromRecipient && (
            <Badge tone="amber" title={`${mail.fromAddress} was not a recipient of the email`}>
              Not a recipient (forwarded) — not counted
            </Badge>
          )}
          {mail.matchedVia && <Badge tone="blue">{MATCHED_VIA[mail.matchedVia]}</Badge>}
          {mail.dismissedAt && (
            <Badge tone="grey">
              Dismissed {formatDateTime(mail.dismissedAt, user.timeZone, clock.now())}
            </Badge>
          )}
        </div>
        <p class="reply-text">{mail.text || <span class="muted">(nothing new — only quoted text)</span>}</p>
        <details class="text-part">
          <summary>The whole message</summary>
          <pre>{mail.fullText}</pre>
        </details>
        {mail.rawBlobId && (
          <p>
            <a class="button button-ghost button-small" href={`/api/inbound/${mail.id}/raw`}>
              Download original (.eml)
            </a>
          </p>
        )}
      </section>
      {choices && (
        <section class="card" aria-labelledby="placing-title">
          <h2 class="card-title" id="placing-title">Not on an email</h2>
          {mail.unmatchedReason && (
            <p class="muted">Beacon couldn't place it because {mail.unmatchedReason}.</p>
          )}
          <div class="row-actions">
            <AttachForm
              mail={mail}
              toSender={toSender}
              recent={choices.recent}
              zone={user.timeZone}
              now={clock.now()}
            />
            <Form action={`/inbound/${mail.id}/${mail.dismissedAt ? "restore" : "dismiss"}`}>
              <button class="button button-ghost button-small" type="submit">
                {mail.dismissedAt ? "Put back on the list" : "Dismiss"}
              </button>
            </Form>
          </div>
        </section>
      )}
    </>,
  );
});
