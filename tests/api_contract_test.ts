/**
 * The OpenAPI document as a checked contract. One realistic scenario runs through the real app and calls
 * every operation the document lists, with the errors clients meet (400 naming the fields, 401, 403, 404,
 * 409) beside the successes. Each answer must be one its operation documents: the status code, the content
 * type, and the body against that status's JSON schema, made strict here (no property the schema doesn't
 * list; `allOf` extensions merged first, so an extended schema's own properties count). Each JSON request
 * body the app accepts must also match the documented request schema, and each documented example its own
 * schema. An operation the scenario doesn't call fails the test: a new endpoint comes with its case here.
 */
import assert from "node:assert/strict";
import { type Schema, Validator } from "@cfworker/json-schema";
import { ManualClock } from "../lib/clock/clock.ts";
import { plainReply } from "../lib/inbound/fixtures/mime.ts";
import { threadOf } from "./helpers/replies.ts";
import { MailerError } from "../lib/mail/mailer.ts";
import { api as apiRouter } from "../routes/api/mod.ts";
import { makeTestApp, type TestApp } from "./helpers/app.ts";
import { type BrowserClient, Client } from "./helpers/client.ts";
import { outbox, outboxAfter, trackingPaths } from "./helpers/mail.ts";
import { personRequest } from "./helpers/people.ts";
import { standinEnv, startSupabaseStandin } from "./standins/supabase_standin.ts";

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Schema;
}
interface Operation {
  key: string;
  method: string;
  path: string;
  pattern: RegExp;
  params: number;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

/** Who calls: a signed-in browser (cookie and CSRF header), an API token, or nobody. */
type Caller = BrowserClient | { token: string } | null;
/** A body that isn't JSON: the bytes and their type. */
interface Raw {
  raw: BodyInit;
  type: string;
}

/** The component schemas made strict: `allOf` of objects merged into one object, no unlisted properties. */
function strictComponents(schemas: Record<string, Schema>): Record<string, Schema> {
  const byRef = (schema: Schema): Schema =>
    schema.$ref ? schemas[schema.$ref.replace("#/components/schemas/", "")] : schema;
  const strict = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strict);
    if (!node || typeof node !== "object") return node;
    const schema = node as Schema;
    if (schema.allOf) {
      const { allOf, ...rest } = schema;
      const parts = allOf.map((part) => strict(byRef(part)) as Schema);
      return {
        ...rest,
        type: "object",
        properties: Object.assign({}, ...parts.map((p) => p.properties)),
        required: parts.flatMap((p) => p.required ?? []),
        additionalProperties: false,
      };
    }
    const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, strict(v)])) as Schema;
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  return Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, strict(s) as Schema]));
}

/** Keywords whose errors only say that an error is inside. */
const WRAPPERS = new Set(["$ref", "allOf", "anyOf", "oneOf", "properties", "items", "false"]);

class Contract {
  readonly problems: string[] = [];
  /** The keys ("GET /me") of the operations called. */
  readonly called = new Set<string>();
  readonly operations: Operation[] = [];
  private validators = new Map<Schema, Validator>();
  private components: { schemas: Record<string, Schema> };

