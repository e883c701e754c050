/**
 * The production Mailer: Resend, through the official `resend` SDK.
 *
 * Base URL: the SDK's constructor takes `{ baseUrl }` (resend 6.38.0, `dist/index.mjs`:
 * `this.baseUrl = options?.baseUrl ?? getDefaultBaseUrl()`), and only when none is given does it read
 * `process.env.RESEND_BASE_URL`, falling back to `https://api.resend.com`. So a given `baseUrl` is passed to
 * the constructor and no global environment is touched; without one, the SDK's own default applies.
 *
 * Permissions: the SDK's constructor always reads `RESEND_DEBUG` (and `RESEND_USER_AGENT` unless a user
 * agent is given, `RESEND_BASE_URL` unless a base URL is given) from `process.env`, so under Deno it
 * needs env access to those names, or construction throws `NotCapable`.
 *
 * Errors: the SDK never throws for HTTP or network failures; it answers `{ data: null, error, headers }`
 * where `error` is the provider's JSON body (`{ statusCode, name, message }`) or, when nothing came back,
 * `{ name: "application_error", statusCode: null, message: "Unable to fetch data. …" }` with `headers:
 * null`. The HTTP status itself is not exposed: `statusCode` is what the body says.
 *
 * The API key lives in private fields only and is cut out of every message that leaves this module.
 */
import { Buffer } from "node:buffer";
import { type CreateEmailOptions, type ErrorResponse, Resend } from "resend";
import { type Mailer, MailerError, type OutgoingEmail, type SendOptions, type SendResult } from "./mailer.ts";

export interface ResendMailerOptions {
  apiKey: string;
  /** Resend's API origin, e.g. `RESEND_BASE_URL`; defaults to the SDK's (`https://api.resend.com`). */
  baseUrl?: string;
  /** How long one request may take before it counts as a (retryable) network failure. */
  timeoutMs?: number;
}

/**
 * Resend takes at most 40 MB of attachments on one email, counted after Base64 encoding (resend.com/docs,
 * Send Email, `attachments`), so about 30 MB of files. Read as 40,000,000 bytes, the stricter reading.
 */
export const MAX_ATTACHMENTS_BASE64_BYTES = 40_000_000;

/** Wait used for a 429 that names no `retry-after` (Resend's default limit is a few requests a second). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;
const UNREACHABLE = { summary: "Resend unreachable" };

/** Error names worth another attempt when the body gives no status code. */
const RETRYABLE_NAMES = new Set([
  "rate_limit_exceeded",
  "daily_quota_exceeded",
  "concurrent_idempotent_requests",
  "internal_server_error",
  "application_error",
]);

export class ResendMailer implements Mailer {
  readonly name = "resend" as const;
  readonly #client: Resend;
  readonly #apiKey: string;
  readonly #timeoutMs: number;

  constructor({ apiKey, baseUrl, timeoutMs = DEFAULT_TIMEOUT_MS }: ResendMailerOptions) {
    // Without a key the SDK would quietly fall back to RESEND_API_KEY; Beacon's config decides instead.
    if (!apiKey) throw new Error("ResendMailer needs an API key");
    this.#apiKey = apiKey;
    this.#timeoutMs = timeoutMs;
    this.#client = new Resend(apiKey, baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, "") } : undefined);
  }

