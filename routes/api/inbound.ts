/** API: inbound mail — the raw RFC 822 endpoint (any provider or an MTA pipe), the unmatched list, attaching by hand. */
import { createRoute, z } from "@hono/zod-openapi";
import { AppError, invalid, notFound } from "../../lib/http/errors.ts";
import { inboundKeys } from "../../lib/inbound/keys.ts";
import { attachInbound, type InboundMail, setDismissed } from "../../lib/inbound/receive.ts";
import { getMessage } from "../../lib/messages/drafts.ts";
import { getValues, listValues } from "../../lib/storage/kv.ts";
import { afterReply, receiveAndFollowUp } from "../../workers/replies.ts";
import type { Viewer } from "../deps.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { apiRouter, errors, IdParams, json, jsonBody, orNull, security, tooLarge } from "./openapi.ts";

export const inboundApi = apiRouter();

const InboundSchema = z.object({
  id: z.string(),
  via: z.enum(["resend", "raw", "outbox"]),
  receivedAt: z.number(),
  fromAddress: z.string(),
  fromName: z.string(),
  subject: z.string(),
  text: z.string().openapi({ description: "The new text, quoted history stripped" }),
  messageId: z.string().nullable(),
  matchedVia: z.enum(["token", "in-reply-to", "references", "by_hand"]).nullable(),
  unmatchedReason: z.string().nullable(),
  dismissedAt: z.number().nullable().default(null).openapi({
    description: "When an admin took it off the unmatched list",
  }),
  fromRecipient: z.boolean(),
  autoReply: z.string().nullable(),
}).openapi("InboundMail");

const pickInbound = (m: InboundMail) => InboundSchema.parse(m);