  private constructor(
    private t: TestApp,
    private doc: { paths: Record<string, Json>; components: { schemas: Record<string, Schema> } },
  ) {
    this.components = { schemas: strictComponents(doc.components.schemas) };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods as Record<string, Operation>)) {
        const params = path.match(/\{\w+\}/g)?.length ?? 0;
        const pattern = new RegExp(`^${path.replaceAll(/\{\w+\}/g, "[^/]+")}$`);
        const key = `${method.toUpperCase()} ${path}`;
        this.operations.push({ ...op, key, method: method.toUpperCase(), path, pattern, params });
      }
    }
  }

  static async load(t: TestApp): Promise<Contract> {
    return new Contract(t, await (await t.app.request("/api/openapi.json")).json());
  }

  /** Checks a value against a schema of the document (its $refs resolved in the strict components). */
  validate(schema: Schema, value: unknown): string | null {
    let validator = this.validators.get(schema);
    if (!validator) {
      const root = strictComponents({ root: schema }).root;
      validator = new Validator({ ...root, components: this.components }, "2020-12", false);
      this.validators.set(schema, validator);
    }
    const { valid, errors } = validator.validate(value);
    if (valid) return null;
    // The innermost errors say what is wrong; those of the schemas around them only that something inside is.
    return errors.filter((e) => !WRAPPERS.has(e.keyword)).map((e) => `${e.instanceLocation}: ${e.error}`)
      .join("; ") || errors[0].error;
  }

  /** Calls `method path` as `who`, expecting `expected`; checks the answer against the document. */
  async call(
    who: Caller,
    method: string,
    path: string,
    expected: number,
    body?: unknown,
    // deno-lint-ignore no-explicit-any
  ): Promise<any> {
    const [pathname] = path.split("?");
    const ops = this.operations.filter((o) => o.key.startsWith(`${method} `) && o.pattern.test(pathname));
    const op = ops.sort((a, b) => a.params - b.params)[0];
    assert.ok(op, `${method} ${pathname} is not in the document`);
    const raw = body !== undefined && typeof body === "object" && body !== null && "raw" in body
      ? body as Raw
      : null;
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = raw ? raw.type : "application/json";
    const init: RequestInit = {
      method,
      body: raw ? raw.raw : body === undefined ? undefined : JSON.stringify(body),
      headers,
    };
    let response: Response;
    if (who && "token" in who) {
      headers.authorization = `Bearer ${who.token}`;
      response = await this.t.app.request(`http://beacon.test/api${path}`, init);
    } else if (who) {
      headers["x-csrf-token"] = await who.csrfToken();
      response = await who.request(`/api${path}`, init);
    } else {
      response = await this.t.app.request(`http://beacon.test/api${path}`, init);
    }
    const text = await response.text();
    const where = `${op.key} → ${response.status}`;
    assert.equal(response.status, expected, `${method} ${path}: ${text.slice(0, 300)}`);
    this.called.add(op.key);

    const documented = op.responses[String(response.status)];
    if (!documented) {
      this.problems.push(`${where}: status not documented (${Object.keys(op.responses).join(", ")})`);
      return text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
    }
    const type = response.headers.get("content-type")?.split(";")[0].trim() ?? "";
    const media = Object.entries(documented.content ?? {}).find(([range]) =>
      range === type || range === "*/*" || (range.endsWith("/*") && type.startsWith(range.slice(0, -1)))
    );
    if (!text) {
      if (media) this.problems.push(`${where}: documents ${media[0]}, answered with no body`);
    } else if (!media) {
      this.problems.push(
        `${where}: answered ${type || "no type"}, documents ${
          Object.keys(documented.content ?? {}).join(", ") || "no body"
        }`,
      );
    } else if (type === "application/json") {
      const json = JSON.parse(text);
      const error = media[1].schema ? this.validate(media[1].schema, json) : "no schema documented";
      if (error) this.problems.push(`${where}: ${error}`);
      if (response.status === 400 && body !== undefined && !raw && !json.error?.fields) {
        this.problems.push(`${where}: a 400 for a JSON body names no field`);
      }
    }
    if (expected < 300 && body !== undefined && !raw) {
      const schema = op.requestBody?.content["application/json"]?.schema;
      const error = schema ? this.validate(schema, body) : "the request body is not documented";
      if (error) this.problems.push(`${op.key} request ${JSON.stringify(body).slice(0, 120)}: ${error}`);
    }
    return type === "application/json" && text ? JSON.parse(text) : text;
  }

  /** The documented example at a path under the component schemas, e.g. "AlarmInput/properties/at". */
  example(path: string): unknown {
    // deno-lint-ignore no-explicit-any
    const found = path.split("/").reduce((node: any, key) => node?.[key], this.doc.components.schemas);
    assert.ok(found && "example" in found, `${path} has no example`);
    return found.example;
  }

  /** Fails with every answer that doesn't match the document. */
  assertKept(): void {
    assert.ok(
      this.problems.length === 0,
      `answers that don't match the document:\n${this.problems.join("\n")}`,
    );
  }

  /**
   * No component schema is itself nullable (null belongs where a schema is used: a nullable component makes
   * every use of it, a whole answer, nullable), and every `example` matches the schema it sits in.
   */
  checkDocument(): void {
    for (const [name, schema] of Object.entries(this.doc.components.schemas)) {
      if ([schema.type].flat().includes("null")) this.problems.push(`component ${name} is nullable itself`);
    }
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== "object") return;
      const schema = node as Schema & { example?: unknown };
      if (schema.example !== undefined && (schema.type || schema.anyOf || schema.oneOf)) {
        const { example, ...rest } = schema;
        const error = this.validate(rest, example);
        if (error) this.problems.push(`example at ${at}: ${error}`);
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    };
    walk(this.doc, "#");
  }
}

const start = Date.parse("2026-03-02T09:00:00Z");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const MISSING = "01JZZZZZZZZZZZZZZZZZZZZZZZ";

