/** Who a card is about — one recipient or several — and what its links and local time come from. Pure. */
import { type Contact, contactName } from "../contacts/types.ts";
import type { Recipient } from "../messages/types.ts";

/** A recipient as a card names them, with their contact's zone and company when they have one. */
export interface Person {
  email: string;
  /** The contact's name, else the name the email was addressed to, else the address. */
  name: string;
  contactId: string | null;
  zone: string | null;
  companyId: string | null;
}

/** What a card links to, and the zone it shows the event's local time in. */
export interface CardLinks {
  /** The one person the card is about, by name (who a call would be with); null when it is about several. */
  personName: string | null;
  contactId: string | null;
  companyId: string | null;
  recipientZone: string | null;
}

export function personOf(recipient: Recipient, contact: Contact | null): Person {
  return {
    email: recipient.email,
    name: (contact && contactName(contact)) || recipient.name || recipient.email,
    contactId: contact?.id ?? null,
    zone: contact?.timeZone ?? null,
    companyId: contact?.companyId ?? null,
  };
}

/** The one value everyone has, or null (nobody, or they differ). */
function shared<T>(values: (T | null)[]): T | null {
  return values.length && values.every((v) => v === values[0]) ? values[0] : null;
}

/**
 * A card about one person links to their contact and shows their local time; a card about several links
 * to no one contact, and to a company or a local time only when all of them share it.
 */
export function cardLinks(people: Person[]): CardLinks {
  return {
    personName: people.length === 1 ? people[0].name : null,
    contactId: people.length === 1 ? people[0].contactId : null,
    companyId: shared(people.map((p) => p.companyId)),
    recipientZone: shared(people.map((p) => p.zone)),
  };
}

/** "Ken Sato", "Ken Sato and Zoë", "Ken Sato, Lee Park or Zoë". */
export function listNames(names: string[], conjunction: "and" | "or"): string {
  return names.length < 2
    ? names.join("")
    : `${names.slice(0, -1).join(", ")} ${conjunction} ${names.at(-1)}`;
}
