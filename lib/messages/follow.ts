/** The follow state of a message, from the seller's wish and the recipients' preferences. Pure. */
import type { TrackingPreference } from "../contacts/types.ts";
import type { FollowState } from "./types.ts";

export function followState(
  wanted: boolean,
  recipients: { email: string; tracking: TrackingPreference | null }[],
): { follow: FollowState; blockedBy: string[] } {
  const blockedBy = recipients.filter((r) => r.tracking === "do_not_allow").map((r) => r.email);
  if (!wanted) return { follow: "not_following", blockedBy };
  return blockedBy.length ? { follow: "blocked", blockedBy } : { follow: "following", blockedBy };
}
