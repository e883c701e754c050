import assert from "node:assert/strict";
import { ApiError } from "./api.ts";
import { reread } from "./reread.ts";

/** A read that fails with these errors, one per try, then answers "fresh". */
function failing(...errors: ApiError[]) {
  let tries = 0;
  return {
    read: () => {
      const error = errors[tries++];
      return error ? Promise.reject(error) : Promise.resolve("fresh");
    },
    tries: () => tries,
  };
}

const offline = new ApiError(0, "network", "Can't reach Beacon.");

Deno.test("reread - a read that fails on the way is tried again after each pause, then answers", async () => {
  const waited: number[] = [];
  let gaveUp = false;
  const read = failing(
    offline,
    new ApiError(503, "error", "Unavailable"),
    new ApiError(429, "rate", "Slow down"),
  );
  const answer = await reread(read.read, {
    delays: [10, 20, 30],
    wait: (ms) => Promise.resolve(void waited.push(ms)),
    gaveUp: () => gaveUp = true,
  });
  assert.equal(answer, "fresh");
  assert.deepEqual(waited, [10, 20, 30]);
  assert.equal(gaveUp, false);
});

Deno.test("reread - a read that keeps failing on the way gives up and says so; a 404 is an answer at once", async () => {
  let gaveUp = 0;
  const always = failing(offline, offline, offline, offline);
  assert.equal(
    await reread(always.read, { delays: [1, 1, 1], wait: async () => {}, gaveUp: () => gaveUp++ }),
    null,
  );
  assert.equal(always.tries(), 4);
  assert.equal(gaveUp, 1);

  const gone = failing(new ApiError(404, "not_found", "No such message."));
  assert.equal(
    await reread(gone.read, { delays: [1, 1], wait: async () => {}, gaveUp: () => gaveUp++ }),
    null,
  );
  assert.equal(gone.tries(), 1, "not tried again");
  assert.equal(gaveUp, 1, "a gone record is no missed update");
});
