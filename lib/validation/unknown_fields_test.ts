import assert from "node:assert/strict";
import { z } from "zod";
import { unknownFields } from "./unknown_fields.ts";

const Draft = z.object({
  subject: z.string().optional(),
  to: z.array(z.object({ email: z.string(), name: z.string().optional() })).optional(),
  hours: z.object({ start: z.string() }).nullable().optional(),
  meta: z.record(z.string(), z.string()).optional(),
  at: z.string().transform((s) => new Date(s)).optional(),
});

const unknown = (body: unknown) => unknownFields(body, Draft.parse(body));

Deno.test("unknownFields - a body the schema reads whole has none", () => {
  assert.deepEqual(
    unknown({ subject: "Hi", to: [{ email: "a@x.test", name: "A" }], hours: null, meta: { any: "key" } }),
    [],
  );
});

Deno.test("unknownFields - names each key the schema dropped, nested ones by their path", () => {
  assert.deepEqual(
    unknown({
      subjet: "Hi",
      to: [{ email: "a@x.test" }, { email: "b@x.test", nmae: "B" }],
      hours: { start: "09:00", end: "x" },
    }),
    ["subjet", "to.1.nmae", "hours.end"],
  );
});

Deno.test("unknownFields - a value parsing turned into another kind has nothing to compare", () => {
  assert.deepEqual(unknown({ at: "2026-12-07T10:00:00Z" }), []);
  assert.deepEqual(unknownFields("text", { a: 1 }), []);
  assert.deepEqual(unknownFields({ a: 1 }, null), []);
});
