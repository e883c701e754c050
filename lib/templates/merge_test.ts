import assert from "node:assert/strict";
import {
  fieldValue,
  MERGE_FIELD_ALIASES,
  MERGE_FIELDS,
  type MergeContext,
  parseTemplate,
  renderTemplate,
  suggestField,
  validateTemplate,
} from "./merge.ts";

const ANA: MergeContext = {
  contact: {
    firstName: "Ana",
    lastName: "Lima",
    email: "ana.lima@globex.example",
    title: "Head of Sales",
    company: "Globex",
    industry: "Logistics",
  },
  sender: { name: "Sam Rivera", email: "sam@beacon.example" },
};

function withContact(patch: Partial<NonNullable<MergeContext["contact"]>>): MergeContext {
  return { ...ANA, contact: { ...ANA.contact!, ...patch } };
}

function messages(text: string, html = false): string[] {
  return parseTemplate(text, { html }).errors.map((e) => e.message);
}

Deno.test("merge - field list: unique names, examples render, aliases resolve", () => {
  const names = MERGE_FIELDS.map((f) => f.name);
  assert.equal(new Set(names).size, names.length);
  for (const field of MERGE_FIELDS) {
    assert.notEqual(fieldValue(field.name, ANA), "", field.name);
    assert.equal(parseTemplate(`{{${field.name}}}`).errors.length, 0, field.name);
  }
  for (const [alias, target] of Object.entries(MERGE_FIELD_ALIASES)) {
    assert.ok(names.includes(target));
    assert.equal(fieldValue(alias, ANA), fieldValue(target, ANA));
  }
  assert.equal(fieldValue("contact.full_name", ANA), "Ana Lima");
  assert.equal(fieldValue("sender.first_name", ANA), "Sam");
  assert.equal(fieldValue("company.name", ANA), "Globex");
});