Deno.test("api contract - every operation answers as the OpenAPI document says", async () => {
  await using t = await makeTestApp({
    clock: new ManualClock(start),
    env: { BEACON_MAX_ATTACHMENT_MB: "1" },
    mailer: outboxAfter((email) => {
      if (email.to.some((a) => a.endsWith("@bounce.example"))) {
        throw new MailerError("550 5.1.1 The email account does not exist", false, {
          summary: "address rejected",
        });
      }
    }),
  });
  const api = await Contract.load(t);
  api.checkDocument();
  const ana = new Client(t);
  const me = await ana.signUp({ name: "Ana Lima", email: "ana@acme.example" });

  // --- You, your tokens, your team
  await api.call(null, "GET", "/me", 401);
  await api.call(ana, "GET", "/me", 200);
  await api.call(ana, "PATCH", "/me", 400, { timeZone: "Mars/Olympus_Mons" });
  await api.call(ana, "PATCH", "/me", 200, {
    name: "Ana Lima",
    timeZone: api.example("ProfileInput/properties/timeZone"),
  });
  await api.call(ana, "GET", "/me/notifications", 200);
  await api.call(ana, "PATCH", "/me/notifications", 400, { email: "weekly" });
  await api.call(ana, "PATCH", "/me/notifications", 200, { email: "digest", browser: true });

  await api.call(ana, "POST", "/tokens", 400, { name: "" });
  const created = await api.call(ana, "POST", "/tokens", 201, { name: "CRM sync" });
  const bot = { token: created.secret as string };
  await api.call(bot, "GET", "/tokens", 200);
  await api.call({ token: "bcn_not-a-token" }, "GET", "/tokens", 401);

  await api.call(ana, "GET", "/team/settings", 200);
  await api.call(ana, "PATCH", "/team/settings", 400, { retentionDays: 5 });
  await api.call(ana, "PATCH", "/team/settings", 200, {
    followByDefault: true,
    retentionDays: 365,
    businessHours: api.example("TeamSettingsInput/properties/businessHours"),
  });

  await api.call(ana, "POST", "/invites", 400, { email: "nope", role: "owner" });
  await api.call(ana, "POST", "/invites", 409, { email: "ana@acme.example" });
  const invite = await api.call(ana, "POST", "/invites", 201, { email: "ben@acme.example" });
  const extra = await api.call(ana, "POST", "/invites", 201, { email: "cy@acme.example", role: "admin" });
  await api.call(ana, "GET", "/invites", 200);
  await api.call(ana, "DELETE", `/invites/${extra.invite.id}`, 204);
  await api.call(ana, "DELETE", `/invites/${extra.invite.id}`, 404);
  const ben = new Client(t, "203.0.113.8");
  const joined = await ben.form(new URL(invite.url).pathname, {
    name: "Ben Costa",
    password: "another good password",
  });
  assert.equal(joined.status, 303);
  const benId = (await api.call(ben, "GET", "/me", 200)).user.id as string;

  await api.call(ana, "GET", "/members", 200);
  await api.call(ana, "GET", `/members/${benId}`, 200);
  await api.call(ana, "GET", `/members/${MISSING}`, 404);
  await api.call(ben, "GET", "/invites", 403);
  await api.call(ben, "POST", "/invites", 403, { email: "dee@acme.example" });
  await api.call(ben, "DELETE", `/invites/${invite.invite.id}`, 403);
  await api.call(ben, "PATCH", "/team/settings", 403, { trackingNotice: true });
  await api.call(ben, "PATCH", `/members/${me.user.id}`, 403, { role: "member" });
  await api.call(ana, "PATCH", `/members/${benId}`, 400, { role: "owner" });
  await api.call(ana, "PATCH", `/members/${me.user.id}`, 409, { role: "member" });
  await api.call(ana, "PATCH", `/members/${benId}`, 200, { role: "member" });
  await api.call(ana, "PATCH", `/members/${MISSING}`, 404, { role: "member" });

  // --- Companies and contacts
  await api.call(ana, "POST", "/companies", 400, { name: "", domain: "not a domain" });
  const globex = await api.call(ana, "POST", "/companies", 201, { name: "Globex", domain: "globex.example" });
  await api.call(ana, "POST", "/companies", 409, { name: "GLOBEX" });
  const initech = await api.call(ana, "POST", "/companies", 201, { name: "Initech" });
  await api.call(ana, "GET", "/companies?q=glo", 200);
  await api.call(ana, "GET", "/companies?limit=0", 400);
  await api.call(ana, "GET", `/companies/${globex.id}`, 200);
  await api.call(ana, "GET", `/companies/${MISSING}`, 404);
  await api.call(ana, "PATCH", `/companies/${globex.id}`, 400, { domain: "nope" });
  await api.call(ana, "PATCH", `/companies/${globex.id}`, 200, { industry: "Manufacturing" });
  await api.call(ana, "PATCH", `/companies/${initech.id}`, 409, { name: "globex" });

  await api.call(ana, "POST", "/contacts", 400, { firstName: "", email: "ken@" });
  const ken = await api.call(ana, "POST", "/contacts", 201, {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    companyId: globex.id,
    title: "Head of Sales",
    timeZone: "Asia/Tokyo",
  });
  await api.call(ana, "POST", "/contacts", 409, { firstName: "Kenji", email: "KEN@globex.example" });
  const lea = await api.call(ben, "POST", "/contacts", 201, {
    firstName: "Lea",
    email: "lea@initech.example",
    companyName: "Initech",
    timeZone: api.example("ContactInput/properties/timeZone"),
    businessHours: api.example("ContactInput/properties/businessHours"),
  });
  const zed = await api.call(ana, "POST", "/contacts", 201, {
    firstName: "Zed",
    email: "zed@bounce.example",
  });
  await api.call(ana, "GET", "/contacts?q=sato", 200);
  await api.call(ana, "GET", "/contacts?limit=5000", 400);
  await api.call(ana, "GET", `/contacts/${ken.id}`, 200);
  await api.call(ana, "GET", `/contacts/${MISSING}`, 404);
  await api.call(ana, "PATCH", `/contacts/${ken.id}`, 400, { phone: "call me" });
  await api.call(ana, "PATCH", `/contacts/${ken.id}`, 200, { title: "VP Sales", phone: "+81 3 1234 5678" });
  await api.call(ana, "PATCH", `/contacts/${lea.id}`, 409, { email: "ken@globex.example" });
  await api.call(ana, "GET", `/companies/${globex.id}/contacts`, 200);
  await api.call(ana, "GET", `/companies/${MISSING}/contacts`, 404);
  await api.call(ana, "DELETE", `/companies/${globex.id}`, 409);
  const spare = await api.call(ana, "POST", "/companies", 201, {
    name: "Umbrella",
    domain: api.example("CompanyInput/properties/domain"),
  });
  await api.call(ana, "DELETE", `/companies/${spare.id}`, 204);
  await api.call(ana, "DELETE", `/companies/${spare.id}`, 404);
  await api.call(ben, "DELETE", `/contacts/${zed.id}`, 403);

  // --- A draft with an attachment and an alarm, sent and opened
  await api.call(ana, "POST", "/messages", 400, { to: ["not an address"] });
  const draft = await api.call(ana, "POST", "/messages", 201, {
    to: ["ken@globex.example"],
    subject: "Proposal for Q3",
    html: '<p>Hi Ken, see <a href="https://example.com/pricing">our pricing</a>.</p>',
    regarding: { type: "contact", id: ken.id },
  });
  await api.call(ana, "PATCH", `/messages/${draft.id}`, 400, { cc: ["nope"] });
  await api.call(ben, "PATCH", `/messages/${draft.id}`, 403, { subject: "Mine now" });
  await api.call(ana, "PATCH", `/messages/${draft.id}`, 200, { subject: "Proposal for Q3, with pricing" });
  const drafts = await api.call(ana, "GET", "/drafts", 200);
  assert.deepEqual(drafts.items.map((m: { id: string; subject: string }) => [m.id, m.subject]), [
    [draft.id, "Proposal for Q3, with pricing"],
  ]);
  assert.deepEqual((await api.call(ben, "GET", "/drafts", 200)).items, [], "a sender's own drafts only");
  await api.call(ana, "GET", `/messages/${draft.id}/advice`, 200);
  await api.call(ana, "GET", `/messages/${draft.id}/advice?at=-5`, 400);
  await api.call(ana, "GET", `/messages/${MISSING}/advice`, 404);

  const pdf = { raw: new TextEncoder().encode("%PDF-1.4 a proposal"), type: "application/pdf" };
  await api.call(ana, "POST", `/messages/${draft.id}/attachments`, 400, pdf);
  const file = await api.call(
    ana,
    "POST",
    `/messages/${draft.id}/attachments?filename=proposal.pdf`,
    201,
    pdf,
  );
  const notes = await api.call(ana, "POST", `/messages/${draft.id}/attachments?filename=notes.txt`, 201, {
    raw: "remove me",
    type: "text/plain",
  });
  await api.call(ana, "PATCH", `/messages/${draft.id}/attachments/${file.blobId}`, 400, { followed: "yes" });
  await api.call(ana, "PATCH", `/messages/${draft.id}/attachments/${file.blobId}`, 200, { followed: false });
  await api.call(ana, "GET", `/messages/${draft.id}/attachments/${file.blobId}`, 200);
  await api.call(ana, "GET", `/messages/${draft.id}/attachments/${MISSING}`, 404);
  await api.call(ana, "POST", `/messages/${draft.id}/attachments?filename=big.bin`, 413, {
    raw: new Uint8Array(1024 * 1024 + 1),
    type: "application/octet-stream",
  });
  await api.call(ana, "DELETE", `/messages/${draft.id}/attachments/${notes.blobId}`, 204);
  await api.call(ana, "DELETE", `/messages/${draft.id}/attachments/${notes.blobId}`, 404);

  await api.call(ana, "POST", `/messages/${draft.id}/alarms`, 400, {
    condition: "no_reply",
    at: "2026-03-04 09:00",
  });
  const alarm = await api.call(ana, "POST", `/messages/${draft.id}/alarms`, 201, {
    condition: "no_reply",
    at: api.example("AlarmInput/properties/at"),
  });
  const reminder = await api.call(ana, "POST", `/messages/${draft.id}/alarms`, 201, {
    condition: "reminder",
    at: start + 2 * DAY,
    comment: "Check the pricing page visits",
  });
  await api.call(ana, "GET", `/messages/${draft.id}/alarms`, 200);
  await api.call(ana, "GET", `/messages/${MISSING}/alarms`, 404);
  await api.call(ana, "PATCH", `/alarms/${alarm.id}`, 400, { at: "soon" });
  await api.call(ana, "PATCH", `/alarms/${alarm.id}`, 200, { comment: "Call if silent" });
  await api.call(ana, "DELETE", `/alarms/${reminder.id}`, 204);
  await api.call(ana, "DELETE", `/alarms/${reminder.id}`, 404);

  await api.call(ben, "POST", `/messages/${draft.id}/send`, 403);
  const sent = await api.call(ana, "POST", `/messages/${draft.id}/send`, 202);
  const sentId = sent.items[0].id as string;
  await api.call(ana, "POST", `/messages/${draft.id}/send`, 409);
  await api.call(ana, "PATCH", `/messages/${sentId}`, 409, { subject: "Too late" });
  await api.call(ana, "POST", `/messages/${MISSING}/send`, 404);
  await t.deps.scheduler.drain();
  t.clock.advance(10 * 60_000);
  const [email] = await outbox(t, me.team.id);
  const { pixel } = trackingPaths(email.html);
  assert.equal((await personRequest(t, pixel!)).status, 200);
  await t.deps.recorder.idle();
  await t.deps.scheduler.drain();

  await api.call(ana, "GET", "/messages", 200);
  await api.call(ana, "GET", "/messages?scope=mine&opened=true&q=proposal", 200);
  await api.call(ana, "GET", "/messages?scope=everyone", 400);
  await api.call(ana, "GET", `/messages/${sentId}`, 200);
  await api.call(ana, "GET", `/messages/${MISSING}`, 404);
  await api.call(ana, "GET", `/messages/${sentId}/events`, 200);
  await api.call(ana, "GET", `/messages/${MISSING}/events`, 404);
  await api.call(ana, "GET", `/contacts/${ken.id}/messages?limit=1`, 200);
  await api.call(ana, "GET", `/contacts/${ken.id}/opt-out`, 404);
  await api.call(ana, "DELETE", `/contacts/${ken.id}/opt-out`, 404);
  await api.call(ana, "GET", `/contacts/${MISSING}/messages`, 404);
  await api.call(ana, "GET", `/companies/${globex.id}/messages`, 200);
  await api.call(ana, "GET", `/companies/${globex.id}/messages?cursor=nope`, 400);
  await api.call(ana, "GET", "/feed?after=00000000000000000000000000", 200);
  await api.call(ana, "GET", "/feed", 400);
  await api.call(ana, "GET", "/realtime/token", 404);

  // --- The assistant: the open's card, a call to plan
  const cards = await api.call(ana, "GET", "/cards", 200);
  const card = cards.items[0];
  await api.call(ana, "POST", `/cards/${card.id}/actions`, 400, { action: "snooze", until: "tomorrow" });
  await api.call(ana, "POST", `/cards/${card.id}/actions`, 204, { action: "read" });
  await api.call(ana, "POST", `/cards/${card.id}/actions`, 204, {
    action: "snooze",
    until: api.example("CardAction/oneOf/2/properties/until"),
  });
  await api.call(ana, "POST", `/cards/${MISSING}/actions`, 404, { action: "dismiss" });
  await api.call(ana, "POST", "/tasks", 400, { subject: "", dueAt: start + DAY });
  const task = await api.call(ana, "POST", "/tasks", 201, {
    subject: "Call Ken about pricing",
    dueAt: api.example("TaskInput/properties/dueAt"),
    contactId: ken.id,
    messageId: sentId,
    cardId: card.id,
  });
  await api.call(ana, "GET", "/tasks", 200);
  await api.call(ana, "PATCH", `/tasks/${task.id}`, 400, { done: "yes" });
  await api.call(ana, "PATCH", `/tasks/${task.id}`, 200, { done: true });
  await api.call(ben, "PATCH", `/tasks/${task.id}`, 403, { done: false });
  await api.call(ana, "PATCH", `/tasks/${MISSING}`, 404, { done: false });
  await api.call(ana, "GET", `/tasks/${task.id}`, 200);
  await api.call(ana, "PATCH", `/tasks/${task.id}`, 200, { subject: "Call Ken about the pilot", notes: "" });
  await api.call(ana, "DELETE", `/tasks/${task.id}`, 204);
  await api.call(ana, "GET", `/tasks/${task.id}`, 404);

  // --- A scheduled send, moved, then cancelled and discarded
  const later = await api.call(ana, "POST", "/messages", 201, {
    to: ["lea@initech.example"],
    subject: "Catch up",
    html: "<p>Coffee next week?</p>",
  });
  await api.call(ana, "POST", `/messages/${later.id}/schedule`, 400, { at: "2026-03-05T09:00" });
  await api.call(ana, "POST", `/messages/${later.id}/schedule`, 202, {
    at: api.example("ScheduleInput/properties/at"),
  });
  await api.call(ana, "POST", `/messages/${later.id}/schedule`, 409, { at: iso(start + 2 * DAY) });
  await api.call(ana, "PATCH", `/messages/${later.id}/schedule`, 400, { at: start - DAY });
  await api.call(ana, "PATCH", `/messages/${later.id}/schedule`, 200, { at: start + 3 * DAY });
  await api.call(ana, "DELETE", `/messages/${later.id}/schedule`, 200);
  await api.call(ana, "DELETE", `/messages/${later.id}/schedule`, 409);
  await api.call(ana, "DELETE", `/messages/${sentId}`, 409);
  await api.call(ana, "DELETE", `/messages/${later.id}`, 204);
  await api.call(ana, "DELETE", `/messages/${later.id}`, 404);

  // --- A send the provider refuses: retried, then made a draft again
  const bounce = await api.call(ana, "POST", "/messages", 201, {
    to: ["zed@bounce.example"],
    subject: "Hello",
    html: "<p>Hello Zed</p>",
  });
  const [failedId] = (await api.call(ana, "POST", `/messages/${bounce.id}/send`, 202)).items.map((m: Json) =>
    m.id
  );
  await t.deps.scheduler.drain();
  await api.call(ben, "POST", `/messages/${failedId}/retry`, 403);
  await api.call(ana, "POST", `/messages/${failedId}/retry`, 202);
  await t.deps.scheduler.drain();
  await api.call(ana, "POST", `/messages/${failedId}/edit`, 200);
  await api.call(ana, "POST", `/messages/${failedId}/edit`, 409);
  await api.call(ana, "POST", `/messages/${failedId}/retry`, 409);

  // --- Templates
  const template = {
    name: "Pricing follow-up",
    category: api.example("TemplateInput/properties/category"),
    subject: api.example("TemplateInput/properties/subject"),
    html: api.example("TemplateInput/properties/html"),
  };
  await api.call(ana, "POST", "/templates", 400, { ...template, subject: "Hi {{contact.shoe_size}}" });
  const tpl = await api.call(ana, "POST", "/templates", 201, template);
  await api.call(ana, "GET", "/templates", 200);
  await api.call(ana, "GET", `/templates?for=${failedId}&archived=all`, 200);
  await api.call(ana, "GET", "/templates?archived=maybe", 400);
  await api.call(ana, "GET", `/templates?contactId=${MISSING}`, 404);
  await api.call(ana, "POST", "/templates/preview", 200, {
    subject: "Hi {{contact.first_name}}",
    html: "<p>x</p>",
  });
  await api.call(ana, "POST", "/templates/preview", 400, { version: 0 });
  await api.call(ana, "GET", `/templates/${tpl.id}`, 200);
  await api.call(ana, "GET", `/templates/${MISSING}`, 404);
  await api.call(ana, "PATCH", `/templates/${tpl.id}`, 200, {
    subject: "Did the pricing help?",
    baseVersion: 1,
  });
  await api.call(ana, "PATCH", `/templates/${tpl.id}`, 409, { subject: "Stale edit", baseVersion: 1 });
  await api.call(ana, "PATCH", `/templates/${tpl.id}`, 400, { html: "" });
  await api.call(ana, "GET", `/templates/${tpl.id}/versions/1`, 200);
  await api.call(ana, "GET", `/templates/${tpl.id}/versions/0`, 400);
  await api.call(ana, "GET", `/templates/${tpl.id}/versions/9`, 404);
  const copy = await api.call(ben, "POST", `/templates/${tpl.id}/duplicate`, 201, { scope: "personal" });
  await api.call(ben, "POST", `/templates/${MISSING}/duplicate`, 404, {});
  await api.call(ben, "POST", `/templates/${copy.id}/archive`, 200, { archived: true });
  await api.call(ben, "POST", `/templates/${copy.id}/archive`, 400, {});
  await api.call(ana, "POST", `/templates/${copy.id}/archive`, 404, { archived: false });
  await api.call(ben, "POST", `/templates/${tpl.id}/lock`, 403, { locked: true });
  await api.call(ana, "POST", `/templates/${tpl.id}/lock`, 200, { locked: true });
  await api.call(ana, "POST", `/templates/${tpl.id}/lock`, 400, { locked: "yes" });
  await api.call(ben, "PATCH", `/templates/${tpl.id}`, 403, { name: "Ben's now" });
  await api.call(ana, "POST", `/templates/${tpl.id}/preview`, 200, { contactId: ken.id, version: 1 });
  await api.call(ana, "POST", `/templates/${tpl.id}/preview`, 404, { version: 7 });
  await api.call(ana, "POST", `/templates/${tpl.id}/render`, 200, { messageId: failedId });
  await api.call(ana, "POST", `/templates/${tpl.id}/render`, 400, { contactId: 7 });

  // --- Replies: one matched, one that matched nothing (dismissed, put back, attached by hand)
  const message = await api.call(ana, "GET", `/messages/${sentId}`, 200);
  const thread = threadOf(message, start);
  const reply = await plainReply(thread, "Thanks, Thursday works.", {
    from: "Ken Sato <ken@globex.example>",
  });
  await api.call(bot, "POST", "/inbound", 202, { raw: reply, type: "message/rfc822" });
  await api.call(bot, "POST", "/inbound", 400, { raw: "", type: "message/rfc822" });
  await api.call(bot, "POST", "/inbound", 413, {
    raw: new Uint8Array(25 * 1024 * 1024 + 1),
    type: "message/rfc822",
  });
  const stray = await plainReply({ ...thread, subject: "Your newsletter" }, "Unsubscribe me", {
    from: "ken@globex.example",
    messageId: "<stray-1@globex.example>",
    inReplyTo: null,
    references: null,
  });
  const unmatched = await api.call(bot, "POST", "/inbound", 202, { raw: stray, type: "message/rfc822" });
  const strayId = unmatched.inbound.id as string;
  await api.call(ana, "GET", "/inbound/unmatched", 200);
  await api.call(ben, "GET", "/inbound/unmatched", 403);
  await api.call(ana, "GET", `/inbound/${strayId}`, 200);
  await api.call(ben, "GET", `/inbound/${strayId}`, 404); // unplaced mail is the admins'
  await api.call(ana, "GET", `/inbound/${MISSING}`, 404);
  await api.call(ana, "GET", `/inbound/${strayId}/raw`, 200);
  await api.call(ben, "GET", `/inbound/${strayId}/raw`, 404);
  await api.call(ana, "GET", `/inbound/${MISSING}/raw`, 404);
  await api.call(ben, "POST", `/inbound/${strayId}/dismiss`, 403);
  await api.call(ana, "POST", `/inbound/${strayId}/dismiss`, 200);
  await api.call(ana, "POST", `/inbound/${strayId}/restore`, 200);
  await api.call(ana, "POST", `/inbound/${MISSING}/restore`, 404);
  await api.call(ana, "POST", `/inbound/${strayId}/attach`, 400, { messageId: failedId });
  await api.call(ana, "POST", `/inbound/${strayId}/attach`, 200, { messageId: sentId });
  await api.call(ana, "POST", `/inbound/${strayId}/attach`, 409, { messageId: sentId });
  await api.call(ana, "POST", `/inbound/${strayId}/dismiss`, 409);

  // --- Data rights, and the end of a membership, a token and a session
  await api.call(ben, "GET", `/contacts/${ken.id}/export`, 403);
  await api.call(ana, "GET", `/contacts/${ken.id}/export`, 200);
  await api.call(ana, "GET", `/contacts/${MISSING}/export`, 404);
  await api.call(ben, "POST", `/contacts/${lea.id}/erase`, 403);
  await api.call(ana, "POST", `/contacts/${lea.id}/erase`, 200);
  await api.call(ana, "POST", `/contacts/${lea.id}/erase`, 404);
  await api.call(ana, "DELETE", `/contacts/${zed.id}`, 204);
  await api.call(ana, "DELETE", `/contacts/${zed.id}`, 404);

  await api.call(ben, "DELETE", `/members/${me.user.id}`, 403);
  await api.call(ana, "DELETE", `/members/${me.user.id}`, 409);
  await api.call(ana, "DELETE", `/members/${benId}`, 204);
  await api.call(ana, "DELETE", `/members/${benId}`, 404);
  await api.call(ben, "GET", "/me", 401);

  await api.call(ana, "DELETE", `/tokens/${created.token.id}`, 204);
  await api.call(ana, "DELETE", `/tokens/${created.token.id}`, 404);
  await api.call(bot, "GET", "/me", 401);
  await api.call(ana, "POST", "/me/password", 400, {
    currentPassword: "wrong",
    newPassword: "a new good password",
  });
  await api.call(ana, "POST", "/me/password", 204, {
    currentPassword: "correct horse battery",
    newPassword: "a new good password",
  });
  await api.call(ana, "GET", "/me", 401);
  // Signed in in two browsers, then out of both from one.
  const [laptop, phone] = [new Client(t), new Client(t)];
  for (const browser of [laptop, phone]) {
    await browser.form("/signin", { email: "ana@acme.example", password: "a new good password" });
  }
  await api.call(phone, "DELETE", "/me/sessions", 204);
  await api.call(laptop, "GET", "/me", 401);
  await api.call(phone, "GET", "/me", 401);

  const missed = api.operations.filter((o) => !api.called.has(o.key)).map((o) => o.key);
  assert.deepEqual(missed, [], "every operation in the document is called");
  api.assertKept();
});

