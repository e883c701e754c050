/** Field schemas shared by the API and the pages. Messages are written for people. */
import { z } from "@hono/zod-openapi";
import { withoutBidiControls } from "../text/bidi.ts";
import { canonicalTimeZone } from "../time/zones.ts";

export const emailField = z.string({ error: "Enter an email address." })
  .trim()
  .toLowerCase()
  .max(254, "Email addresses are at most 254 characters.")
  .pipe(z.email({ error: "Enter a valid email address, like ana@example.com." }))
  .openapi({ example: "ana@example.com" });

/**
 * Text people type (a name, a subject, a note), trimmed, without bidi embeddings, overrides and isolates: they
 * aren't needed to write any language, and they are how a name is made to display as something else.
 */
export const typedText = (params?: Parameters<typeof z.string>[0]) =>
  z.string(params).overwrite(withoutBidiControls).trim();

export const nameField = (label: string, max = 120) =>
  typedText({ error: `Enter ${label}.` }).min(1, `Enter ${label}.`).max(
    max,
    `${label[0].toUpperCase()}${label.slice(1)} is at most ${max} characters.`,
  );

export const optionalText = (max: number) =>
  typedText().max(max, `At most ${max} characters.`).optional().default("");

/** The zone's canonical name; one that isn't a zone is an issue saying what one looks like. */
function toZone(value: string, ctx: z.RefinementCtx): string {
  const zone = canonicalTimeZone(value);
  if (zone) return zone;
  ctx.addIssue({ code: "custom", message: `"${value}" is not an IANA time zone, like Europe/Lisbon.` });
  return z.NEVER;
}

const zoneText = z.string({ error: "Choose a time zone." }).trim();

export const timeZoneField = zoneText.transform(toZone).openapi({ type: "string", example: "Europe/Lisbon" });

/** A zone, or null for none ("" or absent). (Not a union with "": its error would be zod's bare "Invalid input".) */
export const optionalTimeZoneField = zoneText.transform((value, ctx) => value ? toZone(value, ctx) : null)
  .nullable().optional().transform((v) => v ?? null)
  .openapi({ type: ["string", "null"], example: "America/New_York" });

export const idParam = z.string().openapi({ example: "01JD0000000000000000000000" });
