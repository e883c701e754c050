/** The headline of the card an alarm makes, naming whom it is about. Pure. */
import { listNames } from "../assistant/about.ts";
import type { MessageStatus } from "../messages/types.ts";
import type { AlarmCondition } from "./types.ts";

/**
 * `names`: the people the alarm watched; `everyone`: whether that is every To recipient, so a card about
 * several of them says "any of the 3 recipients" rather than listing the whole To line; `copied`: the email
 * also went to people in Cc or Bcc, whom an alarm doesn't watch, so the group is "the 3 people in To".
 */
export function alarmHeadline(
  condition: AlarmCondition,
  names: string[],
  everyone: boolean,
  copied = false,
): string {
  if (condition === "reminder") return "Your reminder";
  const group = everyone && names.length > 1
    ? `the ${names.length} ${copied ? "people in To" : "recipients"}`
    : null;
  if (condition === "no_reply") {
    if (group) return `No reply from any of ${group} yet`;
    return names.length ? `No reply from ${listNames(names, "or")} yet` : "No reply yet";
  }
  if (group) return `None of ${group} has opened your email yet`;
  if (names.length > 1) return `${listNames(names, "and")} haven't opened your email yet`;
  return names.length ? `${names[0]} hasn't opened your email yet` : "Your email hasn't been opened yet";
}

/**
 * The headline when an alarm watching for an open or a reply goes off and its email was never sent (still a
 * draft, scheduled for later, failed): no one could have opened it, and saying "no reply from Ken" would
 * blame Ken.
 */
export function notSentHeadline(status: Exclude<MessageStatus, "sent">): string {
  if (status === "draft") return "Your email was never sent: it is still a draft";
  if (status === "scheduled") return "Your email hasn't gone out yet: it is scheduled for later";
  if (status === "sending") return "Your email is still being sent";
  return "Your email couldn't be sent";
}
