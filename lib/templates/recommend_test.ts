import assert from "node:assert/strict";
import { evidenceLevels, NO_TARGET, type RecipientFacts, recommend, type Target } from "./recommend.ts";
import type { Send } from "./stats.ts";
import type { Template } from "./types.ts";

let n = 0;
function sends(count: number, replies: number, over: Partial<Send>): Send[] {
  return Array.from({ length: count }, (_, i) => ({
    messageId: `m${n++}`,
    template: null,
    senderId: "u",
    sentAt: 0,
    contactIds: [],
    opened: false,
    clicked: false,
    replied: i < replies,
    replyMs: i < replies ? 1000 : null,
    ...over,
  }));
}

const ANA: Target = {
  contactId: "ana",
  contactName: "Ana Lima",
  companyId: "globex",
  companyName: "Globex",
  role: "Sales",
  industry: "Logistics",
};

const FACTS = new Map<string, RecipientFacts>([
  ["ana", { companyId: "globex", role: "Sales", industry: "Logistics" }],
  ["bo", { companyId: "globex", role: "Engineering", industry: "Logistics" }],
  ["rep", { companyId: "initech", role: "Sales", industry: "Software" }],
  ["cy", { companyId: "hooli", role: null, industry: "logistics " }],
  ["dee", { companyId: null, role: null, industry: "" }],
]);

const template = (id: string, name: string) => ({ id, name }) as Template;

Deno.test("recommend - evidence levels count the sends whose To contacts match, closest first", () => {
  const list = [
    ...sends(2, 1, { contactIds: ["ana"] }),
    ...sends(3, 1, { contactIds: ["bo"] }),
    ...sends(4, 2, { contactIds: ["rep"] }),
    ...sends(5, 0, { contactIds: ["cy"] }),
    ...sends(6, 3, { contactIds: ["dee", "unknown"] }),
  ];
  const levels = evidenceLevels(list, FACTS, ANA);
  assert.deepEqual(levels.map((l) => [l.kind, l.label, l.outcome.sends, l.outcome.replies]), [
    ["contact", "Ana Lima", 2, 1],
    ["company", "Globex", 5, 2],
    ["title", "people in Sales roles", 6, 3],
    ["industry", "companies in Logistics", 10, 2],
    ["team", "the whole team", 20, 7],
  ]);
  // A target without a contact (a shared copy) is judged on the team level only.
  assert.deepEqual(evidenceLevels(list, FACTS, NO_TARGET).map((l) => l.kind), ["team"]);
  // No company, no role family, no industry: those levels are left out.
  assert.deepEqual(
    evidenceLevels(list, FACTS, { ...NO_TARGET, contactId: "dee", contactName: "Dee" }).map((l) => l.kind),
    ["contact", "team"],
  );
});

Deno.test("recommend - the documented example: Sales roles evidence, starred, against the team's 14%", () => {
  // Pricing: Globex 4/3 (not Sales roles), Sales 64/20 (Initech), the rest 132/7: 200/30 in all. The team's
  // other sends bring it to 990/139, an average of exactly 14%.
  const pricing = [
    ...sends(4, 3, { contactIds: ["bo"] }),
    ...sends(64, 20, { contactIds: ["rep"] }),
    ...sends(132, 7, { contactIds: ["dee"] }),
  ].map((s) => ({ ...s, template: { id: "pricing", version: 1 } }));
  const followUp = [
    ...sends(12, 4, { contactIds: ["bo"] }),
    ...sends(48, 6, { contactIds: ["rep"] }),
    ...sends(20, 2, { contactIds: ["dee"] }),
  ].map((s) => ({ ...s, template: { id: "follow", version: 2 } }));
  const other = sends(990 - 200 - 80, 139 - 30 - 12, {});
  const result = recommend(
    [template("follow", "Follow-up"), template("pricing", "Pricing"), template("new", "New")],
    [...pricing, ...followUp, ...other],
    FACTS,
    ANA,
  );
  assert.equal(result.teamAverage, 0.14);
  assert.deepEqual(result.ranked.map((r) => r.name), ["Pricing", "Follow-up", "New"]);
  const [best, second, fresh] = result.ranked;
  assert.equal(
    best.explanation,
    "Recommended: 27% replies over 64 sends to people in Sales roles (team average 14%)",
  );
  assert.equal(second.level.kind, "company", "12 sends at Globex: closer evidence wins");
  assert.equal(second.explanation, "21% expected reply rate over 12 sends at Globex (team average 14%)");
  assert.equal(fresh.explanation, "Not enough sends yet (0) — shown with the team average (14%)");
});
