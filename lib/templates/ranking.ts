/**
 * Template recommendations: expected reply rate per template, shrunk toward the team's average with a
 * Beta–binomial model, from the evidence closest to the email being written. Pure: counts in, ranking out.
 * The method, its constants and worked examples: docs/TEMPLATE_RECOMMENDATIONS.md.
 */

/** Followed sends of a template (or of the team) and how many of them got a reply. The caller filters. */
export interface Outcome {
  sends: number;
  replies: number;
}

/** A Beta(alpha, beta) distribution over a reply rate. */
export interface Prior {
  alpha: number;
  beta: number;
}

/** How many sends the team's average counts for when shrinking a template's own results (alpha + beta). */
export const PRIOR_STRENGTH = 20;
/** The reply rate assumed before the team has results of its own. */
export const DEFAULT_REPLY_RATE = 0.1;
/** How many imaginary sends at DEFAULT_REPLY_RATE are mixed into the team's own average. */
export const DEFAULT_RATE_WEIGHT = 10;
/** Probability inside the credible interval (equal tails: 5% below `low`, 5% above `high`). */
export const CREDIBLE_MASS = 0.9;
/** Sends a level needs before it is used; fewer, and the next level outward is tried. */
export const MIN_LEVEL_SENDS = 10;
/** Sends (at the level used) the top template needs before it is starred "Recommended". */
export const MIN_SENDS_TO_RECOMMEND = 30;

function checkOutcome(o: Outcome): void {
  const ok = Number.isInteger(o.sends) && Number.isInteger(o.replies) && o.sends >= 0 && o.replies >= 0 &&
    o.replies <= o.sends;
  if (!ok) throw new RangeError(`invalid outcome: ${o.replies} replies of ${o.sends} sends`);
}

/**
 * Empirical-Bayes prior from the team's overall results. Its mean is the team's reply rate with
 * DEFAULT_RATE_WEIGHT imaginary sends at DEFAULT_REPLY_RATE mixed in (so a new team starts at 10% and the
 * team's own rate takes over within a few dozen sends); its strength is PRIOR_STRENGTH.
 */
export function teamPrior(team: Outcome): Prior {
  checkOutcome(team);
  const mean = (team.replies + DEFAULT_REPLY_RATE * DEFAULT_RATE_WEIGHT) / (team.sends + DEFAULT_RATE_WEIGHT);
  return { alpha: mean * PRIOR_STRENGTH, beta: (1 - mean) * PRIOR_STRENGTH };
}

/** The mean of a prior: what "team average" means in explanations. */
export function priorMean(prior: Prior): number {
  return prior.alpha / (prior.alpha + prior.beta);
}

