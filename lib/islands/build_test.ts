import assert from "node:assert/strict";
import { refuseServerImports } from "./build.ts";

Deno.test("island build - a bundle importing a Node built-in is refused, naming the chunk and the import", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/chunk-OK.js`, 'import{h as e}from"./chunk-A.js";const n="node";');
    await refuseServerImports(dir);
    await Deno.writeTextFile(`${dir}/chunk-BAD.js`, 'import{isDeepStrictEqual as t}from"node:util";');
    await assert.rejects(
      refuseServerImports(dir),
      /chunk-BAD\.js imports node:util, which browsers can't load/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
