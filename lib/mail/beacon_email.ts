/**
 * An email Beacon sends in its own name — a card or digest to a seller, an invite to a teammate — rather than a
 * seller's: from Beacon's address, never tracked, marked as sent automatically (RFC 3834), so vacation
 * responders don't answer it.
 */
import { renderEmail } from "../messages/render.ts";
import type { OutgoingEmail } from "./mailer.ts";

export function beaconEmail(
  { from, to, subject, html, replyTo }: {
    from: string;
    to: string;
    subject: string;
    html: string;
    replyTo?: string;
  },
): OutgoingEmail {
  const rendered = renderEmail(html, { tracking: null });
  return {
    from: `"Beacon" <${from}>`,
    to: [to],
    cc: [],
    bcc: [],
    ...(replyTo ? { replyTo } : {}),
    subject,
    html: rendered.html,
    text: rendered.text,
    headers: { "Auto-Submitted": "auto-generated" },
    attachments: [],
  };
}
