import type { BusinessHours } from "../scheduling/business_hours.ts";

export type TrackingPreference = "allow" | "do_not_allow";

export interface Contact {
  id: string;
  teamId: string;
  firstName: string;
  lastName: string;
  email: string;
  companyId: string | null;
  title: string;
  phone: string;
  /** IANA zone; null when unknown (send-time advice then says how to fix it). */
  timeZone: string | null;
  tracking: TrackingPreference;
  notes: string;
  /** The contact's own working hours, when they differ from the team's default. */
  businessHours?: BusinessHours | null;
  /** Set when email to this address bounced or was marked as spam. */
  deliveryIssue?: { kind: "bounced" | "complained"; at: number; reason: string | null } | null;
  createdAt: number;
  updatedAt: number;
}

export interface Company {
  id: string;
  teamId: string;
  name: string;
  domain: string | null;
  industry: string;
  createdAt: number;
  updatedAt: number;
}

/** The contact's name; "" for a contact known by address alone. */
export function contactName(c: Pick<Contact, "firstName" | "lastName">): string {
  return [c.firstName, c.lastName].filter(Boolean).join(" ");
}

/** What a contact is shown as: their name, or their address when they have none. */
export function contactLabel(c: Pick<Contact, "firstName" | "lastName" | "email">): string {
  return contactName(c) || c.email;
}

/** What to call a contact in a sentence ("Ana's business hours"): the first name, else what they're shown as. */
export function callName(c: Pick<Contact, "firstName" | "lastName" | "email">): string {
  return c.firstName || contactLabel(c);
}

/** Where a contact sorts in the team's name index (`contact_by_name`): by what they are shown as. */
export const contactSortKey = (c: Pick<Contact, "firstName" | "lastName" | "email">) =>
  sortKey(contactLabel(c));

/** The key contacts and companies sort by: case- and accent-insensitive. */
export function sortKey(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
}
