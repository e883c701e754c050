/**
 * deno task bench:search — what searching the activity list costs. KV has no text index, so a search reads
 * through the team's messages until it fills a page (lib/messages/list.ts). Writes --count sent messages (the
 * stored shape, two recipients each, a third of them opened) into a KV file, then times listActivity's first
 * page: unfiltered (the baseline), a search that matches every message, one that matches a few, and one that
 * matches none (the worst case: the whole index is read). Prints each one's median and its ratio to the
 * baseline, and this process's peak RSS.
 *
 *   deno task bench:search [--count 5000] [--rounds 7]
 */
import { listActivity } from "../lib/messages/list.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import type { Message } from "../lib/messages/types.ts";
import { newId } from "../lib/storage/ids.ts";
import { trackingKeys } from "../lib/tracking/keys.ts";
import { emptyStats } from "../lib/tracking/types.ts";
import { int, mb, procStatusKb, table } from "./lib.ts";
import { benchArgs } from "./args.ts";

const { count: COUNT, rounds: ROUNDS } = benchArgs({ numbers: { count: 5000, rounds: 7 } }).num;
const TEAM = "team-1", SELLER = "user-1";

function message(i: number, at: number): Message {
  const id = newId(at);
  const recipient = (n: number) => ({
    email: `buyer${n}@company${n % 97}.example`,
    name: `Buyer ${n}`,
    contactId: null,
  });
  return {
    id,
    teamId: TEAM,
    senderId: SELLER,
    status: "sent",
    to: [recipient(i)],
    cc: [recipient(i + COUNT)],
    bcc: [],
    subject: `Proposal ${i} for the spring roll-out`,
    bodyChunks: 1,
    snippet: "Hi, here is the proposal we discussed on our call, with pricing for the first year.",
    regarding: null,
    followWanted: true,
    follow: "following",
    blockedBy: [],
    sendIndividually: false,
    groupId: null,
    contactIds: [],
    companyIds: [],
    rfcMessageId: `<${id}@acme.example>`,
    providerId: null,
    links: ["https://example.com/pricing", "https://example.com/case-study"],
    job: null,
    sendAttempt: 1,
    failure: null,
    lateByMs: null,
    recipientTime: null,
    attachments: [],
    template: null,
    createdAt: at,
    updatedAt: at,
    queuedAt: at,
    sentAt: at,
  };
}

const path = await Deno.makeTempFile({ prefix: "beacon-bench-search-", suffix: ".kv" });
const kv = await Deno.openKv(path);
try {
  const start = Date.now() - COUNT * 60_000;
  for (let i = 0; i < COUNT; i += 100) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(COUNT, i + 100); j++) {
      const m = message(j, start + j * 60_000);
      op.set(messageKeys.message(TEAM, m.id), m);
      op.set(trackingKeys.stats(TEAM, m.id), { ...emptyStats(m, m.sentAt!), opens: j % 3 === 0 ? 1 : 0 });
    }
    await op.commit();
  }
  const cases = [
    ["first page, no search (baseline)", ""],
    ["search matching every message", "proposal"],
    ["search matching a few", "company42 buyer"],
    ["search matching none (reads all)", "invoice"],
  ] as const;
  const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  const found = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, q] of cases) {
      const t0 = performance.now();
      const page = await listActivity(kv, TEAM, { scope: "team", userId: SELLER, q });
      times.get(name)!.push(performance.now() - t0);
      found.set(name, page.items.length);
    }
  }
  const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(times.get(cases[0][0])!);
  console.log(`activity search over ${int(COUNT)} messages in a KV file, median of ${ROUNDS} rounds`);
  console.log(table([
    ["case", "found", "median", "× baseline"],
    ...cases.map(([name]) => {
      const m = median(times.get(name)!);
      return [name, String(found.get(name)), `${m.toFixed(1)} ms`, (m / base).toFixed(1)];
    }),
  ]));
  console.log(`peak RSS of this process: ${mb(procStatusKb(Deno.pid, "VmHWM"))}`);
} finally {
  kv.close();
  await Deno.remove(path);
}
