import assert from "node:assert/strict";
import { isolated, withoutBidiControls } from "./bidi.ts";

Deno.test("bidi - right-to-left names are isolated in Beacon's lines; left-to-right text is left as it is", () => {
  assert.equal(isolated("Ken Satō"), "Ken Satō");
  assert.equal(isolated("محمد الهاشمي"), "\u2068محمد الهاشمي\u2069");
  assert.equal(isolated("נועה כהן"), "\u2068נועה כהן\u2069");
  assert.equal(
    isolated("\u202Egnp.exe"),
    "\u2068\u202Egnp.exe\u2069",
    "an override is closed by the isolate",
  );
  assert.equal(isolated("Ken"), "Ken", "a global pattern's position doesn't leak between calls");
});

Deno.test("bidi - typed lines lose explicit embeddings, overrides and isolates, and keep every letter", () => {
  assert.equal(withoutBidiControls("Invoice for \u202Efdp.exe"), "Invoice for fdp.exe");
  assert.equal(withoutBidiControls("\u2067שלום\u2069 Ana"), "שלום Ana");
  assert.equal(withoutBidiControls("عرض الأسعار 2025"), "عرض الأسعار 2025");
  assert.equal(withoutBidiControls("\u200Fmark stays\u200E"), "\u200Fmark stays\u200E", "marks are harmless");
});
