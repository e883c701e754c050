import assert from "node:assert/strict";
import { benchArgs } from "./args.ts";

const spec = { numbers: { duration: 10, "quiet-wait": 120 }, strings: { app: "" }, flags: ["keep"] } as const;

Deno.test("bench args - both spellings, defaults, flags and positionals", () => {
  const a = benchArgs(spec, ["--duration", "5", "--quiet-wait=0", "--keep", "http://127.0.0.1:1/"]);
  assert.deepEqual(a.num, { duration: 5, "quiet-wait": 0 });
  assert.deepEqual(a.str, { app: "" });
  assert.deepEqual(a.flag, { keep: true });
  assert.deepEqual(a.positionals, ["http://127.0.0.1:1/"]);
  const b = benchArgs(spec, ["--app", "/tmp/other"]);
  assert.deepEqual(b.num, { duration: 10, "quiet-wait": 120 });
  assert.equal(b.str.app, "/tmp/other");
  assert.equal(b.flag.keep, false);
});

Deno.test("bench args - an unknown option or a bad number stops with a line naming it", async () => {
  for (
    const [args, said] of [[["--durration", "5"], /durration/], [
      ["--duration", "ten"],
      /--duration takes a number, not "ten"/,
    ]] as const
  ) {
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { benchArgs } from "${new URL("./args.ts", import.meta.url)}"; benchArgs(${
          JSON.stringify(spec)
        }, ${JSON.stringify(args)});`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(child.code, 2);
    assert.match(new TextDecoder().decode(child.stderr), said);
  }
});
