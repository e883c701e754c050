/** Inbound mail pages: a reply read in full, and the admins' list of unmatched mail to attach by hand. */
import { Hono } from "hono";
import { ListPage } from "../../components/list_page.tsx";
import { Badge, EmptyState, Form, PageHeader } from "../../components/ui.tsx";
import { listActivity } from "../../lib/messages/list.ts";
import { recipientLabel } from "../../lib/messages/rows.ts";
import { formatDateTime } from "../../lib/time/format.ts";
import { getInbound, listUnmatched } from "../api/inbound.ts";
import type { AppEnv } from "../deps.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { formFields } from "../form.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { attachInbound, type InboundMail } from "../../lib/inbound/receive.ts";
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

inboundPages.get("/inbound", async (c) => {
  requireAdmin(c);
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const [mails, recent] = await Promise.all([
    listUnmatched(kv, team.id),
    listActivity(kv, team.id, { scope: "team", userId: user.id, limit: 50 }),
  ]);
  const sent = recent.items.filter((i) => i.message.status === "sent").map((i) => i.message);
  const now = clock.now();
  return render(
    c,
    { title: "Unmatched replies" },
    <ListPage
      title="Unmatched replies"
      subtitle="Mail that came in but could not be tied to a sent email (no reply token, no known Message-ID). Attach it by hand and it counts as a reply."
      items={mails}
      empty={
        <EmptyState icon="reply" title="Nothing unmatched">
          Replies Beacon can't place on an email appear here.
        </EmptyState>
      }
    >
      <section class="card" aria-label="Unmatched mail">
        <ul class="list">
          {mails.map((mail) => (
            <li key={mail.id} class="list-row inbound-row">
              <div>
                <div>
                  <strong>{mail.fromName || mail.fromAddress}</strong>{" "}
                  <span class="muted">{mail.fromAddress}</span>
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
                  {formatDateTime(mail.receivedAt, user.timeZone, now)} · {mail.unmatchedReason}
                </div>
              </div>
              <Form action={`/inbound/${mail.id}/attach`} class="inline-select">
                <label class="sr-only" for={`attach-${mail.id}`}>Attach to</label>
                <select id={`attach-${mail.id}`} name="messageId" required>
                  <option value="">Attach to…</option>
                  {sent.map((m) => (
                    <option key={m.id} value={m.id}>{m.subject} — {recipientLabel(m)}</option>
                  ))}
                </select>
                <button class="button button-secondary button-small" type="submit">Attach</button>
              </Form>
            </li>
          ))}
        </ul>
      </section>
    </ListPage>,
  );
});

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
  const mail = await getInbound(kv, team.id, c.req.param("id"));
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
    </>,
  );
});
