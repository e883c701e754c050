/**
 * The Outbox: the embedded mailer's sent emails, each shown exactly as the
 * recipient would see it — so opening one here loads the real pixel and its
 * links go through the real redirects.
 */
import { Hono } from "hono";
import { ListPage } from "../../components/list_page.tsx";
import {
  CheckRow,
  DataTable,
  EmailAddress,
  EmptyState,
  Form,
  FormActions,
  PageHeader,
  TextArea,
} from "../../components/ui.tsx";
import { buildOutboxReply } from "../../lib/inbound/outbox_reply.ts";
import { receiveAndFollowUp } from "../../workers/replies.ts";
import { formFields } from "../form.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { getOutboxEntry, getOutboxRecord, pageOutbox, readOutboxAttachment } from "../../lib/mail/outbox.ts";
import { fileHeaders, formatBytes } from "../../lib/attachments/files.ts";
import { notFound } from "../../lib/http/errors.ts";
import { formatDateTime } from "../../lib/time/format.ts";
import type { AppEnv } from "../deps.ts";
import { viewer } from "../middleware/auth.ts";
import { render } from "../render.tsx";
import { EmailFrame } from "./email_frame.tsx";

export const outboxPages = new Hono<AppEnv>();

outboxPages.use("/outbox/*", async (c, next) => {
  if (c.get("deps").mailer.name !== "outbox") {
    throw notFound("The Outbox exists only when Beacon keeps emails itself (no email provider configured).");
  }
  await next();
});

outboxPages.get("/outbox", async (c) => {
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const cursor = c.req.query("cursor");
  const page = await pageOutbox(kv, team.id, { cursor });
  const entries = page.items;
  const now = clock.now();
  return render(
    c,
    { title: "Outbox" },
    <ListPage
      title="Outbox"
      subtitle="Beacon is running without an email provider, so sent emails stop here. Open one to see it as the recipient would — opening and clicking are tracked for real."
      items={entries}
      cursor={page.cursor}
      paged={Boolean(cursor)}
      empty={
        <EmptyState
          icon="outbox"
          title="No emails sent yet"
          action={<a class="button button-primary" href="/compose">Compose an email</a>}
        >
          Emails your team sends will wait here instead of going out.
        </EmptyState>
      }
    >
      <DataTable
        head={
          <>
            <th>Subject</th>
            <th>To</th>
            <th class="hide-sm">Sent</th>
          </>
        }
      >
        {entries.map((e) => (
          <tr key={e.id}>
            <td>
              <a class="row-link" href={`/outbox/${e.id}`}>{e.subject || "(no subject)"}</a>
            </td>
            {/* The first address and how many more: a list of fifty made a row a page tall on a phone. */}
            <td title={[...e.to, ...e.cc].join(", ")}>
              <EmailAddress address={e.to[0] ?? e.cc[0] ?? ""} />
              {e.to.length + e.cc.length > 1 && (
                <span class="muted">{` +${e.to.length + e.cc.length - 1}`}</span>
              )}
            </td>
            <td class="hide-sm nowrap">{formatDateTime(e.createdAt, user.timeZone, now)}</td>
          </tr>
        ))}
      </DataTable>
    </ListPage>,
  );
});

