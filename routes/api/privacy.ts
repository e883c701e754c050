/** API: data rights — export everything about a contact, erase it (admins). */
import { createRoute, z } from "@hono/zod-openapi";
import { getContact } from "../../lib/contacts/contacts.ts";
import { eraseContact } from "../../lib/privacy/erase.ts";
import { exportContact } from "../../lib/privacy/export.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { apiRouter, errors, IdParams, json, security } from "./openapi.ts";

export const privacyApi = apiRouter();

/** Records as Beacon stores them, every field included: the export is for the person, not for a program. */
const Stored = z.record(z.string(), z.unknown());

const ContactExport = z.object({
  exportedAt: z.string().openapi({ description: "ISO 8601" }),
  about: z.string().openapi({ description: "What the export holds, in words" }),
  contact: Stored,
  trackingOptOut: Stored.nullable().openapi({ description: 'Their own "don\'t track me", when they asked' }),
  company: Stored.nullable(),
  messages: z.array(Stored).openapi({
    description: "Each email to them: message, body, stats, events, alarms",
  }),
  replies: z.array(Stored),
  tasks: z.array(Stored),
  cards: z.array(Stored),
}).openapi("ContactExport");

privacyApi.openapi(
  createRoute({
    method: "get",
    path: "/contacts/{id}/export",
    tags: ["Contacts"],
    summary: "Everything Beacon holds about a contact, as JSON (admins)",
    security,
    request: { params: IdParams },
    responses: {
      200: json(ContactExport, "The export (a JSON download)"),
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
  }),
  async (c) => {
    requireAdmin(c);
    const deps = c.get("deps");
    const { team } = viewer(c);
    const contact = await getContact(deps.kv, team.id, c.req.valid("param").id);
    const data = await exportContact(deps.kv, team.id, contact.id, deps.clock.now());
    c.header("Content-Disposition", `attachment; filename="beacon-contact-${contact.id}.json"`);
    return c.json(data, 200);
  },
);

privacyApi.openapi(
  createRoute({
    method: "post",
    path: "/contacts/{id}/erase",
    tags: ["Contacts"],
    summary: "Erase a contact with all their emails' tracking data, replies, cards and tasks (admins). " +
      "Emails that also went to others stay, with this recipient redacted.",
    security,
    request: { params: IdParams },
    responses: {
      200: json(
        z.object({ messagesDeleted: z.number(), messagesRedacted: z.number(), keysDeleted: z.number() })
          .openapi("Erasure"),
        "What was erased",
      ),
      ...errors,
    },
  }),
  async (c) => {
    requireAdmin(c);
    const { kv } = c.get("deps");
    return c.json(await eraseContact(kv, viewer(c).team.id, c.req.valid("param").id), 200);
  },
);
