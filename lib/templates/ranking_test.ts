import assert from "node:assert/strict";
import {
  betaCdf,
  betaQuantile,
  type Candidate,
  CREDIBLE_MASS,
  type EvidenceLevel,
  levelLabel,
  median,
  MIN_LEVEL_SENDS,
  MIN_SENDS_TO_RECOMMEND,
  type Outcome,
  posterior,
  PRIOR_STRENGTH,
  priorMean,
  rankTemplates,
  rate,
  teamAverageNote,
  teamPrior,
  titleRole,
} from "./ranking.ts";

/** 139 replies over 990 followed sends: with the 10 imaginary sends at 10%, the team average is exactly 14%. */
const TEAM: Outcome = { sends: 990, replies: 139 };

function close(actual: number, expected: number, tolerance: number, what = "") {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} is not within ${tolerance} of ${expected}`,
  );
}

function level(kind: EvidenceLevel["kind"], label: string, sends: number, replies: number): EvidenceLevel {
  return { kind, label, outcome: { sends, replies } };
}

function teamOnly(templateId: string, sends: number, replies: number, name = templateId): Candidate {
  return { templateId, name, levels: [level("team", "the whole team", sends, replies)] };
}

/**
 * An independent Beta quantile: the density integrated numerically (trapezoid rule on a fine grid, normalized by
 * its own total, so no gamma function is involved), then inverted by linear interpolation.
 */
function integratedQuantile(p: number, a: number, b: number, steps = 200_000): number {
  const h = 1 / steps;
  const logDensity = (x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x);
  let peak = -Infinity;
  for (let i = 1; i < steps; i++) peak = Math.max(peak, logDensity(i * h));
  const density = (i: number) => (i === 0 || i === steps ? 0 : Math.exp(logDensity(i * h) - peak));
  const cumulative = [0];
  for (let i = 1; i <= steps; i++) {
    cumulative.push(cumulative[i - 1] + ((density(i - 1) + density(i)) * h) / 2);
  }
  const total = cumulative[steps];
  const target = p * total;
  let i = 1;
  while (cumulative[i] < target) i++;
  const fraction = (target - cumulative[i - 1]) / (cumulative[i] - cumulative[i - 1]);
  return (i - 1 + fraction) * h;
}

Deno.test("ranking - constants are the documented ones", () => {
  assert.equal(PRIOR_STRENGTH, 20);
  assert.equal(CREDIBLE_MASS, 0.9);
  assert.equal(MIN_LEVEL_SENDS, 10);
  assert.equal(MIN_SENDS_TO_RECOMMEND, 30);
});

Deno.test("ranking - Beta CDF against closed forms", () => {
  for (const x of [0.01, 0.2, 0.5, 0.77, 0.99]) {
    close(betaCdf(x, 1, 1), x, 1e-12, "uniform");
    close(betaCdf(x, 3, 1), x ** 3, 1e-12, "Beta(3,1)");
    close(betaCdf(x, 1, 4), 1 - (1 - x) ** 4, 1e-12, "Beta(1,4)");
    close(betaCdf(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)), 1e-10, "arcsine");
    close(betaCdf(x, 2.8, 17.2) + betaCdf(1 - x, 17.2, 2.8), 1, 1e-12, "symmetry");
  }
  assert.equal(betaCdf(0, 2, 3), 0);
  assert.equal(betaCdf(1, 2, 3), 1);
  assert.throws(() => betaCdf(0.5, 0, 1), RangeError);
});

Deno.test("ranking - Beta quantiles: known values", () => {
  close(betaQuantile(0.5, 2, 3), 0.3857, 1e-4, "Beta(2,3) median");
  // scipy.stats.beta.ppf(0.5, 2, 3) = 0.3857275681323895
  close(betaQuantile(0.5, 2, 3), 0.3857275681, 1e-9, "Beta(2,3) median");
  for (const p of [0.05, 0.5, 0.95]) {
    close(betaQuantile(p, 1, 1), p, 1e-10);
    close(betaQuantile(p, 3, 1), p ** (1 / 3), 1e-10);
    close(betaQuantile(p, 1, 4), 1 - (1 - p) ** (1 / 4), 1e-10);
  }
  assert.equal(betaQuantile(0, 2, 3), 0);
  assert.equal(betaQuantile(1, 2, 3), 1);
});

Deno.test("ranking - Beta(41, 111) quantiles match numeric integration", () => {
  // 40 replies over 150 sends on a flat Beta(1, 1) prior.
  const expected = { 0.05: 0.2124682, 0.5: 0.2687247, 0.95: 0.3304612 }; // scipy.stats.beta.ppf
  for (const [p, value] of Object.entries(expected)) {
    const q = betaQuantile(Number(p), 41, 111);
    close(q, integratedQuantile(Number(p), 41, 111), 1e-4, `q(${p}) vs integration`);
    close(q, value, 1e-6, `q(${p}) vs scipy`);
  }
});

Deno.test("ranking - posterior interval matches numeric integration", () => {
  const prior = teamPrior(TEAM);
  for (const o of [{ sends: 150, replies: 40 }, { sends: 3, replies: 2 }, { sends: 0, replies: 0 }]) {
    const a = prior.alpha + o.replies;
    const b = prior.beta + o.sends - o.replies;
    const post = posterior(prior, o);
    close(post.mean, a / (a + b), 1e-15);
    close(post.low, integratedQuantile(0.05, a, b), 1e-4, `low ${o.replies}/${o.sends}`);
    close(post.high, integratedQuantile(0.95, a, b), 1e-4, `high ${o.replies}/${o.sends}`);
  }
  // Fixed numbers used in docs/TEMPLATE_RECOMMENDATIONS.md.
  const big = posterior(prior, { sends: 150, replies: 40 });
  close(big.mean, 42.8 / 170, 1e-12);
  close(big.low, 0.198863, 1e-6);
  close(big.high, 0.307996, 1e-6);
  const none = posterior(prior, { sends: 0, replies: 0 });
  close(none.low, 0.038872, 1e-6);
  close(none.high, 0.282471, 1e-6);
});

Deno.test("ranking - team prior: team rate with a default for young teams", () => {
  assert.deepEqual(roundPrior(teamPrior(TEAM)), { alpha: 2.8, beta: 17.2 });
  close(priorMean(teamPrior(TEAM)), 0.14, 1e-12);
  // No data yet: 10%, strength 20.
  assert.deepEqual(roundPrior(teamPrior({ sends: 0, replies: 0 })), { alpha: 2, beta: 18 });
  // 0 replies out of 100 still gives a proper prior (mean 1/110).
  const cold = teamPrior({ sends: 100, replies: 0 });
  assert.ok(cold.alpha > 0 && cold.beta > 0);
  close(priorMean(cold), 1 / 110, 1e-12);
  close(cold.alpha + cold.beta, PRIOR_STRENGTH, 1e-12);
  assert.throws(() => teamPrior({ sends: 3, replies: 4 }), RangeError);
  assert.throws(() => teamPrior({ sends: -1, replies: 0 }), RangeError);
  assert.throws(() => posterior(teamPrior(TEAM), { sends: 2.5, replies: 1 }), RangeError);
});

function roundPrior(p: { alpha: number; beta: number }) {
  return { alpha: Math.round(p.alpha * 1e9) / 1e9, beta: Math.round(p.beta * 1e9) / 1e9 };
}

Deno.test("ranking - 2 of 3 does not outrank 40 of 150", () => {
  const prior = teamPrior(TEAM);
  // Even on its own 3 sends, shrinkage puts 2/3 (67% raw) at 20.9%, below 40/150 at 25.2%.
  close(posterior(prior, { sends: 3, replies: 2 }).mean, 4.8 / 23, 1e-12);
  close(posterior(prior, { sends: 150, replies: 40 }).mean, 42.8 / 170, 1e-12);

  const ranked = rankTemplates([
    teamOnly("small", 3, 2, "Quick intro"),
    teamOnly("big", 150, 40, "Case study"),
  ], TEAM);
  assert.deepEqual(ranked.map((r) => r.templateId), ["big", "small"]);
  assert.equal(ranked[0].recommended, true);
  assert.equal(
    ranked[0].explanation,
    "Recommended: 25% replies over 150 sends across the whole team (team average 14%)",
  );
  close(ranked[0].low, 0.198863, 1e-6);
  // Under MIN_LEVEL_SENDS everywhere: shown with the team average, not its own 67%.
  assert.equal(ranked[1].recommended, false);
  close(ranked[1].expected, 0.14, 1e-12);
  assert.equal(ranked[1].explanation, "Not enough sends yet (3) — shown with the team average (14%)");
});

Deno.test("ranking - closest level with enough sends is used, falling back outward", () => {
  const ranked = rankTemplates(
    [
      {
        templateId: "globex",
        name: "Follow-up",
        levels: [
          level("contact", "Ana Lima", 2, 2),
          level("company", "Globex", 12, 4),
          level("title", "people in Sales roles", 60, 10),
          level("team", "the whole team", 80, 12),
        ],
      },
      {
        templateId: "sales",
        name: "Pricing",
        levels: [
          level("contact", "Ana Lima", 0, 0),
          level("company", "Globex", 4, 3),
          level("title", "people in Sales roles", 64, 20),
          level("team", "the whole team", 200, 30),
        ],
      },
      {
        templateId: "logistics",
        name: "Ops angle",
        levels: [level("industry", "companies in Logistics", 9, 6), level("team", "the whole team", 40, 12)],
      },
      {
        templateId: "exact",
        name: "Check-in",
        levels: [level("contact", "Ana Lima", 10, 1), level("team", "the whole team", 300, 90)],
      },
    ],
    TEAM,
  );
  const byId = Object.fromEntries(ranked.map((r) => [r.templateId, r]));
  assert.equal(byId.globex.level.kind, "company");
  assert.equal(byId.sales.level.kind, "title");
  assert.equal(byId.logistics.level.kind, "team");
  assert.equal(byId.exact.level.kind, "contact"); // exactly MIN_LEVEL_SENDS is enough
  assert.deepEqual(ranked.map((r) => r.templateId), ["sales", "logistics", "globex", "exact"]);
  assert.deepEqual(ranked.map((r) => r.explanation), [
    "Recommended: 27% replies over 64 sends to people in Sales roles (team average 14%)",
    "25% expected reply rate over 40 sends across the whole team (team average 14%)",
    "21% expected reply rate over 12 sends at Globex (team average 14%)",
    "13% expected reply rate over 10 sends to Ana Lima (team average 14%)",
  ]);
  close(byId.sales.expected, 22.8 / 84, 1e-12);
  close(byId.globex.expected, 6.8 / 32, 1e-12);
  close(byId.exact.expected, 3.8 / 30, 1e-12);
  close(byId.logistics.expected, 14.8 / 60, 1e-12);
  close(byId.sales.low, 0.195256, 1e-6);
  close(byId.sales.high, 0.353824, 1e-6);
});

Deno.test("ranking - a candidate without the team level is a caller error", () => {
  assert.throws(
    () =>
      rankTemplates([{ templateId: "x", name: "X", levels: [level("contact", "Ana Lima", 20, 5)] }], TEAM),
    RangeError,
  );
  assert.throws(() => rankTemplates([teamOnly("x", 5, 6)], TEAM), RangeError);
});

Deno.test("ranking - ties: mean, then lower bound, then sends, then name", () => {
  const prior = teamPrior(TEAM);
  // 14/100 and 28/200 both have posterior mean 14%; the one with more evidence has the higher lower bound.
  close(posterior(prior, { sends: 100, replies: 14 }).mean, 0.14, 1e-12);
  close(posterior(prior, { sends: 200, replies: 28 }).mean, 0.14, 1e-12);
  const byLow = rankTemplates([teamOnly("a", 100, 14, "Alpha"), teamOnly("b", 200, 28, "Beta")], TEAM);
  assert.deepEqual(byLow.map((r) => r.templateId), ["b", "a"]);
  close(byLow[0].low, 0.103548, 1e-6);
  close(byLow[1].low, 0.091725, 1e-6);

  // Not enough sends anywhere: same mean and interval (the team's); more sends first, then name, then id.
  const bySends = rankTemplates(
    [
      teamOnly("t1", 3, 0, "Zebra"),
      teamOnly("t2", 9, 9, "Zebra"),
      teamOnly("t3", 3, 3, "Apple"),
      teamOnly("t0", 3, 1, "Zebra"),
    ],
    TEAM,
  );
  assert.deepEqual(bySends.map((r) => r.templateId), ["t2", "t3", "t0", "t1"]);
  assert.ok(bySends.every((r) => !r.recommended && r.expected === bySends[0].expected));
  assert.equal(bySends[0].explanation, "Not enough sends yet (9) — shown with the team average (14%)");

  // Identical results: name decides, regardless of input order.
  const byName = rankTemplates(
    [teamOnly("2", 150, 40, "Case study"), teamOnly("1", 150, 40, "Breakup")],
    TEAM,
  );
  assert.deepEqual(byName.map((r) => r.name), ["Breakup", "Case study"]);
  assert.deepEqual(byName.map((r) => r.recommended), [true, false]);
});

Deno.test("ranking - the star: top only, enough sends, lower bound above the team average", () => {
  // Top by mean (33.8%) but only 12 sends at Globex: no star.
  const few = rankTemplates(
    [
      {
        templateId: "g",
        name: "G",
        levels: [level("company", "Globex", 12, 8), level("team", "the whole team", 12, 8)],
      },
      teamOnly("b", 150, 40),
    ],
    TEAM,
  );
  assert.equal(few[0].templateId, "g");
  assert.deepEqual(few.map((r) => r.recommended), [false, false]);
  assert.equal(few[0].explanation, "34% expected reply rate over 12 sends at Globex (team average 14%)");

  // Top with 35 sends, but its interval (10.1%–26.9%) still includes the team average: no star.
  const unsure = rankTemplates([teamOnly("u", 35, 7), teamOnly("n", 5, 1)], TEAM);
  assert.equal(unsure[0].templateId, "u");
  close(unsure[0].low, 0.10118, 1e-5);
  close(unsure[0].high, 0.26858, 1e-5);
  assert.equal(unsure[0].recommended, false);
  assert.equal(
    unsure[0].explanation,
    "18% expected reply rate over 35 sends across the whole team (team average 14%)",
  );

  // Only the first is starred even when the second would qualify too.
  const two = rankTemplates([teamOnly("b", 150, 40), teamOnly("s", 64, 20)], TEAM);
  assert.deepEqual(two.map((r) => [r.templateId, r.recommended]), [["s", true], ["b", false]]);

  assert.deepEqual(rankTemplates([], TEAM), []);

  // The least replies that earn the star at 30, 64 and 150 sends (one fewer does not).
  for (const [sends, replies] of [[30, 9], [64, 15], [150, 29]]) {
    assert.equal(
      rankTemplates([teamOnly("x", sends, replies)], TEAM)[0].recommended,
      true,
      `${replies}/${sends}`,
    );
    assert.equal(rankTemplates([teamOnly("x", sends, replies - 1)], TEAM)[0].recommended, false);
  }
});

Deno.test("ranking - young team: the 10% default shows as the team average", () => {
  const ranked = rankTemplates([teamOnly("a", 4, 1)], { sends: 4, replies: 1 });
  // (1 + 1) / (4 + 10) = 14.3%
  assert.equal(ranked[0].explanation, "Not enough sends yet (4) — shown with the team average (14%)");
  const none = rankTemplates([teamOnly("a", 0, 0)], { sends: 0, replies: 0 });
  assert.equal(none[0].explanation, "Not enough sends yet (0) — shown with the team average (10%)");
});

Deno.test("ranking - title roles and level labels", () => {
  assert.equal(titleRole("Head of Sales"), "Sales");
  assert.equal(titleRole("VP Sales"), "Sales");
  assert.equal(titleRole("Account Executive"), "Sales");
  assert.equal(titleRole("Chief Marketing Officer"), "Marketing");
  assert.equal(titleRole("Senior Software Engineer"), "Engineering");
  assert.equal(titleRole("Founder & CEO"), "Executive");
  assert.equal(titleRole("Supply Chain Manager"), "Operations");
  assert.equal(titleRole(""), null);
  assert.equal(titleRole("Astronaut"), null);
  assert.equal(levelLabel("contact", "Ana Lima"), "Ana Lima");
  assert.equal(levelLabel("company", "Globex"), "Globex");
  assert.equal(levelLabel("title", "Sales"), "people in Sales roles");
  assert.equal(levelLabel("industry", "Logistics"), "companies in Logistics");
  assert.equal(levelLabel("team"), "the whole team");
});

Deno.test("ranking - median and rate", () => {
  assert.equal(median([]), null);
  assert.equal(median([5]), 5);
  assert.equal(median([9, 1, 5]), 5);
  const values = [40, 10, 30, 20];
  assert.equal(median(values), 25);
  assert.deepEqual(values, [40, 10, 30, 20]); // not sorted in place
  assert.equal(rate(0, 0), null);
  assert.equal(rate(0, 10), 0);
  assert.equal(rate(3, 12), 0.25);
});

Deno.test("ranking - the team average note says what the average is made of", () => {
  assert.equal(
    teamAverageNote({ sends: 0, replies: 0 }),
    "No followed emails yet, so the team average starts at a typical 10%.",
  );
  // One send and no reply: 9%, which is mostly the typical rate, not the team's own 0%.
  assert.equal(
    teamAverageNote({ sends: 1, replies: 0 }),
    "The team average is 9%: its 0 replies to 1 followed email so far, blended with a typical 10% until it has more.",
  );
  assert.equal(teamAverageNote(TEAM), "The team average is 14% (139 replies to 990 followed emails).");
});
