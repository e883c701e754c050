/**
 * STAND-IN for Resend's HTTP API — for tests only, never for production.
 *
 * A local `Deno.serve` on 127.0.0.1 (port 0) that answers `POST /emails` the way Resend does, so the real
 * `resend` SDK can be pointed at it (`new Resend(key, { baseUrl: standIn.url })`):
 *
 * - `Authorization: Bearer <key>` required: missing or malformed → 401 `missing_api_key`; a different key →
 *   403 `invalid_api_key` (Resend's codes).
 * - The JSON body is validated (`from`, `to` string or non-empty array of ≤ 50 addresses, `subject`, `html` or
 *   `text`, optional `cc`/`bcc`/`reply_to`/`headers`/`attachments`, attachments ≤ 40 MB in Base64 in all); a bad
 *   one → 422 with Resend's error body
 *   `{ statusCode, name, message }`. The messages imitate Resend's; they are not copied from it.
 * - `Idempotency-Key` de-duplicates: the same key and payload answer the same id and record no second email;
 *   the same key with a different payload → 409 `invalid_idempotent_request`; a key over 256 characters →
 *   400 `invalid_idempotency_key`. Keys do not expire here (Resend keeps them 24 hours).
 * - Every request is kept in `requests`; every email taken in `accepted` (headers and parsed body).
 * - `failNext(status, times, headers?, options?)` makes the next requests fail, e.g. 429 with `retry-after`,
 *   or 500 — optionally after accepting the email (a lost response).
 *
 * Not imitated: rate limits of its own, batch sending, scheduling, other endpoints, delivery itself.
 */

export interface ResendErrorBody {
  statusCode: number;
  name: string;
  message: string;
}

export interface ResendAttachmentBody {
  filename?: string;
  content?: string;
  path?: string;
  content_type?: string;
  content_id?: string;
}

/** The body of `POST /emails` as Resend's API receives it (snake_case). */
export interface ResendEmailBody {
  from: string;
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  reply_to?: string | string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: ResendAttachmentBody[];
  tags?: { name: string; value: string }[];
  scheduled_at?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

export interface AcceptedEmail {
  id: string;
  idempotencyKey: string | null;
  headers: Record<string, string>;
  body: ResendEmailBody;
}

export interface FailOptions {
  /** The error body; an object is sent as JSON, a string as it is (e.g. a proxy's HTML page). */
  body?: Partial<ResendErrorBody> | string;
  /** Take the email first (as if it was sent) and then answer the failure: a lost response. */
  afterAccepting?: boolean;
}

export interface ResendStandIn extends AsyncDisposable {
  /** Base URL to give the SDK (no trailing slash). */
  url: string;
  /** The one API key it accepts. */
  apiKey: string;
  requests: RecordedRequest[];
  accepted: AcceptedEmail[];
  /** The next `times` requests answer `status` (with `headers`), before any other check. */
  failNext(status: number, times?: number, headers?: Record<string, string>, options?: FailOptions): void;
  /** Puts a received (inbound) email where GET /emails/receiving/:id and its raw download URL serve it. */
  addReceived(
    email: { id: string; raw: Uint8Array; from: string; to: string[]; subject: string; messageId: string },
  ): void;
  close(): Promise<void>;
}

const ADDRESS = /^[^\s<>@",;]+@[^\s<>@",;]+\.[^\s<>@",;]+$/;
const NAMED_ADDRESS = /^[^<>]*<([^<>]+)>$/;
const ADDRESS_FORMAT =
  "The email address needs to follow the `email@example.com` or `Name <email@example.com>` " +
  "format.";
const MAX_RECIPIENTS = 50;

const DEFAULT_ERRORS: Record<number, { name: string; message: string }> = {
  400: { name: "validation_error", message: "The request is invalid." },
  401: { name: "missing_api_key", message: "Missing API key in the authorization header." },
  403: { name: "invalid_api_key", message: "API key is invalid" },
  409: {
    name: "concurrent_idempotent_requests",
    message: "Same idempotency key used while a request is in progress.",
  },
  422: { name: "validation_error", message: "The request is invalid." },
  429: {
    name: "rate_limit_exceeded",
    message:
      "Too many requests. You can only make 2 requests per second. See rate limit response headers for " +
      "more information.",
  },
  500: { name: "internal_server_error", message: "An unexpected error occurred." },
};

interface PendingFailure {
  status: number;
  times: number;
  headers: Record<string, string>;
  options: FailOptions;
}

class Rejection extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function startResendStandIn(
  { apiKey = "re_standin_test_key" }: { apiKey?: string } = {},
): ResendStandIn {
  const requests: RecordedRequest[] = [];
  const accepted: AcceptedEmail[] = [];
  const byKey = new Map<string, { fingerprint: string; id: string }>();
  const failures: PendingFailure[] = [];

  function accept(email: ResendEmailBody, key: string | null, headers: Record<string, string>): string {
    if (key !== null) {
      const fingerprint = JSON.stringify(email);
      const seen = byKey.get(key);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          throw new Rejection(
            409,
            "invalid_idempotent_request",
            "Same idempotency key used with a different request payload.",
          );
        }
        return seen.id;
      }
      const id = crypto.randomUUID();
      byKey.set(key, { fingerprint, id });
      accepted.push({ id, idempotencyKey: key, headers, body: email });
      return id;
    }
    const id = crypto.randomUUID();
    accepted.push({ id, idempotencyKey: null, headers, body: email });
    return id;
  }

