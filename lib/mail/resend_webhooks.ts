/**
 * Resend's webhooks: Svix signature verification on the raw body (the SDK's
 * `webhooks.verify`, which also rejects stale timestamps), and fetching a received
 * email's content (`emails.receiving.get`, then its raw download URL).
 */
import MailComposer from "nodemailer/lib/mail-composer";
import { Resend } from "resend";

/**
 * The fields Beacon reads from an event (resend 6.38.0 `WebhookEventPayload`): every email event has
 * `email_id`, `from`, `to`, `subject`; `email.bounced` adds `bounce`, `email.failed` adds `failed`,
 * `email.suppressed` (an email Resend did not attempt: the address bounced or complained before) adds
 * `suppressed`; `email.received` adds `cc`, `bcc`, `message_id`, attachment metadata and `received_for`,
 * the addresses on the receiving domain it was delivered to (the envelope, which may differ from `to`).
 */
export interface ResendWebhookEvent {
  type: string;
  created_at: string;
  data: {
    email_id?: string;
    created_at?: string;
    from?: string;
    to?: string[];
    received_for?: string[];
    subject?: string;
    bounce?: { message?: string; type?: string; subType?: string };
    failed?: { reason?: string };
    suppressed?: { message?: string; type?: string };
    [key: string]: unknown;
  };
}

export class ResendWebhooks {
  #client: Resend;
  constructor(private options: { apiKey?: string; baseUrl?: string; webhookSecret: string }) {
    // Verification needs no API key; the SDK's constructor insists on one.
    // As the mailer does: without it, `RESEND_BASE_URL=https://api.resend.com/` fetches `//emails/receiving/…`.
    const baseUrl = options.baseUrl?.replace(/\/+$/, "") || undefined;
    this.#client = new Resend(options.apiKey || "re_verification_only", { baseUrl });
  }

  /** The event, or throws when the signature, timestamp or body is not right. */
  verify(payload: string, headers: { id: string; timestamp: string; signature: string }): ResendWebhookEvent {
    return this.#client.webhooks.verify({
      payload,
      headers,
      webhookSecret: this.options.webhookSecret,
    }) as unknown as ResendWebhookEvent;
  }

  /** The received email as raw RFC 822 bytes. */
  async fetchReceived(emailId: string): Promise<Uint8Array> {
    if (!this.options.apiKey) throw new Error("RESEND_API_KEY is needed to fetch received emails");
    const { data, error } = await this.#client.emails.receiving.get(emailId);
    if (error || !data) {
      throw new Error(`Resend could not return received email ${emailId}: ${error?.message ?? "no data"}`);
    }
    if (data.raw?.download_url) {
      const response = await fetch(data.raw.download_url);
      if (!response.ok) throw new Error(`the raw email download answered ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
    // No raw copy offered: rebuild a message from the parts Resend gives.
    const headers = data.headers ?? {};
    const mail = new MailComposer({
      from: data.from,
      to: data.to,
      cc: data.cc ?? undefined,
      subject: data.subject,
      text: data.text ?? undefined,
      html: data.html ?? undefined,
      messageId: data.message_id,
      headers: Object.fromEntries(
        Object.entries(headers).filter(([k]) =>
          /^(in-reply-to|references|auto-submitted|x-autoreply|precedence)$/i.test(k)
        ),
      ),
    });
    return new Uint8Array(await mail.compile().build());
  }
}
