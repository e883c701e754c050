import assert from "node:assert/strict";
import { emptyStats } from "../tracking/types.ts";
import { type ActivityFilter, inActivity } from "./activity_filter.ts";
import type { Message } from "./types.ts";

const email = {
  status: "sent",
  follow: "following",
  subject: "Pricing for Globex",
  to: [{ email: "ken@globex.example", name: "Ken Satō", contactId: null }],
  cc: [],
  bcc: [],
  senderId: "ana",
} as unknown as Message;
const team: ActivityFilter = { scope: "team", userId: "bo" };
const stats = (opens: number, privacyProxyOpens = 0) => ({
  ...emptyStats(email, 0),
  opens,
  privacyProxyOpens,
});

Deno.test("activity filter - whose, what and how engaged, as the list's pages choose", () => {
  assert.equal(inActivity(team, email, null), true);
  assert.equal(inActivity({ ...team, scope: "mine" }, email, null), false, "Bo's list, Ana's email");
  assert.equal(inActivity({ ...team, scope: "mine", userId: "ana" }, email, null), true);
  assert.equal(inActivity(team, { ...email, status: "draft" }, null), false, "drafts are not activity");
  assert.equal(inActivity({ ...team, followed: false }, email, null), false);
  assert.equal(
    inActivity({ ...team, q: "sato globex" }, email, null),
    true,
    "any case or accent, every word",
  );
  assert.equal(inActivity({ ...team, q: "sato initech" }, email, null), false);
  assert.equal(inActivity({ ...team, opened: false }, email, stats(0)), true);
  for (const status of ["scheduled", "sending", "failed"] as const) {
    assert.equal(
      inActivity({ ...team, opened: false }, { ...email, status }, null),
      false,
      `${status}: not out yet`,
    );
    assert.equal(inActivity(team, { ...email, status }, null), true, `${status}: listed without the filter`);
  }
  assert.equal(inActivity({ ...team, opened: true }, email, stats(1)), true);
  assert.equal(
    inActivity({ ...team, opened: true }, email, stats(0, 1)),
    false,
    "a proxy's open is not a person's",
  );
  assert.equal(inActivity({ ...team, opened: true, countProxyOpens: true }, email, stats(0, 1)), true);
});
