import assert from "node:assert/strict";
import { evaluate } from "./evaluate.ts";

const to = ["ken@globex.example", "lee@globex.example"];

Deno.test("alarms - not opened holds until a watched recipient opens", () => {
  const alarm = { condition: "not_opened" as const, recipients: ["lee@globex.example"] };
  assert.deepEqual(evaluate(alarm, { to, opens: [], replies: [] }), { holds: true });
  assert.deepEqual(evaluate(alarm, { to, opens: [{ by: "ken@globex.example", at: 1 }], replies: [] }), {
    holds: true,
  });
  assert.deepEqual(evaluate(alarm, { to, opens: [{ by: "LEE@globex.example", at: 2 }], replies: [] }), {
    holds: false,
    outcome: "Opened by LEE@globex.example",
  });
  assert.equal(
    evaluate(alarm, { to, opens: [{ by: null, at: 3 }], replies: [] }).holds,
    false,
    "an unattributed open settles it",
  );
});

Deno.test("alarms - no reply holds until a watched recipient replies; reminders always hold", () => {
  const all = { condition: "no_reply" as const, recipients: [] };
  assert.equal(
    evaluate(all, { to, opens: [{ by: null, at: 1 }], replies: [] }).holds,
    true,
    "opens don't settle it",
  );
  assert.deepEqual(evaluate(all, { to, opens: [], replies: [{ by: "lee@globex.example", at: 2 }] }), {
    holds: false,
    outcome: "lee@globex.example replied",
  });
  const names = { "lee@globex.example": "Lee Park" };
  assert.deepEqual(evaluate(all, { to, opens: [], replies: [{ by: "LEE@globex.example", at: 2 }], names }), {
    holds: false,
    outcome: "Lee Park replied",
  }, "said by name when the email had one for them");
  assert.equal(
    evaluate({ condition: "reminder", recipients: [] }, {
      to,
      opens: [],
      replies: [{ by: "ken@globex.example", at: 1 }],
    }).holds,
    true,
  );
});
