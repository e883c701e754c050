import assert from "node:assert/strict";
import {
  type Classification,
  classify,
  classifyAll,
  countsAsHuman,
  neighboursToRecheck,
  RULES_VERSION,
  toFacts,
  truncateAddress,
} from "./classify.ts";
import { ADDR, ev, MIN, open, UA } from "./test_fixtures.ts";

const verdict = (c: Classification) => [c.verdict, c.kind, c.viaProxy];

Deno.test("classify - any strong machine signal makes a machine, kind from the first by priority", () => {
  const c = classify(ev({ method: "HEAD", honeypot: true, index: 7 }));
  assert.deepEqual(verdict(c), ["machine", "prefetch", null]);
  assert.deepEqual(c.reasons.map((r) => r.rule), ["head_request", "honeypot"]);
  assert.ok(
    !c.reasons.some((r) => r.rule === "known_client"),
    "a machine's reasons do not argue for a person",
  );
});

Deno.test("classify - two weak signals agree: machine; one alone: still a person, with the reason shown", () => {
  const one = classify(ev({ sinceSendMs: 30_000 }));
  assert.deepEqual(verdict(one), ["human", null, null]);
  assert.deepEqual(one.reasons.map((r) => [r.rule, r.weight]), [["known_client", "weak"], [
    "early_click",
    "weak",
  ]]);
  const two = classify(ev({ sinceSendMs: 30_000, clientAddress: ADDR.microsoftMail }));
  assert.deepEqual(verdict(two), ["machine", "scanner", null]);
  assert.deepEqual(two.reasons.map((r) => r.rule), ["early_click", "listed_network"]);
});

Deno.test("classify - a recognised client with no signals is a person; nothing recognised is unknown", () => {
  assert.equal(classify(open({ userAgent: UA.thunderbirdWindows })).verdict, "human");
  const unknown = classify(ev({ userAgent: "Mozilla/5.0 (FooOS 3; Bar)" }));
  assert.deepEqual(verdict(unknown), ["unknown", null, null]);
  assert.equal(unknown.reasons[0].rule, "unrecognised");
  const weakUnknown = classify(ev({ userAgent: "", sinceSendMs: 30_000 }));
  assert.equal(weakUnknown.verdict, "unknown", "one weak signal does not make a machine");
  assert.deepEqual(weakUnknown.reasons.map((r) => r.rule), ["unrecognised", "early_click"]);
});

Deno.test("classify - every classification carries the rules version", () => {
  assert.equal(typeof RULES_VERSION, "number");
  assert.equal(classify(ev()).rulesVersion, RULES_VERSION);
  assert.equal(classify(ev({ userAgent: "" })).rulesVersion, RULES_VERSION);
});

Deno.test("classify - the context defaults to none and is not modified", () => {
  const earlier = [
    ev({ index: 1, sinceSendMs: 60 * MIN - 200 }),
    ev({ index: 2, sinceSendMs: 60 * MIN - 100 }),
  ];
  const copy = structuredClone(earlier);
  assert.equal(classify(ev(), { earlier }).verdict, "machine");
  assert.deepEqual(earlier, copy);
  assert.equal(classify(ev()).verdict, "human");
});

Deno.test("classify - the same event given in its own context is not counted twice", () => {
  const click = ev({ index: 3 });
  assert.deepEqual(verdict(classify(click, { earlier: [click, { ...click }] })), ["human", null, null]);
  const trap = ev({ index: 9, honeypot: true });
  assert.deepEqual(classify(trap, { earlier: [trap] }).reasons.map((r) => r.rule), ["honeypot"]);
});

Deno.test("classify - classifyAll returns results in input order, judged with all other events", () => {
  const t = 45 * MIN;
  const events = [
    ev({ index: 2, sinceSendMs: t + 800 }),
    open({ sinceSendMs: 5 * MIN }),
    ev({ index: 0, sinceSendMs: t }),
    ev({ index: 1, sinceSendMs: t + 350 }),
  ];
  const all = classifyAll(events);
  assert.deepEqual(all.map((c) => c.verdict), ["machine", "human", "machine", "machine"]);
  assert.deepEqual(classifyAll([]), []);
});

Deno.test("classify - neighboursToRecheck lists earlier link events close enough to change verdict", () => {
  const earlier = [
    open({ sinceSendMs: 10 * MIN }),
    ev({ index: 0, sinceSendMs: 20 * MIN - 1_900 }),
    ev({ index: 1, sinceSendMs: 20 * MIN - 5_000 }),
    ev({ type: "attachment_view", index: 0, sinceSendMs: 20 * MIN - 300 }),
  ];
  assert.deepEqual(neighboursToRecheck(ev({ index: 9, honeypot: true, sinceSendMs: 20 * MIN }), earlier), [
    1,
    3,
  ]);
  assert.deepEqual(
    neighboursToRecheck(open({ sinceSendMs: 20 * MIN }), earlier),
    [],
    "opens change no verdict",
  );
});

Deno.test("classify - countsAsHuman follows the team setting for Apple's proxy only", () => {
  const mpp = classify(
    open({ userAgent: UA.applePrivacyProxy, clientAddress: ADDR.apple, sinceSendMs: 2_000 }),
  );
  const gmail = classify(open({ userAgent: UA.gmailProxy, clientAddress: ADDR.googleProxy }));
  const person = classify(ev());
  const scanner = classify(ev({ userAgent: UA.barracuda }));
  const unknown = classify(ev({ userAgent: "" }));
  for (const countProxyOpens of [false, true]) {
    assert.equal(countsAsHuman(gmail, { countProxyOpens }), true, "image proxies are people");
    assert.equal(countsAsHuman(person, { countProxyOpens }), true);
    assert.equal(countsAsHuman(scanner, { countProxyOpens }), false);
    assert.equal(countsAsHuman(unknown, { countProxyOpens }), false);
    assert.equal(countsAsHuman(mpp, { countProxyOpens }), countProxyOpens);
  }
});

Deno.test("classify - toFacts takes a recorded event; truncateAddress is re-exported", () => {
  const recorded = {
    id: "01J",
    teamId: "t",
    messageId: "m",
    type: "click" as const,
    at: 1,
    recipient: 0,
    index: 2,
    url: "https://example.com",
    method: "GET",
    userAgent: UA.chromeWindows,
    clientAddress: ADDR.home,
    headers: { accept: "text/html" },
    sinceSendMs: 1,
    prefetch: false,
  };
  const facts = toFacts(recorded, true);
  assert.deepEqual(facts, {
    type: "click",
    at: 1,
    method: "GET",
    userAgent: UA.chromeWindows,
    clientAddress: ADDR.home,
    headers: { accept: "text/html" },
    sinceSendMs: 1,
    index: 2,
    honeypot: true,
  });
  assert.equal(toFacts({ ...recorded, type: "open", index: null }).honeypot, false);
  assert.equal(truncateAddress(ADDR.home), "203.0.113.0");
});