// ---------------------------------------------------------------------------------------------------------------
// The Beta distribution

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x. */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`Beta parameters must be positive: ${a}, ${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b), by bisection on betaCdf (to about 1e-12). */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability out of range: ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Posterior mean and CREDIBLE_MASS equal-tailed interval of Beta(alpha + replies, beta + sends − replies). */
export function posterior(prior: Prior, o: Outcome): { mean: number; low: number; high: number } {
  checkOutcome(o);
  const a = prior.alpha + o.replies;
  const b = prior.beta + o.sends - o.replies;
  const tail = (1 - CREDIBLE_MASS) / 2;
  return { mean: a / (a + b), low: betaQuantile(tail, a, b), high: betaQuantile(1 - tail, a, b) };
}

// ---------------------------------------------------------------------------------------------------------------
// Evidence levels and ranking

export type EvidenceKind = "contact" | "company" | "title" | "industry" | "team";

/** One circle of evidence around the email: its kind, how to name it, and the template's results in it. */
export interface EvidenceLevel {
  kind: EvidenceKind;
  /** e.g. "Ana Lima", "Globex", "people in Sales roles", "companies in Logistics", "the whole team". */
  label: string;
  outcome: Outcome;
}

export interface Candidate {
  templateId: string;
  name: string;
  /** Closest first; the "team" level (all of the template's followed sends) is always present. */
  levels: EvidenceLevel[];
}

export interface Ranked {
  templateId: string;
  name: string;
  /** Posterior mean reply rate at `level` (the team average when no level has MIN_LEVEL_SENDS sends). */
  expected: number;
  low: number;
  high: number;
  level: EvidenceLevel;
  recommended: boolean;
  explanation: string;
}

/** The order levels are tried in, closest first. */
export const LEVEL_ORDER: EvidenceKind[] = ["contact", "company", "title", "industry", "team"];

const PREPOSITION: Record<EvidenceKind, string> = {
  contact: "to",
  company: "at",
  title: "to",
  industry: "to",
  team: "across",
};

/** Role families for the "title" level: first match wins, so "VP Sales" is Sales, not Executive. */
const ROLES: [string, RegExp][] = [
  [
    "Sales",
    /\b(sales|account exec\w*|ae|sdr|bdr|business development|account manager|revenue|commercial)\b/i,
  ],
  ["Marketing", /\b(marketing|growth|brand|content|demand gen\w*|communications|cmo)\b/i],
  ["Customer Success", /\b(customer success|customer support|support|customer experience|cx)\b/i],
  ["Product", /\b(product)\b/i],
  ["Engineering", /\b(engineer\w*|developer|software|devops|cto|technical|architect|it)\b/i],
  ["Operations", /\b(operations|ops|logistics|supply chain|procurement|purchasing|coo)\b/i],
  ["Finance", /\b(finance|financial|cfo|accounting|accountant|controller|treasury)\b/i],
  ["People", /\b(hr|human resources|people|talent|recruit\w*)\b/i],
  ["Legal", /\b(legal|counsel|lawyer|attorney|compliance)\b/i],
  ["Executive", /\b(ceo|founder|co-founder|owner|president|managing director|general manager)\b/i],
];

/** The role family of a job title ("Head of Sales" → "Sales"), or null when none matches. */
export function titleRole(title: string): string | null {
  for (const [role, pattern] of ROLES) if (pattern.test(title)) return role;
  return null;
}

/** The label of a level from its value: a contact's or company's name, a role family, an industry. */
export function levelLabel(kind: EvidenceKind, value = ""): string {
  switch (kind) {
    case "title":
      return `people in ${value} roles`;
    case "industry":
      return `companies in ${value}`;
    case "team":
      return "the whole team";
    default:
      return value;
  }
}

/** A share as a whole percentage: 0.2709 → "27%". */
export function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/**
 * What the team average is made of, in words, for the notes under the library and the picker: a young team's
 * average is mostly the typical 10% (1 send and no reply reads 9%), which the seller should not take for its own.
 */
export function teamAverageNote(team: Outcome): string {
  const average = percent(priorMean(teamPrior(team)));
  const typical = percent(DEFAULT_REPLY_RATE);
  if (team.sends === 0) return `No followed emails yet, so the team average starts at a typical ${typical}.`;
  const own = `${team.replies} ${team.replies === 1 ? "reply" : "replies"} to ${team.sends} followed ${
    team.sends === 1 ? "email" : "emails"
  }`;
  // The typical rate's 10 imaginary sends weigh under a tenth of the average from 100 sends on.
  return team.sends < 10 * DEFAULT_RATE_WEIGHT
    ? `The team average is ${average}: its ${own} so far, blended with a typical ${typical} until it has more.`
    : `The team average is ${average} (${own}).`;
}

function sendsText(n: number): string {
  return `${n} ${n === 1 ? "send" : "sends"}`;
}

/** Ties within this distance count as equal (the means come from the same formula; this only absorbs rounding). */
const EPSILON = 1e-12;

interface Scored extends Omit<Ranked, "recommended" | "explanation"> {
  enough: boolean;
}

function compare(a: Scored, b: Scored): number {
  if (Math.abs(a.expected - b.expected) > EPSILON) return b.expected - a.expected;
  if (Math.abs(a.low - b.low) > EPSILON) return b.low - a.low;
  if (a.level.outcome.sends !== b.level.outcome.sends) return b.level.outcome.sends - a.level.outcome.sends;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.templateId < b.templateId ? -1 : a.templateId > b.templateId ? 1 : 0;
}

/**
 * Ranks templates for the email being written. Each template is judged on its closest level with at least
 * MIN_LEVEL_SENDS sends (falling back outward to "team"); with none, it is shown at the team average. Results are
 * shrunk with the team prior and sorted by posterior mean, then lower bound, then sends at the level, then name
 * (then id). Only the first is starred, and only when its level has MIN_SENDS_TO_RECOMMEND sends and the lower
 * bound of its interval is above the team average.
 */
export function rankTemplates(candidates: Candidate[], team: Outcome): Ranked[] {
  const prior = teamPrior(team);
  const average = priorMean(prior);
  const scored: Scored[] = candidates.map((candidate) => {
    const teamLevel = candidate.levels.find((l) => l.kind === "team");
    if (!teamLevel) throw new RangeError(`template ${candidate.templateId} has no team level`);
    for (const level of candidate.levels) checkOutcome(level.outcome);
    const used = candidate.levels.find((l) => l.outcome.sends >= MIN_LEVEL_SENDS);
    const { mean, low, high } = posterior(prior, used ? used.outcome : { sends: 0, replies: 0 });
    return {
      templateId: candidate.templateId,
      name: candidate.name,
      expected: mean,
      low,
      high,
      level: used ?? teamLevel,
      enough: used !== undefined,
    };
  });
  scored.sort(compare);
  return scored.map(({ enough, ...entry }, index) => {
    const sends = entry.level.outcome.sends;
    const recommended = index === 0 && enough && sends >= MIN_SENDS_TO_RECOMMEND && entry.low > average;
    const where = `${PREPOSITION[entry.level.kind]} ${entry.level.label}`;
    const teamAverage = `(team average ${percent(average)})`;
    const explanation = !enough
      ? `Not enough sends yet (${sends}) — shown with the team average (${percent(average)})`
      : recommended
      ? `Recommended: ${percent(entry.expected)} replies over ${sendsText(sends)} ${where} ${teamAverage}`
      : `${percent(entry.expected)} expected reply rate over ${sendsText(sends)} ${where} ${teamAverage}`;
    return { ...entry, recommended, explanation };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Small statistics for the per-template numbers

/** The median, or null for no values; the mean of the two middle values for an even count. Input unchanged. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** n / d, or null when there is nothing to divide by (d = 0): "no data" is not "0%". */
export function rate(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}
