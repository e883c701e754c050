import assert from "node:assert/strict";
import { alarmHeadline, notSentHeadline } from "./headline.ts";

Deno.test("alarm headlines - one person is named", () => {
  assert.equal(alarmHeadline("no_reply", ["Zoë Martin"], false), "No reply from Zoë Martin yet");
  assert.equal(alarmHeadline("not_opened", ["Zoë Martin"], true), "Zoë Martin hasn't opened your email yet");
});

Deno.test("alarm headlines - every recipient is counted, not listed", () => {
  assert.equal(
    alarmHeadline("no_reply", ["Ken Sato", "Zoë"], true),
    "No reply from any of the 2 recipients yet",
  );
  assert.equal(
    alarmHeadline("not_opened", ["Ken Sato", "Zoë", "Lee"], true),
    "None of the 3 recipients has opened your email yet",
  );
});

Deno.test("alarm headlines - some of the recipients are listed", () => {
  assert.equal(
    alarmHeadline("no_reply", ["Ken Sato", "Zoë", "Lee"], false),
    "No reply from Ken Sato, Zoë or Lee yet",
  );
  assert.equal(
    alarmHeadline("not_opened", ["Ken Sato", "Zoë"], false),
    "Ken Sato and Zoë haven't opened your email yet",
  );
});

Deno.test("alarm headlines - nobody in To (a draft) and reminders", () => {
  assert.equal(alarmHeadline("no_reply", [], true), "No reply yet");
  assert.equal(alarmHeadline("not_opened", [], true), "Your email hasn't been opened yet");
  assert.equal(alarmHeadline("reminder", ["Ken Sato"], true), "Your reminder");
});

Deno.test("alarm headlines - with copies in Cc, the group says it means the people in To", () => {
  // The card's "to Ken Sato +2" counts the Cc too; "none of the 2 recipients" would contradict it.
  assert.equal(
    alarmHeadline("not_opened", ["Ken Sato", "Mia"], true, true),
    "None of the 2 people in To has opened your email yet",
  );
  assert.equal(
    alarmHeadline("no_reply", ["Ken Sato", "Mia"], true, true),
    "No reply from any of the 2 people in To yet",
  );
});

Deno.test("alarm headlines - an email that never went out says so, blaming no one", () => {
  assert.equal(notSentHeadline("draft"), "Your email was never sent: it is still a draft");
  assert.equal(notSentHeadline("scheduled"), "Your email hasn't gone out yet: it is scheduled for later");
  assert.equal(notSentHeadline("failed"), "Your email couldn't be sent");
});
