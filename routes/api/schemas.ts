/** Response shapes of the JSON API (the OpenAPI document's components). */
import { z } from "@hono/zod-openapi";

export const UserSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "member"]),
  timeZone: z.string(),
  createdAt: z.number().openapi({ description: "Milliseconds since the epoch" }),
}).openapi("User");

export const TeamSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.number() }).openapi(
  "Team",
);

export const InviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(["admin", "member"]),
  invitedBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
}).openapi("Invite");

export const ContactSchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  companyId: z.string().nullable(),
  title: z.string(),
  phone: z.string(),
  timeZone: z.string().nullable(),
  tracking: z.enum(["allow", "do_not_allow"]),
  notes: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
}).openapi("Contact");

export const CompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  industry: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
}).openapi("Company");

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  hint: z.string(),
  createdAt: z.number(),
}).openapi("ApiToken");

/** Strips internal fields so responses match their schema exactly. */
export function pick<T extends z.ZodObject>(schema: T, value: object): z.output<T> {
  return schema.parse(value) as z.output<T>;
}
