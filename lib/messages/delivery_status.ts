/**
 * Delivery reports from the provider (Resend's email.sent / delivered / delivery_delayed /
 * bounced / complained / failed). Reports can arrive late and out of order; the message
 * keeps the most final state: a late "delivered" never overwrites "bounced". Pure ranking,
 * plus the KV update.
 */
import type { LiveEvent } from "../realtime/realtime.ts";
import { newId } from "../storage/ids.ts";
import { appendEvent } from "../tracking/append.ts";
import type { EngagementEvent } from "../tracking/types.ts";
import { messageKeys as keys } from "./keys.ts";
import type { Message } from "./types.ts";

export type DeliveryKind = "sent" | "delivery_delayed" | "delivered" | "bounced" | "complained" | "failed";

export interface DeliveryState {
  kind: DeliveryKind;
  at: number;
  /** The provider's reason, for bounces and failures. */
  reason: string | null;
}

/** Higher wins. A complaint outranks a delivery (it arrives after one); a bounce or failure is final. */
const RANK: Record<DeliveryKind, number> = {
  sent: 1,
  delivery_delayed: 2,
  delivered: 3,
  complained: 4,
  bounced: 5,
  failed: 5,
};

export function mergeDelivery(
  current: DeliveryState | null | undefined,
  report: DeliveryState,
): DeliveryState {
  if (!current) return report;
  return RANK[report.kind] > RANK[current.kind] ? report : current;
}

export const DELIVERY_LABELS: Record<DeliveryKind, string> = {
  sent: "Accepted by the provider",
  delivery_delayed: "Delivery delayed",
  delivered: "Delivered",
  bounced: "Bounced",
  complained: "Marked as spam",
  failed: "Failed to send",
};

export function deliveryText(state: DeliveryState): string {
  return state.reason ? `${DELIVERY_LABELS[state.kind]} — ${state.reason}` : DELIVERY_LABELS[state.kind];
}

/** Resend's bounce subtypes in words people understand. */
export function bounceReason(
  bounce: { type?: string; subType?: string; message?: string } | undefined,
): string | null {
  if (!bounce) return null;
  const sub = (bounce.subType ?? "").toLowerCase();
  if (
    sub.includes("nosuchuser") ||
    sub === "general" && /does not exist|no such user|unknown user/i.test(bounce.message ?? "")
  ) {
    return "mailbox does not exist";
  }
  if (sub.includes("mailboxfull")) return "mailbox full";
  if (sub.includes("suppressed") || sub.includes("onaccountsuppressionlist")) {
    return "address is on the suppression list";
  }
  if ((bounce.type ?? "").toLowerCase() === "transient") return "temporary problem at the recipient's server";
  return bounce.message?.slice(0, 200) || bounce.subType || null;
}

/**
 * The addresses a bounce or complaint is about, of the `to` its report lists. With one address, that one. With
 * several, only those its bounce message names ("550 5.1.1 <ken@globex.example>: user unknown"): flagging a
 * contact whose mail went through would warn the team off writing to them. Pure.
 */
export function addressesAtFault(to: string[], detail: string | null | undefined): string[] {
  if (to.length <= 1) return to;
  const text = (detail ?? "").toLowerCase();
  return to.filter((address) => address && text.includes(address.toLowerCase()));
}

/**
 * Applies a report to the message found by its provider id: the delivery state (most final
 * wins) and an event on its history, de-duplicated by the webhook id.
 */
export async function recordDelivery(
  kv: Deno.Kv,
  providerId: string,
  report: DeliveryState & { webhookId: string; recipient: string | null },
): Promise<{ message: Message; events: LiveEvent[] } | null> {
  const ref = (await kv.get<{ teamId: string; messageId: string }>(keys.byProviderId(providerId))).value;
  if (!ref) return null;
  const event: EngagementEvent = {
    id: newId(report.at),
    teamId: ref.teamId,
    messageId: ref.messageId,
    type: "delivery",
    at: report.at,
    recipient: null,
    index: null,
    url: null,
    method: "WEBHOOK",
    userAgent: "",
    clientAddress: "",
    headers: {},
    sinceSendMs: 0,
    prefetch: false,
    delivery: { kind: report.kind, reason: report.reason, recipient: report.recipient },
  };
  for (;;) {
    const entry = await kv.get<Message>(keys.message(ref.teamId, ref.messageId));
    if (!entry.value) return null;
    const message = { ...entry.value, delivery: mergeDelivery(entry.value.delivery, report) };
    const result = await appendEvent(kv, event, {
      extra: (op) => op.check(entry).set(entry.key, message),
      once: ["team", ref.teamId, "delivery_seen", report.webhookId],
    });
    if (!result) return null;
    return { message, events: [result.live] };
  }
}
