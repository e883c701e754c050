import { z } from "@hono/zod-openapi";
import { emailField, nameField, timeZoneField } from "../validation/fields.ts";
import { MIN_PASSWORD_LENGTH } from "./passwords.ts";

export const passwordField = z.string({ error: "Enter a password." })
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(200, "Use at most 200 characters.")
  // Spaces count (a passphrase has them), but spaces alone are no password.
  .refine(
    (p) => p.trim().length >= MIN_PASSWORD_LENGTH,
    `Use at least ${MIN_PASSWORD_LENGTH} characters besides spaces.`,
  );

export const roleField = z.enum(["admin", "member"], { error: "Choose admin or member." });

export const SignUpInput = z.object({
  teamName: nameField("a team name", 80),
  name: nameField("your name"),
  email: emailField,
  password: passwordField,
  // Filled in by the browser, not typed: an unknown zone falls back to UTC (changeable in the profile).
  timeZone: timeZoneField.catch("UTC"),
});
export type SignUpInput = z.output<typeof SignUpInput>;

export const SignInInput = z.object({
  email: emailField,
  password: z.string().min(1, "Enter your password."),
});

/** A change to one's profile: the fields sent change, the others stay (the settings form sends both). */
export const ProfileInput = z.object({
  name: nameField("your name").optional(),
  timeZone: timeZoneField.optional(),
}).openapi("ProfileInput");

export const PasswordChangeInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password."),
  newPassword: passwordField,
}).openapi("PasswordChangeInput");

export const InviteInput = z.object({
  email: emailField,
  role: roleField.default("member"),
}).openapi("InviteInput");

export const AcceptInviteInput = z.object({
  name: nameField("your name"),
  password: passwordField,
  timeZone: timeZoneField.catch("UTC"),
});

export const RoleInput = z.object({ role: roleField }).openapi("RoleInput");

/** What a token may do: `read` only asks (GET), `write` does everything its owner can. */
export const TOKEN_ACCESS = ["read", "write"] as const;
export type TokenAccess = (typeof TOKEN_ACCESS)[number];

export const ApiTokenInput = z.object({
  name: nameField("a name for the token", 60),
  access: z.enum(TOKEN_ACCESS, { message: "Choose read or write." }).default("write").openapi({
    description: "read: the token can only make GET requests; write (the default): everything you can do",
  }),
  // A form sends the days as text, "" for never; the API sends a number or null.
  expiresInDays: z.preprocess(
    (v) => v === "" || v === undefined ? null : typeof v === "string" ? Number(v) : v,
    z.number({ message: "Choose when it expires." }).int("Choose when it expires.")
      .min(1, "Choose when it expires.").max(3650, "A token expires within ten years, or never.").nullable(),
  ).openapi({ type: ["integer", "null"], description: "Days it works for; null or left out: never expires" }),
}).openapi("ApiTokenInput");