/** A browser whose calls leave the CSRF token out: a forged request, with the seller's cookies. */
class ForgingClient extends Client {
  override csrfToken(): Promise<string> {
    return Promise.resolve("");
  }
}

Deno.test("api contract - every operation documents its 401, and every change the 403 of a missing CSRF token", async () => {
  await using t = await makeTestApp();
  const api = await Contract.load(t);
  const ana = new Client(t);
  await ana.signUp();
  const forged = new ForgingClient(t);
  forged.cookies = new Map(ana.cookies);
  for (const { method, path } of api.operations) {
    const somewhere = path.replaceAll(/\{\w+\}/g, MISSING);
    await api.call(null, method, somewhere, 401);
    if (method !== "GET") await api.call(forged, method, somewhere, 403);
  }
  api.assertKept();
});

Deno.test("api contract - with Supabase Realtime, the token answers as documented", async () => {
  await using standin = await startSupabaseStandin({ quiet: true });
  await using t = await makeTestApp({ env: standinEnv(standin) });
  const api = await Contract.load(t);
  const ana = new Client(t);
  await ana.signUp();
  await api.call(ana, "GET", "/realtime/token", 200);
  api.assertKept();
});

/** Endpoints under /api that the document leaves out, and why. */
const NOT_IN_DOCUMENT: Record<string, string> = {
  "GET /openapi.json": "the document itself",
  "GET /live": "a Server-Sent Events stream for the embedded hub (docs/ARCHITECTURE.md, Live updates)",
};

Deno.test("api contract - every endpoint under /api is in the document, or says why not", async () => {
  await using t = await makeTestApp();
  const documented = new Set((await Contract.load(t)).operations.map((o) => o.key));
  const served = apiRouter.routes.filter((r) => r.method !== "ALL")
    .map((r) => `${r.method} ${r.path.replaceAll(/:(\w+)/g, "{$1}")}`);
  assert.deepEqual(
    [...new Set(served)].filter((key) => !documented.has(key)).sort(),
    Object.keys(NOT_IN_DOCUMENT).sort(),
  );
});