outboxPages.get("/outbox/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const entry = await getOutboxEntry(kv, team.id, c.req.param("id"));
  if (!entry) throw notFound("No such email in the Outbox.");
  const rows: [string, string][] = [
    ["From", entry.from],
    ["To", entry.to.join(", ")],
    ...(entry.cc.length ? [["Cc", entry.cc.join(", ")] as [string, string]] : []),
    ...(entry.bcc.length ? [["Bcc", entry.bcc.join(", ")] as [string, string]] : []),
    ...(entry.replyTo ? [["Reply-To", entry.replyTo] as [string, string]] : []),
    ["Date", formatDateTime(entry.createdAt, user.timeZone, clock.now())],
    ...Object.entries(entry.headers),
  ];
  return render(
    c,
    { title: entry.subject || "Outbox" },
    <>
      <PageHeader title={entry.subject || "(no subject)"} back={{ href: "/outbox", label: "Outbox" }} />
      <section class="card outbox-email">
        <dl class="headers">
          {rows.map(([name, value]) => (
            <>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </>
          ))}
        </dl>
        <p class="small muted" data-testid="outbox-tracking-note">
          Opening and clicking here count as the recipient's. A click in the first seconds after sending is
          taken for a mail scanner's (they check links as an email arrives), so give it a moment.
        </p>
        <EmailFrame as="outgoing" title="The email as the recipient sees it" html={entry.html} />
        <details class="text-part">
          <summary>Plain-text part</summary>
          <pre>{entry.text}</pre>
        </details>
        {entry.attachments.length > 0 && (
          <p class="small muted outbox-files" data-testid="outbox-attachments">
            Attached: {entry.attachments.map((a, index) => (
              <>
                {index > 0 && ", "}
                <a href={`/outbox/${entry.id}/attachments/${index}`}>{a.filename}</a> ({formatBytes(a.size)})
              </>
            ))}
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="reply-title">
        <h2 id="reply-title" class="card-title">Reply as the recipient</h2>
        <p class="muted">
          Beacon has no inbox here, so you can play{" "}
          {entry.to[0]}: the reply is a real email with the usual headers and goes through the same pipeline
          as replies from outside.
        </p>
        <Form action={`/outbox/${entry.id}/reply`} class="stack form-narrow">
          <TextArea
            label="Reply"
            name="text"
            placeholder="Thanks — this looks good. Can we talk on Thursday?"
            required
            rows={3}
          />
          <CheckRow name="autoReply" label="Send it as an out-of-office auto-reply">
            Auto-replies are recorded but don't count as replies.
          </CheckRow>
          <FormActions submit="Send reply" kind="secondary" />
        </Form>
      </section>
    </>,
  );
});

/** A file the email carries as an attachment, as the recipient would open it. */
outboxPages.get("/outbox/:id/attachments/:index", async (c) => {
  const { kv } = c.get("deps");
  const entry = await getOutboxRecord(kv, viewer(c).team.id, c.req.param("id"));
  const index = Number(c.req.param("index"));
  const file = entry && Number.isInteger(index) ? entry.attachments[index] : undefined;
  if (!entry || !file) throw notFound("No such attachment in the Outbox.");
  const bytes = await readOutboxAttachment(kv, entry, index);
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: { ...fileHeaders({ ...file, size: bytes.byteLength }), "Cache-Control": "private, no-store" },
  });
});

outboxPages.post("/outbox/:id/reply", async (c) => {
  const deps = c.get("deps");
  const { team } = viewer(c);
  const entry = await getOutboxEntry(deps.kv, team.id, c.req.param("id"));
  if (!entry) throw notFound("No such email in the Outbox.");
  const fields = await formFields(c);
  const text = (fields.text ?? "").trim();
  if (!text) {
    return redirectWithFlash(c, `/outbox/${entry.id}`, { kind: "error", text: "Write a reply first." });
  }
  const raw = await buildOutboxReply(entry, {
    text,
    autoReply: fields.autoReply === "true",
    now: deps.clock.now(),
  });
  const received = await receiveAndFollowUp(deps, raw, { via: "outbox", teamId: team.id });
  const where = received.mail?.messageId ? `/messages/${received.mail.messageId}` : "/inbound";
  const note = received.status === "matched"
    ? fields.autoReply === "true" ? "Auto-reply recorded (it doesn't count as a reply)." : "Reply received."
    : received.status === "unmatched"
    ? "The reply matched no sent email; it is in Unmatched replies."
    : "This reply was already received.";
  return redirectWithFlash(c, where, { kind: "success", text: note });
});