Deno.test("merge - parses text and fields with offsets", () => {
  const text = "Hi {{contact.first_name}}, from {{sender.name}}";
  const { tokens, errors } = parseTemplate(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(tokens, [
    { type: "text", value: "Hi " },
    {
      type: "field",
      name: "contact.first_name",
      fallback: null,
      raw: "{{contact.first_name}}",
      start: 3,
      end: 25,
    },
    { type: "text", value: ", from " },
    { type: "field", name: "sender.name", fallback: null, raw: "{{sender.name}}", start: 32, end: 47 },
  ]);
  assert.equal(text.slice(3, 25), "{{contact.first_name}}");
});

Deno.test("merge - whitespace tolerant, case-insensitive names", () => {
  const { tokens, errors } = parseTemplate(
    "{{  contact.first_name  }}{{\n\tContact.First_Name\n}}{{contact.company|'x'}}",
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(
    tokens.map((t) => t.type === "field" ? [t.name, t.fallback] : t.value),
    [["contact.first_name", null], ["contact.first_name", null], ["contact.company", "x"]],
  );
});

Deno.test("merge - fallbacks in both quote styles (and curly quotes)", () => {
  const { tokens, errors } = parseTemplate(
    `{{contact.first_name | "there"}} {{contact.first_name|'there'}} {{ contact.company | "O'Brien & Co" }} ` +
      `{{contact.title | 'a "quoted" role'}} {{contact.first_name | “friend”}} {{contact.industry | ""}}`,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(
    tokens.filter((t) => t.type === "field").map((t) => t.type === "field" && t.fallback),
    ["there", "there", "O'Brien & Co", 'a "quoted" role', "friend", ""],
  );
});

Deno.test("merge - unknown field is an error with the nearest suggestion", () => {
  assert.deepEqual(messages("Hi {{contact.firstname}}"), [
    "Unknown field {{contact.firstname}} — did you mean {{contact.first_name}}?",
  ]);
  const { errors, tokens } = parseTemplate("Hi {{contact.firstname}}!");
  assert.deepEqual(errors[0], {
    message: "Unknown field {{contact.firstname}} — did you mean {{contact.first_name}}?",
    start: 3,
    end: 24,
    raw: "{{contact.firstname}}",
  });
  // What is in error stays visible as written; it is never silently dropped.
  assert.deepEqual(tokens, [{ type: "text", value: "Hi {{contact.firstname}}!" }]);

  assert.equal(suggestField("contact.compnay"), "contact.company");
  assert.equal(suggestField("sender.emial"), "sender.email");
  assert.equal(suggestField("first_name"), "contact.first_name");
  assert.equal(suggestField("contact.name"), "contact.full_name");
  assert.equal(suggestField("contact.job_title"), "contact.title");
  assert.equal(suggestField("contact.phone"), null);
  assert.deepEqual(messages("{{contact.phone}}"), ["Unknown field {{contact.phone}}."]);
  assert.deepEqual(messages("{{foo.bar}}"), ["Unknown field {{foo.bar}}."]);
});

Deno.test("merge - malformed fields are errors with positions", () => {
  const text = 'A {{}} B {{contact.email C {{ contact.title | there }} D {{contact.title | "x}} E {{ | "y"}}';
  const { errors } = parseTemplate(text);
  assert.deepEqual(
    errors.map((e) => [e.message, e.start, e.end]),
    [
      ["Empty merge field {{}} — pick a field from the list, or write \\{{ for literal braces.", 2, 6],
      ["{{contact.email C is not closed — end it with }}, or write \\{{ for literal braces.", 9, 27],
      [
        'The fallback in {{ contact.title | there }} must be in quotes, e.g. {{contact.title | "there"}}.',
        27,
        54,
      ],
      ['The fallback in {{contact.title | "x}} has no closing quote.', 57, 79],
      ['{{ | "y"}} needs a field name before the |.', 82, 92],
    ],
  );
  for (const e of errors) assert.equal(text.slice(e.start, e.end), e.raw);

  assert.deepEqual(
    messages("Hi {{contact.first_name")[0],
    "{{contact.first_name is not closed — end it with }}, or write \\{{ for literal braces.",
  );
  assert.deepEqual(messages('{{contact.first_name | fallback: "there"}}'), [
    'The fallback in {{contact.first_name | fallback: "there"}} must be in quotes, e.g. {{contact.first_name | "there"}}.',
  ]);
  assert.deepEqual(messages('{{contact.first_name "there"}}'), [
    'Put a | between the field and its fallback: {{contact.first_name | "there"}}.',
  ]);
  assert.deepEqual(messages(`{{contact.first_name | "a" | "b"}}`), [
    `Unexpected text after the fallback in {{contact.first_name | "a" | "b"}} — a fallback cannot contain its own quote; use the other quote style.`,
  ]);
  assert.deepEqual(messages("{{{contact.first_name}}}"), [
    "{{{contact.first_name}}} has too many braces — a merge field is written with two, e.g. {{contact.first_name}}.",
  ]);
  assert.deepEqual(messages("{{contact.first_name |}}"), [
    '{{contact.first_name |}} needs a fallback in quotes after the |, e.g. {{contact.first_name | "there"}}.',
  ]);
});

Deno.test("merge - escaped braces are literal text", () => {
  const { tokens, errors } = parseTemplate(
    "Use \\{{contact.first_name}} to insert a name, {{contact.first_name}}. }} alone is text",
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(tokens[0], { type: "text", value: "Use {{contact.first_name}} to insert a name, " });
  assert.equal(tokens[1].type, "field");
  assert.deepEqual(tokens[2], { type: "text", value: ". }} alone is text" });
  assert.equal(renderTemplate("\\{{ not a field", "<p>\\{{x}}</p>", ANA).html, "<p>{{x}}</p>");
  assert.equal(renderTemplate("\\{{ not a field", "", ANA).subject, "{{ not a field");
});

Deno.test("merge - HTML bodies: entities inside a field, no markup inside a field", () => {
  const { tokens, errors } = parseTemplate(
    "<p>Hi&nbsp;{{&nbsp;contact.first_name | &quot;there&quot; }}</p>",
    { html: true },
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(tokens[1], {
    type: "field",
    name: "contact.first_name",
    fallback: "there",
    raw: "{{&nbsp;contact.first_name | &quot;there&quot; }}",
    start: 11,
    end: 60,
  });
  assert.deepEqual(messages("<p>{{contact.<b>first</b>_name}}</p>", true), [
    "{{contact.… has formatting inside it — retype the field as plain text.",
  ]);
});

Deno.test("merge - validateTemplate names the part in error and joins its messages", () => {
  assert.deepEqual(validateTemplate("Hi {{contact.first_name}}", "<p>{{sender.name}}</p>"), {});
  assert.deepEqual(validateTemplate("Hi {{contact.firstname}} {{contact.firstname}} {{x}}", "<p>ok</p>"), {
    subject:
      "Unknown field {{contact.firstname}} — did you mean {{contact.first_name}}? Unknown field {{x}}.",
  });
  assert.deepEqual(
    validateTemplate(
      "Fine",
      '<p>{{contact.email |}}</p><p><a href="{{contact.email}}">x</a></p><img src="https://x.example/a.png" {{sender.name}}>',
    ),
    {
      html: '{{contact.email |}} needs a fallback in quotes after the |, e.g. {{contact.email | "there"}}. ' +
        "A link cannot start with {{contact.email}} — write the address first, e.g. " +
        "https://example.com/?email={{contact.email}}. {{sender.name}} is inside an HTML tag — move it into the text.",
    },
  );
});

Deno.test("merge - renders a script-like name as text in the body, as is in the subject", () => {
  const ctx = withContact({ firstName: "<script>alert(1)</script>" });
  const out = renderTemplate("Hi {{contact.first_name}}", "<p>Hi {{contact.first_name}}</p>", ctx);
  assert.equal(out.html, "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p>");
  assert.equal(out.subject, "Hi <script>alert(1)</script>");
  assert.deepEqual(out.missing, []);
  assert.deepEqual(out.errors, []);
});

Deno.test("merge - ampersands, quotes and line breaks", () => {
  const ctx = withContact({ company: `Barnes & "Noble"`, title: "VP\r\nBcc: x@evil.example" });
  const out = renderTemplate(
    "{{contact.company}} / {{contact.title}}",
    "<p>{{company.name}}</p>",
    ctx,
  );
  assert.equal(out.html, "<p>Barnes &amp; &quot;Noble&quot;</p>");
  assert.equal(out.subject, `Barnes & "Noble" / VP Bcc: x@evil.example`);
});

Deno.test("merge - fields in attributes: URL-encoded in href/src, attribute-escaped elsewhere", () => {
  const ctx = withContact({ email: "ana+news@globex.example", company: `Barnes & "Noble"` });
  const out = renderTemplate(
    "s",
    '<p><a href="https://x.example/?e={{contact.email}}&amp;c={{company.name}}" title="{{contact.company}}">' +
      "{{contact.company}}</a>" +
      '<a href="mailto:{{contact.email}}">mail</a>' +
      "<img src='https://img.example/{{contact.first_name | &quot;you&quot;}}.png' alt=\"{{contact.first_name}}\"></p>",
    withContact({ ...ctx.contact!, firstName: "" }),
  );
  assert.equal(
    out.html,
    '<p><a href="https://x.example/?e=ana%2Bnews@globex.example&amp;c=Barnes%20%26%20%22Noble%22" ' +
      'title="Barnes &amp; &quot;Noble&quot;">Barnes &amp; &quot;Noble&quot;</a>' +
      '<a href="mailto:ana%2Bnews@globex.example">mail</a>' +
      "<img src='https://img.example/you.png' alt=\"{{contact.first_name}}\"></p>",
  );
  assert.deepEqual(out.missing, ["contact.first_name"]);
  // A value cannot break out of an attribute or inject a scheme.
  const evil = renderTemplate(
    "s",
    '<a href="https://x.example/{{contact.company}}">x</a>',
    withContact({
      company: `" onclick="alert(1)`,
    }),
  );
  assert.equal(evil.html, '<a href="https://x.example/%22%20onclick%3D%22alert(1)">x</a>');
});

Deno.test("merge - empty values use the fallback; without one they are reported, never blank", () => {
  const ctx = withContact({ firstName: "  ", company: null, industry: "" });
  const out = renderTemplate(
    "Hi {{contact.first_name | 'there'}} at {{contact.company}}",
    '<p>Hi {{contact.first_name | "there"}}, {{contact.company}} in {{contact.industry}} {{contact.company}}</p>',
    ctx,
  );
  assert.equal(out.subject, "Hi there at {{contact.company}}");
  assert.equal(out.html, "<p>Hi there, {{contact.company}} in {{contact.industry}} {{contact.company}}</p>");
  assert.deepEqual(out.missing, ["contact.company", "contact.industry"]);

  // No contact at all (one copy shared by several recipients): only fallbacks and sender fields work.
  const shared = renderTemplate(
    "{{sender.first_name}} → {{contact.first_name | 'all'}}",
    "<p>{{contact.full_name}}</p>",
    { sender: ANA.sender, contact: null },
  );
  assert.equal(shared.subject, "Sam → all");
  assert.deepEqual(shared.missing, ["contact.full_name"]);

  // An explicit empty fallback is a deliberate choice, not a missing value.
  assert.deepEqual(renderTemplate("Hi{{contact.industry | ''}}", "", ctx), {
    subject: "Hi",
    html: "",
    missing: [],
    errors: [],
  });
});

Deno.test("merge - fallbacks are escaped like values", () => {
  const ctx = withContact({ company: null });
  const out = renderTemplate(
    `{{contact.company | "R&D <team>"}}`,
    `<p>{{contact.company | "R&amp;D &lt;team&gt;"}}</p>`,
    ctx,
  );
  assert.equal(out.subject, "R&D <team>");
  assert.equal(out.html, "<p>R&amp;D &lt;team&gt;</p>");
});

Deno.test("merge - rendering reports template errors instead of guessing", () => {
  const out = renderTemplate("Hi {{contact.firstname}}", "<p>{{contact.email</p>", ANA);
  assert.equal(out.subject, "Hi {{contact.firstname}}");
  assert.equal(out.html, "<p>{{contact.email</p>");
  assert.deepEqual(out.errors, [
    "Unknown field {{contact.firstname}} — did you mean {{contact.first_name}}?",
    "{{contact.email is not closed — end it with }}, or write \\{{ for literal braces.",
  ]);
});
