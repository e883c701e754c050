import assert from "node:assert/strict";
import { type MessageRow, withLiveRow } from "./rows.ts";

const row = (id: string) => ({ id }) as MessageRow;
const ids = (rows: MessageRow[]) => rows.map((r) => r.id);
const page = [row("05"), row("04"), row("02")];

Deno.test("rows - a live message newer than the page shows goes on top", () => {
  assert.deepEqual(ids(withLiveRow(page, row("06"))), ["06", "05", "04", "02"]);
  assert.deepEqual(ids(withLiveRow([], row("01"))), ["01"], "an empty first page takes anything");
});

Deno.test("rows - a live message older than the page shows is left for a later page", () => {
  // Catch-up on connect replays updates for messages a full first page left to the second.
  assert.equal(withLiveRow(page, row("01")), page);
});

Deno.test("rows - a live message within the page's range goes in its place, as a reload would show it", () => {
  // A draft written before the others and sent only now.
  assert.deepEqual(ids(withLiveRow(page, row("03"))), ["05", "04", "03", "02"]);
});