  const received = new Map<string, Parameters<ResendStandIn["addReceived"]>[0]>();

  /** Inbound: Resend's GET /emails/receiving/:id (metadata and a signed raw download URL), and that URL. */
  function receiving(request: Request, url: URL): Response | null {
    const raw = url.pathname.match(/^\/raw\/([\w-]+)$/);
    if (raw && request.method === "GET") {
      const email = received.get(raw[1]);
      return email
        ? new Response(email.raw as BodyInit, { headers: { "content-type": "message/rfc822" } })
        : json(404, {});
    }
    const meta = url.pathname.match(/^\/emails\/receiving\/([\w-]+)$/);
    if (!meta || request.method !== "GET") return null;
    if (request.headers.get("authorization") !== `Bearer ${apiKey}`) {
      return json(401, {
        statusCode: 401,
        name: "missing_api_key",
        message: "Missing API key in the authorization header.",
      });
    }
    const email = received.get(meta[1]);
    if (!email) return json(404, { statusCode: 404, name: "not_found", message: "Email not found" });
    return json(200, {
      object: "email",
      id: email.id,
      to: email.to,
      from: email.from,
      created_at: new Date().toISOString(),
      subject: email.subject,
      bcc: null,
      cc: null,
      reply_to: null,
      received_for: email.to,
      html: null,
      text: null,
      headers: null,
      message_id: email.messageId,
      raw: {
        download_url: `${url.origin}/raw/${email.id}`,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
      },
      attachments: [],
    });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const headers = Object.fromEntries(request.headers);
    const text = await request.text();
    requests.push({ method: request.method, path: url.pathname, headers, body: text });
    const inbound = receiving(request, url);
    if (inbound) return inbound;

    const failure = failures[0];
    if (failure) {
      if (--failure.times <= 0) failures.shift();
      if (failure.options.afterAccepting) {
        try {
          const email = checkRequest(request, url, text, apiKey);
          accept(email, idempotencyKey(request), headers);
        } catch {
          // A bad request fails the same way; only the injected answer matters.
        }
      }
      return failureResponse(failure);
    }

    try {
      const email = checkRequest(request, url, text, apiKey);
      const id = accept(email, idempotencyKey(request), headers);
      return json(200, { id });
    } catch (error) {
      if (error instanceof Rejection) {
        return json(error.status, { statusCode: error.status, name: error.code, message: error.message });
      }
      throw error;
    }
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
  const url = `http://127.0.0.1:${server.addr.port}`;
  let closed: Promise<void> | undefined;
  const close = () => closed ??= server.shutdown();

  return {
    url,
    apiKey,
    requests,
    accepted,
    failNext(status, times = 1, headers = {}, options = {}) {
      failures.push({ status, times, headers, options });
    },
    addReceived(email) {
      received.set(email.id, email);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function idempotencyKey(request: Request): string | null {
  return request.headers.get("idempotency-key");
}

function failureResponse({ status, headers, options }: PendingFailure): Response {
  if (typeof options.body === "string") {
    return new Response(options.body, { status, headers: { "content-type": "text/html", ...headers } });
  }
  const fallback = DEFAULT_ERRORS[status] ??
    { name: status >= 500 ? "internal_server_error" : "application_error", message: "Request failed." };
  return json(status, { statusCode: status, ...fallback, ...options.body }, headers);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** Everything Resend checks before taking an email, in its order: route, key, idempotency key, body. */
function checkRequest(request: Request, url: URL, text: string, apiKey: string): ResendEmailBody {
  if (url.pathname !== "/emails") {
    throw new Rejection(404, "not_found", "The requested endpoint does not exist.");
  }
  if (request.method !== "POST") throw new Rejection(405, "method_not_allowed", "Method Not Allowed");
  const auth = request.headers.get("authorization");
  const match = auth?.match(/^Bearer\s+(\S+)$/);
  if (!match) {
    throw new Rejection(
      401,
      "missing_api_key",
      "Missing API key in the authorization header. Include the following header in the request: " +
        "Authorization: Bearer YOUR_API_KEY",
    );
  }
  if (match[1] !== apiKey) throw new Rejection(403, "invalid_api_key", "API key is invalid");
  const key = request.headers.get("idempotency-key");
  if (key !== null && (key.length < 1 || key.length > 256)) {
    throw new Rejection(400, "invalid_idempotency_key", "The key must be between 1-256 chars.");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Rejection(422, "validation_error", "The request body is not valid JSON.");
  }
  return checkEmail(body);
}

function checkEmail(body: unknown): ResendEmailBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid("The request body must be a JSON object.");
  }
  const email = body as Record<string, unknown>;
  if (email.from === undefined || email.from === "") throw missing("from");
  if (typeof email.from !== "string" || !isAddress(email.from)) {
    throw invalid(`Invalid \`from\` field. ${ADDRESS_FORMAT}`);
  }
  if (email.to === undefined || email.to === "" || (Array.isArray(email.to) && email.to.length === 0)) {
    throw missing("to");
  }
  checkAddresses("to", email.to);
  for (const field of ["cc", "bcc", "reply_to"]) {
    if (email[field] !== undefined) checkAddresses(field, email[field]);
  }
  if (email.subject === undefined || email.subject === "") throw missing("subject");
  if (typeof email.subject !== "string") throw invalid("The `subject` field must be a string.");
  for (const field of ["html", "text"]) {
    if (email[field] !== undefined && typeof email[field] !== "string") {
      throw invalid(`The \`${field}\` field must be a string.`);
    }
  }
  if (!email.html && !email.text) throw missing("html` or `text");
  if (email.headers !== undefined) {
    const headers = email.headers;
    if (
      typeof headers !== "object" || headers === null || Array.isArray(headers) ||
      Object.values(headers).some((value) => typeof value !== "string")
    ) {
      throw invalid("The `headers` field must be an object of strings.");
    }
  }
  if (email.attachments !== undefined) {
    if (!Array.isArray(email.attachments)) throw invalid("The `attachments` field must be an array.");
    for (const file of email.attachments as ResendAttachmentBody[]) checkAttachment(file);
    const total = (email.attachments as ResendAttachmentBody[]).reduce(
      (sum, file) => sum + (file.content?.length ?? 0),
      0,
    );
    // The limit is documented; the exact error Resend answers with is not (this one is a stand-in's).
    if (total > MAX_ATTACHMENTS_BASE64) {
      throw new Rejection(422, "validation_error", "Attachments can be at most 40MB per email.");
    }
  }
  return email as unknown as ResendEmailBody;
}

/** Resend's limit on one email's attachments, after Base64 encoding (docs: Send Email, `attachments`). */
const MAX_ATTACHMENTS_BASE64 = 40_000_000;

function checkAttachment(file: ResendAttachmentBody) {
  if (typeof file !== "object" || file === null) {
    throw new Rejection(422, "invalid_attachment", "Each attachment must be an object.");
  }
  if (typeof file.content !== "string" && typeof file.path !== "string") {
    throw new Rejection(422, "invalid_attachment", "Attachment must have either a `content` or `path`.");
  }
  if (typeof file.content === "string" && !isBase64(file.content)) {
    throw new Rejection(422, "invalid_attachment", "Attachment `content` must be base64 encoded.");
  }
  if (file.filename !== undefined && typeof file.filename !== "string") {
    throw new Rejection(422, "invalid_attachment", "Attachment `filename` must be a string.");
  }
}

function checkAddresses(field: string, value: unknown) {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((address) => typeof address !== "string" || !isAddress(address))) {
    throw invalid(`Invalid \`${field}\` field. ${ADDRESS_FORMAT}`);
  }
  if (list.length > MAX_RECIPIENTS) {
    throw invalid(`The \`${field}\` field can have at most ${MAX_RECIPIENTS} recipients.`);
  }
}

function isAddress(text: string): boolean {
  const named = text.trim().match(NAMED_ADDRESS);
  return ADDRESS.test(named ? named[1].trim() : text.trim());
}

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function missing(field: string) {
  return new Rejection(422, "missing_required_field", `Missing \`${field}\` field.`);
}

function invalid(message: string) {
  return new Rejection(422, "validation_error", message);
}
