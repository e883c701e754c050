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

/** A send that did not happen, with the provider's reason; `retryable` for rate limits and outages. */
export class MailerError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(message);
    this.name = "MailerError";
  }
}

export interface Mailer {
  readonly name: "outbox" | "resend";
  send(email: OutgoingEmail, options: SendOptions): Promise<SendResult>;
}
