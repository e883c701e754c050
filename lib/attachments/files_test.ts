import assert from "node:assert/strict";
import { contentDisposition, formatBytes, safeFilename, servingType } from "./files.ts";

Deno.test("attachments - names, sizes and safe serving", () => {
  assert.equal(formatBytes(999), "999 B");
  assert.equal(formatBytes(1536), "2 KB");
  assert.equal(formatBytes(1_300_000), "1.2 MB");
  assert.equal(safeFilename("../../etc/passwd"), "passwd");
  assert.equal(safeFilename('C:\\Users\\ana\\Pro"posal<1>.pdf'), "Proposal1.pdf");
  assert.equal(
    safeFilename("invoice\u202Efdp.exe"),
    "invoicefdp.exe",
    "no bidi override to make it read .pdf",
  );
  assert.equal(safeFilename(".."), "file");
  assert.deepEqual(servingType("application/pdf"), { type: "application/pdf", inline: true });
  assert.deepEqual(servingType("text/html"), { type: "application/octet-stream", inline: false });
  assert.deepEqual(servingType("image/svg+xml"), { type: "application/octet-stream", inline: false });
  assert.equal(
    contentDisposition("Propuesta año 2027.pdf", true),
    `inline; filename="Propuesta a_o 2027.pdf"; filename*=UTF-8''Propuesta%20a%C3%B1o%202027.pdf`,
  );
});
