import assert from "node:assert/strict";
import { draftLine, type DraftRow, listedAlike, toDraftRow, withDraft } from "./draft_rows.ts";
import type { Message } from "./types.ts";

const draft = (id: string, updatedAt: number, more: Partial<Message> = {}) =>
  ({
    id,
    status: "draft",
    senderId: "ana",
    subject: `Draft ${id}`,
    snippet: "",
    to: [],
    cc: [],
    bcc: [],
    updatedAt,
    ...more,
  }) as unknown as Message;
const ids = (rows: DraftRow[]) => rows.map((r) => r.id);

Deno.test("draft rows - a draft of the viewer's takes its place by when it was saved; anything else leaves", () => {
  const rows = [draft("c", 300), draft("a", 100)].map(toDraftRow);
  assert.deepEqual(ids(withDraft(rows, "b", draft("b", 200), "ana")), ["c", "b", "a"], "joins in its place");
  assert.deepEqual(
    ids(withDraft(rows, "a", draft("a", 400), "ana")),
    ["a", "c"],
    "saved again: moves up, once",
  );
  assert.deepEqual(
    ids(withDraft(rows, "d", draft("d", 300), "ana")),
    ["d", "c", "a"],
    "a tie: newer id first",
  );
  assert.deepEqual(
    ids(withDraft(rows, "c", draft("c", 300, { status: "sending" }), "ana")),
    ["a"],
    "sent: leaves",
  );
  assert.deepEqual(ids(withDraft(rows, "c", draft("c", 300, { status: "scheduled" }), "ana")), ["a"]);
  assert.deepEqual(ids(withDraft(rows, "c", null, "ana")), ["a"], "gone (discarded): leaves");
  assert.deepEqual(ids(withDraft(rows, "b", draft("b", 200, { senderId: "bo" }), "ana")), ["c", "a"], "Bo's");
  assert.equal(withDraft(rows, "x", null, "ana"), rows, "nothing changed: the same list");
});

Deno.test("draft rows - the line says who it is to, how an untitled one begins, and when it was saved", () => {
  const at = Date.UTC(2026, 11, 7, 9, 30);
  const untitled = toDraftRow(
    draft("a", at, { subject: "", snippet: "Hi Ken, following up on the call. ".repeat(3) }),
  );
  assert.match(
    draftLine(untitled, "UTC", at + 60_000),
    /^No recipients yet · “Hi Ken, following up on the call\. .{10,}…” · saved /,
  );
  const titled = toDraftRow(
    draft("b", at, {
      snippet: "Hi",
      to: [{ email: "ken@globex.example", name: "Ken Satō", contactId: null }],
      cc: [{ email: "mo@globex.example", name: "", contactId: null }],
    }),
  );
  assert.equal(draftLine(titled, "UTC", at + 60_000).split(" · ").length, 2, "a subject: no opening");
  assert.match(draftLine(titled, "UTC", at + 60_000), /^To Ken Satō \+1 · saved /);
});

Deno.test("draft rows - two versions list alike unless the subject, the recipients or an untitled opening differ", () => {
  const before = draft("a", 100, { snippet: "Hi Ken" });
  assert.ok(listedAlike(before, draft("a", 200, { snippet: "Hi Ken, more text" })), "a titled draft's body");
  assert.ok(!listedAlike(before, draft("a", 200, { subject: "Pricing" })));
  const ken = [{ email: "ken@globex.example", name: "Ken", contactId: null }];
  assert.ok(!listedAlike(before, draft("a", 200, { to: ken })));
  const untitled = draft("b", 100, { subject: "", snippet: "Hi" });
  assert.ok(!listedAlike(untitled, draft("b", 200, { subject: "", snippet: "Hi Ken" })), "how it begins");
});
