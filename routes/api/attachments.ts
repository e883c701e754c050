/** API: a draft's attachments — upload (raw body, streamed), follow or not, remove, download. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  removeAttachment,
  setAttachmentFollowed,
  uploadAttachment,
} from "../../lib/attachments/attachments.ts";
import { contentDisposition, servingType } from "../../lib/attachments/files.ts";
import { teamSettings } from "../../lib/accounts/types.ts";
import { invalid, notFound } from "../../lib/http/errors.ts";
import { readableMessage } from "../../lib/messages/drafts.ts";
import { viewer } from "../middleware/auth.ts";
import { apiRouter, errors, IdParams, json, jsonBody, pathId, security, tooLarge } from "./openapi.ts";

export const attachmentsApi = apiRouter();

const AttachmentSchema = z.object({
  blobId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  followed: z.boolean().openapi({
    description: "Sent as a tracked link (followed emails) instead of attached",
  }),
}).openapi("Attachment");

const Params = z.object({
  id: pathId("id"),
  blobId: pathId("blobId"),
});

attachmentsApi.openapi(
  createRoute({
    method: "post",
    path: "/messages/{id}/attachments",
    tags: ["Attachments"],
    summary:
      "Attach a file to a draft: the request body is the file itself (streamed), its type in Content-Type",
    description:
      "A Content-Type that says nothing of the file (none, `application/octet-stream`, or a form " +
      "encoding, as curl sends by default) is read from the file name's extension instead.",
    security,
    request: {
      params: IdParams,
      query: z.object({ filename: z.string().min(1).max(255).openapi({ example: "proposal.pdf" }) }),
      body: { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
    },
    responses: { 201: json(AttachmentSchema, "The attachment"), ...errors, 413: tooLarge },
  }),
  async (c) => {
    const deps = c.get("deps");
    const v = viewer(c);
    if (!c.req.raw.body) throw invalid({ file: "Send the file as the request body." });
    const length = c.req.header("content-length");
    const attachment = await uploadAttachment(
      {
        kv: deps.kv,
        blobs: deps.blobs,
        scheduler: deps.scheduler,
        limits: deps.config.attachments,
        followByDefault: teamSettings(v.team).followByDefault,
      },
      v,
      c.req.valid("param").id,
      {
        filename: c.req.valid("query").filename,
        contentType: c.req.header("content-type") ?? "application/octet-stream",
        declaredSize: length ? Number(length) : null,
      },
      c.req.raw.body,
      deps.clock.now(),
    );
    return c.json(attachment, 201);
  },
);

attachmentsApi.openapi(
  createRoute({
    method: "patch",
    path: "/messages/{id}/attachments/{blobId}",
    tags: ["Attachments"],
    summary: "Follow an attachment (a tracked link) or attach it as usual",
    security,
    request: { params: Params, ...jsonBody(z.object({ followed: z.boolean() }).openapi("AttachmentPatch")) },
    responses: { 200: json(AttachmentSchema, "The attachment"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { id, blobId } = c.req.valid("param");
    const attachment = await setAttachmentFollowed(
      deps.kv,
      viewer(c),
      id,
      blobId,
      c.req.valid("json").followed,
      deps.clock.now(),
    );
    return c.json(attachment, 200);
  },
);

attachmentsApi.openapi(
  createRoute({
    method: "delete",
    path: "/messages/{id}/attachments/{blobId}",
    tags: ["Attachments"],
    summary: "Remove an attachment from a draft",
    security,
    request: { params: Params },
    responses: { 204: { description: "Removed" }, ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { id, blobId } = c.req.valid("param");
    await removeAttachment(deps, viewer(c), id, blobId, deps.clock.now());
    return c.body(null, 204);
  },
);

attachmentsApi.openapi(
  createRoute({
    method: "get",
    path: "/messages/{id}/attachments/{blobId}",
    tags: ["Attachments"],
    summary: "Download an attachment as the team sees it (not tracked)",
    security,
    request: { params: Params },
    responses: {
      200: {
        description: "The file: PDFs, images and plain text as their type, shown inline; anything else as " +
          "application/octet-stream, a download",
        content: { "*/*": { schema: z.string().openapi({ format: "binary" }) } },
      },
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const v = viewer(c);
    const { team } = v;
    const { id, blobId } = c.req.valid("param");
    const message = await readableMessage(deps.kv, v, id);
    const file = (message.attachments ?? []).find((a) => a.blobId === blobId);
    const meta = file && await deps.blobs.meta(team.id, blobId);
    if (!file || !meta) throw notFound("No such attachment.");
    const { type, inline } = servingType(file.contentType);
    return new Response(deps.blobs.stream(meta), {
      headers: {
        "Content-Type": type,
        "Content-Length": String(meta.size),
        "Content-Disposition": contentDisposition(file.filename, inline),
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  },
);
