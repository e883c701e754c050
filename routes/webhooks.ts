/**
 * POST /webhooks/resend — Resend's events, verified (Svix signature over the raw body,
 * stale timestamps refused) and de-duplicated by webhook id. Received emails go through the
 * reply pipeline; delivery reports update the message (most final state wins) and flag
 * bounced or complaining contacts; Resend's own open/click events are ignored, so nothing is
 * counted twice with Beacon's tracking.
 */
import { Hono } from "hono";
import { findContactByEmail, patchContact } from "../lib/contacts/contacts.ts";
import type { Contact } from "../lib/contacts/types.ts";
import { inboundKeys } from "../lib/inbound/keys.ts";
import { ResendWebhooks } from "../lib/mail/resend_webhooks.ts";
import {
  addressesAtFault,
  bounceReason,
  type DeliveryKind,
  recordDelivery,
} from "../lib/messages/delivery_status.ts";
import { publishAll } from "../lib/realtime/feed.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { receiveAndFollowUp } from "../workers/replies.ts";

const DELIVERY: Record<string, DeliveryKind> = {
  "email.sent": "sent",
  "email.delivered": "delivered",
  "email.delivery_delayed": "delivery_delayed",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.failed": "failed",
  // Not attempted: the address bounced or complained before. Resend reported these as `email.bounced`
  // (subType "Suppressed") before it had this event, and Beacon shows them the same way.
  "email.suppressed": "bounced",
};

export function webhookRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { mail } = deps.config;
  const resend = mail.resendWebhookSecret
    ? new ResendWebhooks({
      apiKey: mail.resendApiKey,
      baseUrl: mail.resendBaseUrl,
      webhookSecret: mail.resendWebhookSecret,
    })
    : null;

  app.post("/webhooks/resend", async (c) => {
    if (!resend) {
      return c.json({ error: { code: "not_configured", message: "Set RESEND_WEBHOOK_SECRET." } }, 404);
    }
    const payload = await c.req.text();
    const headers = {
      id: c.req.header("svix-id") ?? "",
      timestamp: c.req.header("svix-timestamp") ?? "",
      signature: c.req.header("svix-signature") ?? "",
    };
    let event;
    try {
      event = resend.verify(payload, headers);
    } catch (error) {
      return c.json({
        error: { code: "bad_signature", message: `Webhook refused: ${(error as Error).message}` },
      }, 400);
    }
    const seen = inboundKeys.seenWebhook(headers.id);
    const first = await deps.kv.atomic().check({ key: seen, versionstamp: null })
      .set(seen, event.type, { expireIn: 7 * 86_400_000 }).commit();
    if (!first.ok) return c.json({ ok: true, duplicate: true });
    try {
      const outcome = await handle(deps, resend, headers.id, event);
      return c.json({ ok: true, outcome });
    } catch (error) {
      // Let Resend retry: forget that we saw it.
      await deps.kv.delete(seen);
      console.error(`webhook ${event.type} failed`, error);
      return c.json({
        error: { code: "internal", message: "Could not process the event; it will be retried." },
      }, 500);
    }
  });

  return app;
}

/** Marks the contacts of these addresses as bounced or complaining (the team sees it before writing again). */
async function flagContacts(
  deps: AppDeps,
  teamId: string,
  addresses: string[],
  issue: NonNullable<Contact["deliveryIssue"]>,
) {
  for (const address of addresses) {
    const contact = await findContactByEmail(deps.kv, teamId, address);
    if (contact) {
      await patchContact(deps.kv, teamId, contact.id, () => ({ deliveryIssue: issue }), deps.clock.now());
    }
  }
}

async function handle(
  deps: AppDeps,
  resend: ResendWebhooks,
  webhookId: string,
  event: ReturnType<ResendWebhooks["verify"]>,
): Promise<string> {
  const emailId = event.data.email_id;
  if (event.type === "email.received" && emailId) {
    const raw = await resend.fetchReceived(emailId);
    // `received_for` is the envelope: a reply address that was Bcc'd, or reached through a forward, is
    // there though not in `to`.
    const envelopeTo = [...new Set([...(event.data.received_for ?? []), ...(event.data.to ?? [])])];
    const received = await receiveAndFollowUp(deps, raw, { via: "resend", envelopeTo });
    return received.status;
  }
  const kind = DELIVERY[event.type];
  if (kind && emailId) {
    const reason = event.type === "email.suppressed"
      ? bounceReason({ subType: "Suppressed", message: event.data.suppressed?.message })
      : kind === "bounced"
      ? bounceReason(event.data.bounce)
      : kind === "failed"
      ? event.data.failed?.reason ?? null
      : null;
    const at = Date.parse(event.created_at) || deps.clock.now();
    // A bounce or complaint flags the contacts it is about.
    const issue = kind === "bounced" || kind === "complained" ? kind : null;
    const atFault = issue
      ? addressesAtFault(event.data.to ?? [], event.data.bounce?.message ?? event.data.suppressed?.message)
      : [];
    const recipient = (issue ? atFault[0] : event.data.to?.[0]) ?? null;
    const result = await recordDelivery(deps.kv, emailId, { kind, at, reason, webhookId, recipient });
    if (!result) return "unknown email";
    await publishAll(deps.realtime, result.events);
    if (issue) await flagContacts(deps, result.message.teamId, atFault, { kind: issue, at, reason });
    return kind;
  }
  // email.opened / email.clicked: Beacon's own tracking counts these; Resend's would count them twice.
  return "ignored";
}
