import { z } from "@hono/zod-openapi";
import { MAX_ID_LENGTH } from "../storage/ids.ts";
import { BusinessHoursField } from "../accounts/team_settings.ts";
import {
  emailField,
  nameField,
  optionalText,
  optionalTimeZoneField,
  typedText,
} from "../validation/fields.ts";

const domainField = z.preprocess(
  (value) => value ?? "",
  z.string().trim().toLowerCase()
    // A web address gives its domain; one with no domain in it ("http://") is not taken for none.
    .transform((v) => {
      const domain = v.replace(/^https?:\/\//, "").replace(/\/.*$/, "").replace(/^www\./, "");
      return v && !domain ? v : domain;
    })
    .pipe(
      z.union([
        z.literal(""),
        z.string().regex(
          /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/,
          "Enter a domain like example.com.",
        ),
      ]),
    )
    .transform((v) => v || null),
).openapi({ type: ["string", "null"], example: "example.com" });

export const ContactInput = z.object({
  // A contact may be an address alone (info@, a name not known yet): it is shown, and sorted, by its address.
  firstName: optionalText(80),
  lastName: optionalText(80),
  email: emailField,
  companyId: z.string().trim().max(MAX_ID_LENGTH, "Choose a company of your team.").optional().nullable()
    .transform((v) => v || null)
    .openapi({ type: ["string", "null"] }),
  companyName: typedText().max(120, "At most 120 characters.").optional().nullable()
    .transform((v) => v || null)
    .openapi({
      type: ["string", "null"],
      description:
        "Instead of companyId: the company of this name (ignoring case), made with the contact if new. " +
        "In a change it replaces the company the contact was at.",
    }),
  title: optionalText(120),
  phone: z.string().trim().max(40, "At most 40 characters.")
    .regex(/^[+0-9 ().\-\/x]*$/, "Use digits, spaces and + ( ) - only.").optional().default(""),
  timeZone: optionalTimeZoneField,
  tracking: z.enum(["allow", "do_not_allow"], { error: "Choose allow or do not allow." })
    .default("allow"),
  notes: optionalText(5000),
  businessHours: BusinessHoursField.nullable().optional().transform((v) => v ?? null)
    .openapi({ type: ["object", "null"], description: "Own working hours; null uses the team's" }),
}).openapi("ContactInput");
export type ContactInput = z.output<typeof ContactInput>;

export const CompanyInput = z.object({
  name: nameField("a company name", 120),
  domain: domainField,
  industry: optionalText(80),
}).openapi("CompanyInput");
export type CompanyInput = z.output<typeof CompanyInput>;
