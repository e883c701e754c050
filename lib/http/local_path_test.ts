import assert from "node:assert/strict";
import { localPath } from "./local_path.ts";

Deno.test("local path - this site's pages are kept, as a browser reads them", () => {
  assert.equal(localPath("/messages/1?tab=events#history"), "/messages/1?tab=events#history");
  assert.equal(localPath("/"), "/");
});

Deno.test("local path - anything that leads off the site is refused", () => {
  for (
    const bad of [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "\r/\\evil.example",
      "/.//evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "",
      null,
      42,
    ]
  ) assert.equal(localPath(bad), null, JSON.stringify(bad));
});
