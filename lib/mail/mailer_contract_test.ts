/**
 * One contract for every Mailer adapter, run against the embedded outbox (KV in memory) and Resend (the real
 * SDK against a local stand-in of Resend's HTTP API), then Resend's own wire and error behaviour.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { systemClock } from "../clock/clock.ts";
import { type Mailer, MailerError, type OutgoingEmail } from "./mailer.ts";
import { getOutboxEntry, listOutbox, OutboxMailer, readOutboxAttachment } from "./outbox.ts";
import { DEFAULT_RATE_LIMIT_WAIT_MS, refusalSummary, ResendMailer } from "./resend.ts";
import { type ResendStandIn, startResendStandIn } from "../../tests/standins/resend_standin.ts";

const TEAM = "01JTEAMCONTRACT0000000000A";

/** What a recipient would get, read back from wherever the adapter put it. */
interface DeliveredEmail {
  providerId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; content: Uint8Array }[];
}

interface MailerFixture extends AsyncDisposable {
  mailer: Mailer;
  delivered(): Promise<DeliveredEmail[]>;
}

type FixtureFactory = () => Promise<MailerFixture>;

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: "Ada Lovelace <ada@beacon.test>",
    to: ["grace@example.com"],
    cc: [],
    bcc: [],
    subject: "Quarterly numbers",
    html: "<p>Hello Grace</p>",
    text: "Hello Grace",
    headers: { "Message-ID": "<01JMSG@beacon.test>" },
    attachments: [],
    ...overrides,
  };
}

function bytes(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return out;
}

const list = (value: string | string[] | undefined) =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

// ---------------------------------------------------------------------------------------------------------
// Fixtures

const outboxFixture: FixtureFactory = async () => {
  const kv = await Deno.openKv(":memory:");
  return {
    mailer: new OutboxMailer(kv, systemClock),
    async delivered() {
      const entries = await listOutbox(kv, TEAM);
      const out: DeliveredEmail[] = [];
      for (const { id } of entries.reverse()) {
        const entry = (await getOutboxEntry(kv, TEAM, id))!;
        const attachments = [];
        for (const [index, meta] of entry.attachments.entries()) {
          attachments.push({
            filename: meta.filename,
            contentType: meta.contentType,
            content: await readOutboxAttachment(kv, entry, index),
          });
        }
        out.push({
          providerId: entry.id,
          from: entry.from,
          to: entry.to,
          cc: entry.cc,
          bcc: entry.bcc,
          replyTo: entry.replyTo,
          subject: entry.subject,
          html: entry.html,
          text: entry.text,
          headers: entry.headers,
          attachments,
        });
      }
      return out;
    },
    [Symbol.asyncDispose]() {
      kv.close();
      return Promise.resolve();
    },
  };
};

const resendFixture: FixtureFactory = () => {
  const standIn = startResendStandIn();
  return Promise.resolve({
    mailer: new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url }),
    delivered: () => Promise.resolve(standIn.accepted.map(fromResendRequest)),
    [Symbol.asyncDispose]: () => standIn.close(),
  });
};

