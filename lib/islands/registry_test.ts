import assert from "node:assert/strict";
import { islands } from "../../islands/registry.ts";

Deno.test("islands - every island file is in the registry, and nothing else", async () => {
  const files: string[] = [];
  for await (const entry of Deno.readDir(new URL("../../islands/", import.meta.url))) {
    if (entry.isFile && entry.name.endsWith(".tsx") && !entry.name.endsWith("_test.tsx")) {
      files.push(entry.name.replace(/\.tsx$/, ""));
    }
  }
  assert.deepEqual(files.sort(), Object.keys(islands).sort());
  for (const load of Object.values(islands)) {
    assert.equal(typeof (await load()).default, "function");
  }
});
