import assert from "node:assert/strict";
import type { Contact } from "../contacts/types.ts";
import { cardLinks, type Person, personOf } from "./about.ts";

const person = (name: string, zone: string | null, companyId: string | null): Person => ({
  email: `${name.toLowerCase()}@example.example`,
  name,
  contactId: `c-${name}`,
  zone,
  companyId,
});

Deno.test("card links - one person: their contact, company and zone", () => {
  assert.deepEqual(cardLinks([person("Zoë", null, "globex")]), {
    personName: "Zoë",
    contactId: "c-Zoë",
    companyId: "globex",
    recipientZone: null,
  });
});

Deno.test("card links - several people: no one contact; a company or zone only when they all share it", () => {
  assert.deepEqual(cardLinks([person("Ken", "Asia/Tokyo", "globex"), person("Zoë", null, "globex")]), {
    personName: null,
    contactId: null,
    companyId: "globex",
    recipientZone: null,
  });
  assert.deepEqual(cardLinks([person("Ken", "Asia/Tokyo", "globex"), person("Aiko", "Asia/Tokyo", null)]), {
    personName: null,
    contactId: null,
    companyId: null,
    recipientZone: "Asia/Tokyo",
  });
  assert.deepEqual(cardLinks([]), {
    personName: null,
    contactId: null,
    companyId: null,
    recipientZone: null,
  });
});

Deno.test("card people - named from their contact, else as addressed, else by address", () => {
  const zoe = { id: "c1", firstName: "Zoë", lastName: "Martin", timeZone: null, companyId: null } as Contact;
  const to = { email: "zoe@example.example", name: "", contactId: "c1" };
  assert.equal(personOf(to, zoe).name, "Zoë Martin");
  assert.equal(personOf({ ...to, name: "Zoe M." }, null).name, "Zoe M.");
  assert.equal(personOf(to, null).name, "zoe@example.example");
});