function fromResendRequest({ id, body }: ResendStandIn["accepted"][number]): DeliveredEmail {
  return {
    providerId: id,
    from: body.from,
    to: list(body.to),
    cc: list(body.cc),
    bcc: list(body.bcc),
    replyTo: list(body.reply_to)[0],
    subject: body.subject,
    html: body.html ?? "",
    text: body.text ?? "",
    headers: body.headers ?? {},
    attachments: (body.attachments ?? []).map((file) => ({
      filename: file.filename ?? "",
      contentType: file.content_type ?? "",
      content: new Uint8Array(Buffer.from(file.content ?? "", "base64")),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The contract

function mailerContract(label: string, makeFixture: FixtureFactory) {
  const test = (name: string, fn: (fixture: MailerFixture) => Promise<void>) =>
    Deno.test(`mailer contract (${label}) - ${name}`, async () => {
      await using fixture = await makeFixture();
      await fn(fixture);
    });

  test("send returns a providerId", async ({ mailer, delivered }) => {
    const { providerId } = await mailer.send(email(), { teamId: TEAM, idempotencyKey: "send-1" });
    assert.equal(typeof providerId, "string");
    assert.ok(providerId.length > 0);
    const emails = await delivered();
    assert.equal(emails.length, 1);
    assert.equal(emails[0].providerId, providerId);
  });

  test("same idempotency key sends once", async ({ mailer, delivered }) => {
    const options = { teamId: TEAM, idempotencyKey: "campaign-42:contact-7" };
    const first = await mailer.send(email(), options);
    const second = await mailer.send(email(), options);
    assert.equal(second.providerId, first.providerId);
    const emails = await delivered();
    assert.equal(emails.length, 1);
    assert.equal(emails[0].providerId, first.providerId);
  });

  test("different idempotency keys send twice", async ({ mailer, delivered }) => {
    const a = await mailer.send(email(), { teamId: TEAM, idempotencyKey: "key-a" });
    const b = await mailer.send(email(), { teamId: TEAM, idempotencyKey: "key-b" });
    assert.notEqual(a.providerId, b.providerId);
    const emails = await delivered();
    assert.deepEqual(emails.map((e) => e.providerId).sort(), [a.providerId, b.providerId].sort());
  });

  test("addresses, subject, bodies, headers and reply-to arrive intact", async ({ mailer, delivered }) => {
    const sent = email({
      to: ["grace@example.com", "Alan Turing <alan@example.com>"],
      cc: ["cc1@example.com", "cc2@example.com"],
      bcc: ["audit@beacon.test"],
      replyTo: "reply+tok_123@beacon.test",
      subject: "Re: Quarterly numbers — ✓",
      html: '<p>Hello <b>Grace</b> <img src="https://beacon.test/t/abc.gif" alt=""></p>',
      text: "Hello Grace\n\n— Ada",
      headers: {
        "Message-ID": "<01JMSGXYZ@beacon.test>",
        "In-Reply-To": "<CAF=abc@mail.gmail.com>",
        "References": "<CAF=abc@mail.gmail.com>",
        "X-Beacon-Message": "01JMSGXYZ",
      },
    });
    const { providerId } = await mailer.send(sent, { teamId: TEAM, idempotencyKey: "fields" });
    const [got] = await delivered();
    assert.deepEqual(got, { ...sent, providerId, attachments: [] });
  });

  test("attachments arrive intact", async ({ mailer, delivered }) => {
    const small = new Uint8Array(256).map((_, i) => i);
    const large = bytes(200_000);
    const sent = email({
      attachments: [
        { filename: "all-bytes.bin", contentType: "application/octet-stream", content: small },
        { filename: "report (final).pdf", contentType: "application/pdf", content: large },
        // A view into a larger buffer: only its own bytes may travel.
        { filename: "notes.txt", contentType: "text/plain", content: bytes(1000, 3).subarray(100, 160) },
      ],
    });
    await mailer.send(sent, { teamId: TEAM, idempotencyKey: "attachments" });
    const [got] = await delivered();
    assert.deepEqual(
      got.attachments.map((a) => ({ ...a, content: [...a.content] })),
      sent.attachments.map((a) => ({ ...a, content: [...a.content] })),
    );
  });
}

mailerContract("outbox", outboxFixture);
mailerContract("resend", resendFixture);

// ---------------------------------------------------------------------------------------------------------
// Resend: the wire and the errors

async function sendError(promise: Promise<unknown>): Promise<MailerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MailerError, `expected a MailerError, got ${error}`);
    return error;
  }
  assert.fail("expected the send to fail");
}

Deno.test("resend - request carries the bearer key, the idempotency key and Resend's field names", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  const content = bytes(300);
  await mailer.send(
    email({
      cc: ["cc@example.com"],
      replyTo: "reply@beacon.test",
      attachments: [{ filename: "a.bin", contentType: "application/octet-stream", content }],
    }),
    { teamId: TEAM, idempotencyKey: "wire-1" },
  );
  assert.equal(standIn.requests.length, 1);
  const [request] = standIn.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/emails");
  assert.equal(request.headers["authorization"], `Bearer ${standIn.apiKey}`);
  assert.equal(request.headers["idempotency-key"], "wire-1");
  assert.match(request.headers["content-type"], /^application\/json/);
  const body = JSON.parse(request.body);
  assert.deepEqual(body.reply_to, "reply@beacon.test");
  assert.equal(body.replyTo, undefined);
  assert.deepEqual(body.attachments, [{
    filename: "a.bin",
    content: Buffer.from(content).toString("base64"),
    content_type: "application/octet-stream",
  }]);
  assert.equal("bcc" in body, false, "empty lists are left out");
});

Deno.test("resend - a given baseUrl wins over RESEND_BASE_URL and a trailing slash is fine", async () => {
  await using standIn = startResendStandIn();
  const previous = Deno.env.get("RESEND_BASE_URL");
  Deno.env.set("RESEND_BASE_URL", "http://127.0.0.1:9");
  try {
    const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: `${standIn.url}/` });
    await mailer.send(email(), { teamId: TEAM, idempotencyKey: "base-url" });
  } finally {
    if (previous === undefined) Deno.env.delete("RESEND_BASE_URL");
    else Deno.env.set("RESEND_BASE_URL", previous);
  }
  assert.equal(standIn.accepted.length, 1);
  assert.equal(standIn.requests[0].path, "/emails");
});

