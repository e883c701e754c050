import assert from "node:assert/strict";
import { TemplateInput, TemplatePatch } from "./schemas.ts";

// The API validates a body, then the data module validates again: outputs must be valid inputs.
Deno.test("template schemas - parsing is idempotent", () => {
  for (
    const sample of [
      { name: " Quick intro ", subject: " Hi {{contact.first_name}} ", html: "<p>Hello</p>" },
      { name: "X", category: " Intro ", scope: "personal", subject: "S", html: "<p>{{sender.name}}</p>" },
    ]
  ) {
    const once = TemplateInput.parse(sample);
    assert.deepEqual(TemplateInput.parse(once), once);
  }
  assert.deepEqual(TemplateInput.parse({ name: "X", subject: "S", html: "<p>x</p>" }).scope, "team");
});

Deno.test("template schemas - a patch has no defaults: what is not given stays as it is", () => {
  assert.deepEqual(TemplatePatch.parse({ name: "New name" }), { name: "New name" });
  assert.deepEqual(TemplatePatch.parse({}), {});
});

Deno.test("template schemas - merge-field mistakes and empty parts name their field", () => {
  const result = TemplateInput.safeParse({
    name: "X",
    subject: "Hi {{ contact.frist_name }}",
    html: "<p>{{contact.first_name</p>",
  });
  assert.ok(!result.success);
  const byField = Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
  assert.equal(
    byField.subject,
    "Unknown field {{contact.frist_name}} — did you mean {{contact.first_name}}?",
  );
  assert.match(byField.html, /is not closed/);
  const empty = TemplateInput.safeParse({ name: "X", subject: "S", html: "<p>&nbsp;</p>" });
  assert.equal(empty.error?.issues[0].message, "Write the template's text.");
});
