/** The rules a draft must meet before it goes out. Pure: the composer can show them before asking the server. */
import { MAX_RECIPIENTS } from "./limits.ts";
import type { Message } from "./types.ts";

/** What must hold before a draft can go out; each problem names its field. */
export function sendProblems(
  m: Pick<Message, "to" | "cc" | "bcc" | "subject" | "sendIndividually">,
  text: string,
) {
  const problems: Record<string, string> = {};
  if (m.to.length === 0) problems.to = "Add at least one recipient in To.";
  if (m.to.length + m.cc.length + m.bcc.length > MAX_RECIPIENTS) {
    problems.to = `At most ${MAX_RECIPIENTS} recipients in all.`;
  }
  if (!m.subject.trim()) problems.subject = "Add a subject.";
  if (!text.trim()) problems.html = "Write a message.";
  // Each of subject and body names its own first unfilled merge field, so one try shows every place to fix.
  for (const [field, value] of [["subject", m.subject], ["html", text]] as const) {
    const unfilled = value.match(/\{\{\s*[^{}]*?\s*\}\}/)?.[0];
    if (unfilled && !problems[field]) {
      problems[field] = `Fill in or remove ${unfilled}: merge fields are filled when a template is inserted.`;
    }
  }
  if (m.sendIndividually && m.to.length > 1 && (m.cc.length || m.bcc.length)) {
    problems.cc =
      "Cc and Bcc can't be combined with sending individually: each To recipient gets their own copy.";
  }
  return problems;
}

/** The email went to one person only (one To, no Cc or Bcc): its opens and clicks can be theirs alone. */
export const toOnePerson = (m: Pick<Message, "to" | "cc" | "bcc">): boolean =>
  m.to.length === 1 && m.cc.length === 0 && m.bcc.length === 0;