Deno.test("resend - a 422 is a final MailerError carrying the provider's reason", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  const error = await sendError(
    mailer.send(email({ to: ["not-an-address"] }), { teamId: TEAM, idempotencyKey: "bad-to" }),
  );
  assert.equal(error.retryable, false);
  assert.equal(error.retryAfterMs, undefined);
  assert.match(error.message, /^Resend rejected the email: Invalid `to` field\. The email address needs/);
  assert.match(error.message, /\(422 validation_error\)$/);
  assert.equal(error.summary, "address rejected");
  assert.equal(standIn.accepted.length, 0);
});

Deno.test("resend - a missing body is a final MailerError naming the missing field", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  const error = await sendError(
    mailer.send(email({ html: "", text: "" }), { teamId: TEAM, idempotencyKey: "no-body" }),
  );
  assert.equal(error.retryable, false);
  assert.match(error.message, /Missing `html` or `text` field/);
});

Deno.test("resend - attachments over Resend's 40 MB (after Base64) are refused before sending, and final", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  const file = (bytes: number) => ({
    filename: "deck.pdf",
    contentType: "application/pdf",
    content: new Uint8Array(bytes),
  });
  // 30,000,000 bytes encode to exactly 40,000,000: still taken.
  await mailer.send(email({ attachments: [file(15_000_000), file(15_000_000)] }), {
    teamId: TEAM,
    idempotencyKey: "at-limit",
  });
  assert.equal(standIn.accepted.length, 1);
  const error = await sendError(
    mailer.send(email({ attachments: [file(15_000_000), file(15_000_003)] }), {
      teamId: TEAM,
      idempotencyKey: "over",
    }),
  );
  assert.equal(error.retryable, false);
  assert.equal(error.summary, "attachments too large");
  assert.match(error.message, /at most 40 MB/);
  assert.equal(standIn.requests.length, 1, "nothing was sent for the second");
});

Deno.test("resend - a wrong API key is final and the key is not in the message", async () => {
  await using standIn = startResendStandIn();
  const key = "re_wrong_SECRET_1234567890";
  const mailer = new ResendMailer({ apiKey: key, baseUrl: standIn.url });
  const error = await sendError(mailer.send(email(), { teamId: TEAM, idempotencyKey: "wrong-key" }));
  assert.equal(error.retryable, false);
  assert.match(error.message, /API key is invalid \(403 invalid_api_key\)/);
  assert.equal(error.summary, "API key refused");
  assert.equal(standIn.requests[0].headers["authorization"], `Bearer ${key}`);
  assert.equal(standIn.accepted.length, 0);
});

Deno.test("resend - a 429 with retry-after is retryable after that many seconds", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  standIn.failNext(429, 1, { "retry-after": "3", "ratelimit-reset": "1" });
  const options = { teamId: TEAM, idempotencyKey: "rate-limited" };
  const error = await sendError(mailer.send(email(), options));
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterMs, 3000);
  assert.match(error.message, /^Resend is rate limiting: Too many requests\./);
  assert.equal(error.summary, "rate limited by Resend");
  assert.match(error.message, /\(429 rate_limit_exceeded\)$/);
  // The retry with the same key goes through, once.
  const { providerId } = await mailer.send(email(), options);
  assert.deepEqual(standIn.accepted.map((e) => e.id), [providerId]);
});

Deno.test("resend - a 429 without retry-after waits ratelimit-reset, else the default", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  standIn.failNext(429, 1, { "ratelimit-reset": "2" });
  standIn.failNext(429, 1);
  const options = { teamId: TEAM, idempotencyKey: "rate-limited-2" };
  assert.equal((await sendError(mailer.send(email(), options))).retryAfterMs, 2000);
  const bare = await sendError(mailer.send(email(), options));
  assert.equal(bare.retryable, true);
  assert.equal(bare.retryAfterMs, DEFAULT_RATE_LIMIT_WAIT_MS);
});

Deno.test("resend - a monthly quota 429 is final", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  standIn.failNext(429, 1, {}, {
    body: { name: "monthly_quota_exceeded", message: "You have reached your monthly email quota." },
  });
  const error = await sendError(mailer.send(email(), { teamId: TEAM, idempotencyKey: "quota" }));
  assert.equal(error.retryable, false);
  assert.match(error.message, /monthly email quota/);
  assert.equal(error.summary, "sending quota reached");
});

Deno.test("resend - a 500 is retryable, and a retry after a lost response sends once", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  standIn.failNext(500, 1, {}, { afterAccepting: true });
  const options = { teamId: TEAM, idempotencyKey: "outage" };
  const error = await sendError(mailer.send(email(), options));
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterMs, undefined);
  assert.match(error.message, /^Resend could not take the email now: An unexpected error occurred\./);
  const { providerId } = await mailer.send(email(), options);
  assert.deepEqual(standIn.accepted.map((e) => e.id), [providerId]);
});