  async send(email: OutgoingEmail, { idempotencyKey }: SendOptions): Promise<SendResult> {
    const encoded = email.attachments.reduce(
      (sum, file) => sum + Math.ceil(file.content.byteLength / 3) * 4,
      0,
    );
    if (encoded > MAX_ATTACHMENTS_BASE64_BYTES) {
      // Resend would refuse it; saying so here names the cause (BEACON_MAX_MESSAGE_ATTACHMENTS_MB above 28).
      throw new MailerError(
        `The attachments are ${
          (encoded / 1e6).toFixed(1)
        } MB once encoded; Resend takes at most 40 MB on one ` +
          "email (about 30 MB of files).",
        false,
        { summary: "attachments too large" },
      );
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let response;
    try {
      response = await this.#client.emails.send(toResendPayload(email), {
        idempotencyKey,
        signal: controller.signal,
      });
    } catch (error) {
      // The SDK answers failures as values; anything thrown is unexpected, and a retry is safe.
      const reason = error instanceof Error ? error.message : String(error);
      throw new MailerError(`Resend could not be reached: ${this.#redact(reason)}`, true, UNREACHABLE);
    } finally {
      clearTimeout(timer);
    }
    const { data, error, headers } = response;
    if (error) {
      if (controller.signal.aborted) {
        throw new MailerError(`Resend did not answer within ${this.#timeoutMs} ms`, true, {
          summary: "Resend did not answer",
        });
      }
      throw this.#toMailerError(error, headers);
    }
    if (!data?.id) {
      throw new MailerError("Resend accepted the request but answered without an email id", true, {
        summary: "unclear answer from Resend",
      });
    }
    return { providerId: data.id };
  }

  #toMailerError(raw: unknown, headers: Record<string, string> | null): MailerError {
    const error = (typeof raw === "object" && raw !== null ? raw : {}) as Partial<ErrorResponse>;
    const status = typeof error.statusCode === "number" ? error.statusCode : null;
    const name = typeof error.name === "string" ? error.name : undefined;
    const reason = this.#redact(
      typeof error.message === "string" && error.message
        ? error.message
        : JSON.stringify(raw) ?? "no reason given",
    );
    const label = [status, name].filter((part) => part !== null && part !== undefined).join(" ");
    const suffix = label ? ` (${label})` : "";
    if (status === null && headers === null && name === "application_error") {
      return new MailerError(`Resend could not be reached: ${reason}`, true, UNREACHABLE);
    }
    if (!isRetryable(status, name)) {
      return new MailerError(`Resend rejected the email: ${reason}${suffix}`, false, {
        summary: refusalSummary(name, reason),
      });
    }
    const rateLimited = status === 429 || name === "rate_limit_exceeded" || name === "daily_quota_exceeded";
    const retryAfterMs = retryAfter(headers) ?? (rateLimited ? DEFAULT_RATE_LIMIT_WAIT_MS : undefined);
    const what = rateLimited ? "Resend is rate limiting" : "Resend could not take the email now";
    return new MailerError(`${what}: ${reason}${suffix}`, true, {
      summary: rateLimited ? "rate limited by Resend" : "Resend unavailable",
      retryAfterMs,
    });
  }

  #redact(text: string): string {
    return text.replaceAll(this.#apiKey, "[redacted API key]");
  }
}

/**
 * A final refusal in a few words, for lists and alerts: by Resend's error name, else by what a validation
 * error's message names (the full message stays the failure's reason).
 */
export function refusalSummary(name: string | undefined, reason: string): string {
  switch (name) {
    case "missing_api_key":
    case "invalid_api_key":
    case "invalid_api_Key": // Resend's own spelling in its docs
    case "restricted_api_key":
    case "invalid_access":
      return "API key refused";
    case "daily_quota_exceeded":
    case "monthly_quota_exceeded":
      return "sending quota reached";
    case "invalid_from_address":
      return "sender address rejected";
    case "invalid_attachment":
      return "attachment rejected";
  }
  if (/\bdomain\b.*\bnot verified\b|\bverify (your|the) domain\b/i.test(reason)) {
    return "sending domain not verified";
  }
  if (/`from`/i.test(reason)) return "sender address rejected";
  if (/`(to|cc|bcc)`|\brecipients?\b|\bemail address\b/i.test(reason)) return "address rejected";
  if (/\battachments?\b/i.test(reason)) return "attachment rejected";
  return "rejected by Resend";
}

function isRetryable(status: number | null, name: string | undefined): boolean {
  if (name === "monthly_quota_exceeded") return false;
  if (status !== null) {
    return status === 429 || status === 408 || status >= 500 ||
      (status === 409 && name === "concurrent_idempotent_requests");
  }
  // No status in the body (e.g. a proxy's error page): retry unless the name says it is final.
  return name === undefined || RETRYABLE_NAMES.has(name);
}

/** `retry-after` as delta-seconds or an HTTP date; else Resend's `ratelimit-reset` (seconds). */
function retryAfter(headers: Record<string, string> | null): number | undefined {
  if (!headers) return undefined;
  const value = headers["retry-after"]?.trim();
  if (value) {
    if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  const reset = headers["ratelimit-reset"]?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.ceil(Number(reset) * 1000);
  return undefined;
}

/** OutgoingEmail → the SDK's payload (camelCase; the SDK sends `reply_to`, `content_type`, base64). */
export function toResendPayload(email: OutgoingEmail): CreateEmailOptions {
  const payload = {
    from: email.from,
    to: email.to,
    ...(email.cc.length ? { cc: email.cc } : {}),
    ...(email.bcc.length ? { bcc: email.bcc } : {}),
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    subject: email.subject,
    ...(email.html ? { html: email.html } : {}),
    ...(email.text ? { text: email.text } : {}),
    ...(Object.keys(email.headers).length ? { headers: email.headers } : {}),
    ...(email.attachments.length
      ? {
        attachments: email.attachments.map((file) => ({
          filename: file.filename,
          // Base64 as Resend's API takes it, rather than relying on how the SDK serialises bytes.
          content: Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength)
            .toString("base64"),
          contentType: file.contentType,
        })),
      }
      : {}),
  };
  // html/text are each optional here; Resend itself answers 422 when both are missing.
  return payload as CreateEmailOptions;
}
