import assert from "node:assert/strict";
import { CompanyInput, ContactInput } from "./schemas.ts";

// The API validates a body, then the data module validates again: outputs must be valid inputs.
Deno.test("contact schemas - parsing is idempotent", () => {
  const samples = [
    { firstName: "Ana", email: "ANA@example.com" },
    {
      firstName: " Ana ",
      lastName: "Lima",
      email: "a@b.co",
      companyId: "",
      timeZone: "",
      phone: "+351 21 000 0000",
    },
    {
      firstName: "Ken",
      email: "k@example.jp",
      companyId: null,
      timeZone: "asia/tokyo",
      tracking: "do_not_allow",
    },
  ];
  for (const sample of samples) {
    const once = ContactInput.parse(sample);
    assert.deepEqual(ContactInput.parse(once), once);
  }
  for (
    const sample of [{ name: "Globex" }, { name: "Globex", domain: "https://www.globex.com/x" }, {
      name: "G",
      domain: null,
    }]
  ) {
    const once = CompanyInput.parse(sample);
    assert.deepEqual(CompanyInput.parse(once), once);
  }
  assert.equal(
    CompanyInput.parse({ name: "G", domain: "HTTPS://WWW.Globex.com/about" }).domain,
    "globex.com",
  );
  assert.equal(CompanyInput.safeParse({ name: "G", domain: "not a domain" }).success, false);
});