Deno.test("resend - a 502 page that is not JSON is retryable", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  standIn.failNext(502, 1, {}, { body: "<html><body>Bad Gateway</body></html>" });
  const error = await sendError(mailer.send(email(), { teamId: TEAM, idempotencyKey: "gateway" }));
  assert.equal(error.retryable, true);
  assert.match(error.message, /\(502 application_error\)$/);
});

Deno.test("resend - the same key with a different payload is final", async () => {
  await using standIn = startResendStandIn();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  const options = { teamId: TEAM, idempotencyKey: "changed" };
  await mailer.send(email(), options);
  const error = await sendError(
    mailer.send(email({ headers: { "Message-ID": "<regenerated@beacon.test>" } }), options),
  );
  assert.equal(error.retryable, false);
  assert.match(error.message, /different request payload\. \(409 invalid_idempotent_request\)$/);
  assert.equal(standIn.accepted.length, 1);
});

Deno.test("resend - an unreachable API is a retryable network failure", async () => {
  const standIn = startResendStandIn();
  await standIn.close();
  const mailer = new ResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  const error = await sendError(mailer.send(email(), { teamId: TEAM, idempotencyKey: "offline" }));
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterMs, undefined);
  assert.match(error.message, /^Resend could not be reached: Unable to fetch data/);
  assert.equal(error.summary, "Resend unreachable");
});

Deno.test("resend - a request that outlives timeoutMs is a retryable failure", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn); // Never answers.
  })();
  try {
    const mailer = new ResendMailer({
      apiKey: "re_timeout_key",
      baseUrl: `http://127.0.0.1:${listener.addr.port}`,
      timeoutMs: 100,
    });
    const error = await sendError(mailer.send(email(), { teamId: TEAM, idempotencyKey: "slow" }));
    assert.equal(error.retryable, true);
    assert.equal(error.message, "Resend did not answer within 100 ms");
  } finally {
    listener.close();
    for (const conn of held) conn.close();
    await accepting.catch(() => {});
  }
});

Deno.test("resend - the API key never appears in errors or in the mailer", async () => {
  await using standIn = startResendStandIn({ apiKey: "re_live_SUPERSECRET_abcdef123456" });
  const key = standIn.apiKey;
  const mailer = new ResendMailer({ apiKey: key, baseUrl: standIn.url });
  // A provider (or proxy) that echoes the key back in its error.
  standIn.failNext(401, 1, {}, {
    body: { name: "restricted_api_key", message: `The key ${key} is restricted.` },
  });
  standIn.failNext(500, 1, {}, { body: { message: `upstream said: Bearer ${key}` } });
  const errors = [
    await sendError(mailer.send(email(), { teamId: TEAM, idempotencyKey: "leak-1" })),
    await sendError(mailer.send(email(), { teamId: TEAM, idempotencyKey: "leak-2" })),
    await sendError(mailer.send(email({ to: ["nope"] }), { teamId: TEAM, idempotencyKey: "leak-3" })),
  ];
  assert.equal(errors[0].retryable, false);
  assert.match(errors[0].message, /The key \[redacted API key\] is restricted\./);
  assert.equal(errors[1].retryable, true);
  for (const error of errors) {
    for (
      const text of [
        error.message,
        String(error),
        error.stack ?? "",
        Deno.inspect(error),
        JSON.stringify(error),
      ]
    ) {
      assert.equal(text.includes(key), false, `key leaked in: ${text}`);
    }
  }
  assert.equal(Deno.inspect(mailer, { depth: 10, showHidden: true }).includes(key), false);
  assert.equal(JSON.stringify(mailer).includes(key), false);
  assert.throws(() => new ResendMailer({ apiKey: "" }), /needs an API key/);
});

Deno.test("resend - a refusal's summary says in a few words what was refused", () => {
  const cases: [string | undefined, string, string][] = [
    ["validation_error", "The `to` field contains an address the provider refuses.", "address rejected"],
    [
      "validation_error",
      "Invalid `cc` field. The email address needs to follow the format.",
      "address rejected",
    ],
    [
      "validation_error",
      "Invalid `from` field. The email address needs to follow the format.",
      "sender address rejected",
    ],
    [
      "validation_error",
      "The gmail.com domain is not verified. Please, add and verify your domain on https://resend.com/domains",
      "sending domain not verified",
    ],
    ["invalid_from_address", "Invalid from address.", "sender address rejected"],
    ["restricted_api_key", "This API key is restricted to only send emails.", "API key refused"],
    ["monthly_quota_exceeded", "You have reached your monthly email quota.", "sending quota reached"],
    ["invalid_attachment", "Attachment must have either a content or path.", "attachment rejected"],
    ["missing_required_field", "Missing `html` or `text` field.", "rejected by Resend"],
    [undefined, "{}", "rejected by Resend"],
  ];
  for (const [name, message, summary] of cases) assert.equal(refusalSummary(name, message), summary, message);
});
