/** The Mailer port: how an email leaves Beacon. Embedded default: the outbox. Production: Resend. */

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface OutgoingEmail {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. Message-ID, In-Reply-To. */
  headers: Record<string, string>;
  attachments: OutgoingAttachment[];
}

export interface SendOptions {
  teamId: string;
  /** The same key for every attempt to send the same email; the provider sends it once. */
  idempotencyKey: string;
}

export interface SendResult {
  /** The provider's id for the email (the outbox entry's id for the embedded default). */
  providerId: string;
}

/**
 * A send that did not happen, with the provider's reason in full; `retryable` for rate limits and outages.
 * `summary` says it in a few words for lists and alerts ("address rejected"), where the full reason wraps.
 */
export class MailerError extends Error {
  readonly summary: string;
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    readonly retryable: boolean,
    { summary, retryAfterMs }: { summary: string; retryAfterMs?: number },
  ) {
    super(message);
    this.name = "MailerError";
    this.summary = summary;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface Mailer {
  readonly name: "outbox" | "resend";
  send(email: OutgoingEmail, options: SendOptions): Promise<SendResult>;
}