inboundApi.openapi(
  createRoute({
    method: "post",
    path: "/inbound",
    tags: ["Inbound"],
    summary: "Deliver a raw RFC 822 message (a reply) to Beacon: for any provider, or an MTA pipe. " +
      "Authenticate with an API token.",
    security,
    request: {
      body: { content: { "message/rfc822": { schema: z.string().openapi({ format: "binary" }) } } },
    },
    responses: {
      202: json(z.object({ status: z.string(), inbound: orNull(InboundSchema) }), "Received"),
      ...errors,
      413: tooLarge,
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { team } = viewer(c);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!raw.byteLength) throw invalid({ body: "Send the message as the request body." });
    const received = await receiveAndFollowUp(deps, raw, { via: "raw", teamId: team.id });
    if (received.status === "not_mail") {
      throw invalid({ body: "This is not an email: it has no From address. Send the raw RFC 822 message." });
    }
    return c.json(
      { status: received.status, inbound: received.mail ? pickInbound(received.mail) : null },
      202,
    );
  },
);

inboundApi.openapi(
  createRoute({
    method: "get",
    path: "/inbound/unmatched",
    tags: ["Inbound"],
    summary: "Inbound mail that matched no sent message (admins)",
    security,
    responses: {
      200: json(z.object({ items: z.array(InboundSchema) }), "Unmatched mail, newest first"),
      ...errors,
    },
  }),
  async (c) => {
    requireAdmin(c);
    const { kv } = c.get("deps");
    const { team } = viewer(c);
    return c.json({ items: (await listUnmatched(kv, team.id)).map(pickInbound) }, 200);
  },
);

export async function listUnmatched(kv: Deno.Kv, teamId: string): Promise<InboundMail[]> {
  const ids = await listValues<string>(kv, { prefix: inboundKeys.unmatched(teamId) }, {
    reverse: true,
    limit: 200,
  });
  return (await getValues<InboundMail>(kv, ids.map((id) => inboundKeys.mail(teamId, id)))).filter((
    m,
  ): m is InboundMail => !!m);
}

/**
 * One inbound email, as `reader` may see it. Mail on no sent email (anything sent to the reply address: spam,
 * newsletters, a stranger's mail) is for admins to place; to a member it does not exist, as on the list.
 */
export async function getInbound(kv: Deno.Kv, { user, team }: Viewer, id: string): Promise<InboundMail> {
  const mail = (await kv.get<InboundMail>(inboundKeys.mail(team.id, id))).value;
  if (!mail || (!mail.messageId && user.role !== "admin")) throw notFound("No such inbound email.");
  return mail;
}

inboundApi.openapi(
  createRoute({
    method: "get",
    path: "/inbound/{id}",
    tags: ["Inbound"],
    summary: "One inbound email (mail on no sent email yet: admins only)",
    security,
    request: { params: IdParams },
    responses: { 200: json(InboundSchema, "The email"), 401: errors[401], 404: errors[404] },
  }),
  async (c) =>
    c.json(pickInbound(await getInbound(c.get("deps").kv, viewer(c), c.req.valid("param").id)), 200),
);

inboundApi.openapi(
  createRoute({
    method: "post",
    path: "/inbound/{id}/attach",
    tags: ["Inbound"],
    summary: "Attach unmatched mail to a sent message by hand (admins); it then counts as a reply",
    security,
    request: { params: IdParams, ...jsonBody(z.object({ messageId: z.string() }).openapi("AttachInbound")) },
    responses: { 200: json(InboundSchema, "Attached"), ...errors },
  }),
  async (c) => {
    requireAdmin(c);
    const deps = c.get("deps");
    const { team } = viewer(c);
    const mail = await getInbound(deps.kv, viewer(c), c.req.valid("param").id);
    if (mail.messageId) throw new AppError(409, "conflict", "This email is already attached to a message.");
    const message = await getMessage(deps.kv, team.id, c.req.valid("json").messageId);
    if (message.status !== "sent") throw invalid({ messageId: "Choose a sent message." });
    const result = await attachInbound(deps.kv, team.id, mail.id, message, deps.clock.now());
    if (!result) throw new AppError(409, "conflict", "This email is already attached to a message.");
    await afterReply(deps, result);
    return c.json(pickInbound(result.mail), 200);
  },
);

for (const dismissed of [true, false]) {
  inboundApi.openapi(
    createRoute({
      method: "post",
      path: `/inbound/{id}/${dismissed ? "dismiss" : "restore"}`,
      tags: ["Inbound"],
      summary: dismissed
        ? "Take unmatched mail off the list (admins): spam, a newsletter; it stays readable"
        : "Put dismissed mail back on the unmatched list (admins)",
      security,
      request: { params: IdParams },
      responses: { 200: json(InboundSchema, dismissed ? "Dismissed" : "Back on the list"), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { kv, clock } = c.get("deps");
      const { team } = viewer(c);
      const mail = await getInbound(kv, viewer(c), c.req.valid("param").id);
      if (mail.messageId) throw new AppError(409, "conflict", "This email is attached to a message.");
      const changed = await setDismissed(kv, team.id, mail.id, dismissed, clock.now());
      if (!changed) throw new AppError(409, "conflict", "This email changed meanwhile. Try again.");
      return c.json(pickInbound(changed), 200);
    },
  );
}

inboundApi.openapi(
  createRoute({
    method: "get",
    path: "/inbound/{id}/raw",
    tags: ["Inbound"],
    summary: "The original of an inbound email, as it arrived (an .eml download)",
    security,
    request: { params: IdParams },
    responses: {
      200: {
        description: "The raw RFC 822 message",
        content: { "message/rfc822": { schema: z.string().openapi({ format: "binary" }) } },
      },
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { team } = viewer(c);
    const mail = await getInbound(deps.kv, viewer(c), c.req.valid("param").id);
    const meta = mail.rawBlobId ? await deps.blobs.meta(team.id, mail.rawBlobId) : null;
    if (!meta) throw notFound("The original of this email was not kept.");
    return new Response(deps.blobs.stream(meta), {
      headers: {
        "Content-Type": "message/rfc822",
        "Content-Disposition": `attachment; filename="reply-${mail.id}.eml"`,
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
);
