import assert from "node:assert/strict";
import { newId } from "../storage/ids.ts";
import {
  appleMailReply,
  attachment,
  compose,
  gmailReply,
  outlookPlainReply,
  outlookReply,
  plainReply,
  REPLIED_AT,
  type Thread,
} from "./fixtures/mime.ts";
import {
  isRecipient,
  type Lookup,
  mailboxKey,
  matchReply,
  normalizeSubject,
  recipientName,
  type SentRef,
} from "./match.ts";
import { parseInbound } from "./parse.ts";
import { replyAddress, ReplyTokenSigner } from "./reply_token.ts";
import { newText } from "./strip.ts";

const INBOUND = "in.example";
const tokens = new ReplyTokenSigner("r".repeat(43));
const teamId = newId();

function sentRef(subject: string, recipients = ["ana@client.example"]): SentRef {
  const messageId = newId();
  return { teamId, messageId, rfcMessageId: `<${messageId}@beacon.test>`, subject, recipients };
}

const pricing = sentRef("Pricing for Q2", ["ana@client.example", "pedro@client.example"]);
const propuesta = sentRef("Propuesta – año 2027", ["jose.munoz@cliente.example"]);
const other = sentRef("Onboarding plan");
const deleted = sentRef("Gone");

const lookup: Lookup = {
  byRfcId: (id) => Promise.resolve([pricing, propuesta, other].find((m) => m.rfcMessageId === id) ?? null),
  byId: (team, id) =>
    Promise.resolve([pricing, propuesta, other].find((m) => m.teamId === team && m.messageId === id) ?? null),
};
const ctx = { lookup, tokens, inboundDomain: INBOUND };

const seller = { name: "Sam Rivera", address: "sam@beacon.test" };
const thread = (ref: SentRef): Thread => ({
  rfcMessageId: ref.rfcMessageId,
  subject: ref.subject,
  seller,
  sentAt: new Date("2026-03-03T09:10:00Z"),
});

const BODY = [
  "Hi Sam,",
  "",
  "Thanks for the proposal. Thursday at 10:00 works for us.",
  "",
  "Could you also send the onboarding timeline?",
  "",
  "Best,",
  "Ana",
];
const NEW_TEXT = BODY.join("\n");

async function match(raw: Uint8Array) {
  const parsed = await parseInbound(raw);
  return { parsed, result: await matchReply(parsed, ctx) };
}

Deno.test("inbound - Gmail reply matched by In-Reply-To, quoted history and signature stripped in text and HTML", async () => {
  const { parsed, result } = await match(await gmailReply(thread(pricing), BODY));
  assert.ok(result.matched);
  assert.equal(result.via, "in-reply-to");
  assert.equal(result.message, pricing);
  assert.equal(result.fromRecipient, true);
  assert.equal(result.autoReply, null);
  assert.deepEqual(parsed.from, { address: "ana@client.example", name: "Ana Lima" });
  assert.equal(parsed.date, REPLIED_AT.getTime());
  assert.match(parsed.text, /^On Tue, 3 Mar 2026 at 09:10, Sam Rivera <sam@beacon\.test> wrote:$/m);
  assert.match(parsed.html ?? "", /class="gmail_quote/);
  assert.equal(newText(parsed), NEW_TEXT);
  assert.equal(newText({ text: parsed.text, html: null }), NEW_TEXT, "from the text part alone");
  assert.equal(newText({ text: "", html: parsed.html }), NEW_TEXT, "from the HTML part alone");
});

Deno.test("inbound - Outlook reply matched by In-Reply-To and stripped of the original message", async () => {
  const { parsed, result } = await match(await outlookReply(thread(pricing), BODY));
  assert.ok(result.matched);
  assert.equal(result.via, "in-reply-to");
  assert.equal(result.fromRecipient, true);
  assert.equal(result.autoReply, null);
  assert.equal(parsed.headers["thread-topic"], "Pricing for Q2");
  assert.ok(parsed.headers["thread-index"]);
  assert.match(parsed.html ?? "", /id="divRplyFwdMsg"/);
  assert.match(
    parsed.text,
    /^From: Sam Rivera <sam@beacon\.test>$/m,
    "HTML-only: text is converted from HTML",
  );
  assert.equal(newText(parsed), NEW_TEXT);
  assert.equal(
    newText({ text: parsed.text, html: null }),
    NEW_TEXT,
    "the converted From:/Sent: block is cut",
  );
});

Deno.test("inbound - Outlook plain-text reply: '-----Original Message-----' and its header block are cut", async () => {
  const { parsed, result } = await match(
    await outlookPlainReply(thread(pricing), BODY, { inReplyTo: null, references: pricing.rfcMessageId }),
  );
  assert.ok(result.matched);
  assert.equal(result.via, "references", "no In-Reply-To: References with the same subject");
  assert.match(parsed.text, /-----Original Message-----/);
  assert.equal(newText(parsed), NEW_TEXT);
});

Deno.test("inbound - Apple Mail reply matched, 'On …, at …, … wrote:' and blockquote type=cite stripped", async () => {
  const { parsed, result } = await match(await appleMailReply(thread(pricing), BODY));
  assert.ok(result.matched);
  assert.equal(result.via, "in-reply-to");
  assert.match(parsed.text, /^On 3 Mar 2026, at 09:10, Sam Rivera <sam@beacon\.test> wrote:$/m);
  assert.match(parsed.html ?? "", /<blockquote type="cite">/);
  assert.equal(parsed.headers["x-mailer"], "Apple Mail (2.3826.500.181.1.5)");
  assert.equal(newText(parsed), NEW_TEXT);
  assert.equal(newText({ text: parsed.text, html: null }), NEW_TEXT);
});

Deno.test("inbound - an encoded subject (=?UTF-8?B?…?=) is decoded and matches by References", async () => {
  const subject = "Re: Propuesta – año 2027";
  const encoded = `=?UTF-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode(subject)))}?=`;
  const text = [
    "Hola Sam,",
    "",
    "Nos interesa. ¿Podemos hablar el jueves?",
    "",
    "Saludos,",
    "José",
    "",
    `El mar, 3 mar 2026 a las 9:10, Sam Rivera (<sam@beacon.test>) escribió:`,
    "",
    "> Hola José,",
    "> te envío la propuesta.",
  ].join("\n");
  const raw = await compose(
    { from: "José Muñoz <jose.munoz@cliente.example>", to: "sam@beacon.test", date: REPLIED_AT, text },
    [["Subject", encoded], ["References", `<older@cliente.example> ${propuesta.rfcMessageId}`]],
  );
  assert.match(new TextDecoder().decode(raw), /^Subject: =\?UTF-8\?B\?/m);
  const { parsed, result } = await match(raw);
  assert.equal(parsed.subject, subject);
  assert.equal(parsed.from?.name, "José Muñoz");
  assert.deepEqual(parsed.inReplyTo, []);
  assert.ok(result.matched);
  assert.equal(result.via, "references");
  assert.equal(result.message, propuesta);
  assert.equal(result.fromRecipient, true);
  assert.equal(newText(parsed), "Hola Sam,\n\nNos interesa. ¿Podemos hablar el jueves?\n\nSaludos,\nJosé");
});

Deno.test("inbound - several In-Reply-To ids: the unknown first one is skipped, the known second one matches", async () => {
  const raw = await plainReply(thread(pricing), "Yes, go ahead.", {
    inReplyTo: `<CAE1x-unknown@mail.gmail.com>,\r\n ${pricing.rfcMessageId}`,
    references: null,
  });
  const { parsed, result } = await match(raw);
  assert.deepEqual(parsed.inReplyTo, ["<CAE1x-unknown@mail.gmail.com>", pricing.rfcMessageId]);
  assert.ok(result.matched);
  assert.equal(result.via, "in-reply-to");
  assert.equal(result.message, pricing);
});

Deno.test("inbound - References only: matched when the subject agrees, unmatched when it differs", async () => {
  const references = `${pricing.rfcMessageId} <CAE1x-later@mail.gmail.com>`;
  const same = await match(
    await plainReply(thread(pricing), "Agreed.", {
      inReplyTo: null,
      references,
      subject: "AW: [EXT] RE: pricing  for q2",
    }),
  );
  assert.ok(same.result.matched);
  assert.equal(same.result.via, "references");

  const different = await match(
    await plainReply(thread(pricing), "New topic: can we talk about support?", {
      inReplyTo: null,
      references,
      subject: "Support contract",
    }),
  );
  assert.equal(different.result.matched, false);
  assert.match(different.result.matched ? "" : different.result.reason, /under another subject/);
});

Deno.test("inbound - a subject alone never matches", async () => {
  const { result } = await match(
    await plainReply(thread(pricing), "Hi, about your pricing…", { inReplyTo: null, references: null }),
  );
  assert.deepEqual(result, {
    matched: false,
    reason:
      "it doesn't say which email it answers (it may be new mail, or come from a mail program that drops reply headers)",
    autoReply: null,
  });
});

Deno.test("inbound - the reply token in To matches without any threading headers, whatever its case", async () => {
  const token = await tokens.sign(pricing);
  const to = `Sam Rivera <${replyAddress(token, INBOUND)}>`;
  const { parsed, result } = await match(
    await plainReply(thread(pricing), "Works for me.", { to, inReplyTo: null, references: null }),
  );
  assert.deepEqual(parsed.to, [`reply+${token}@in.example`]);
  assert.ok(result.matched);
  assert.equal(result.via, "token");
  assert.equal(result.message, pricing);

  const upper = await match(
    await plainReply(thread(pricing), "Works for me.", {
      to: replyAddress(token, INBOUND).toUpperCase(),
      inReplyTo: null,
      references: null,
    }),
  );
  assert.equal(upper.result.matched && upper.result.via, "token");

  const delivered = await match(
    await plainReply(thread(pricing), "Works for me.", {
      to: "sam@beacon.test",
      inReplyTo: null,
      references: null,
      headers: [["Delivered-To", "sam@beacon.test"], ["Delivered-To", replyAddress(token, INBOUND)]],
    }),
  );
  assert.equal(delivered.result.matched && delivered.result.via, "token", "found in a second Delivered-To");

  const withoutDomain = await matchReply(upper.parsed, { ...ctx, inboundDomain: null });
  assert.equal(withoutDomain.matched, false, "no inbound domain configured: no token route");
});

Deno.test("inbound - a token beats In-Reply-To; a forged token is unmatched but other routes still count", async () => {
  const token = await tokens.sign(other);
  const both = await match(
    await plainReply(thread(pricing), "Hi", {
      to: replyAddress(token, INBOUND),
      inReplyTo: pricing.rfcMessageId,
    }),
  );
  assert.equal(both.result.matched && both.result.message, other, "the signed token decides first");

  const flipped = token.slice(0, 30) + (token[30] === "a" ? "b" : "a") + token.slice(31);
  const foreign = await new ReplyTokenSigner("another secret, another deployment").sign(pricing);
  for (const forged of [flipped, foreign]) {
    const alone = await match(
      await plainReply(thread(pricing), "Hi", {
        to: replyAddress(forged, INBOUND),
        inReplyTo: null,
        references: null,
      }),
    );
    assert.deepEqual(alone.result, {
      matched: false,
      reason: "its reply address is not one Beacon made (the reply token does not verify)",
      autoReply: null,
    });
  }
  const threaded = await match(
    await plainReply(thread(pricing), "Hi", { to: replyAddress(flipped, INBOUND) }),
  );
  assert.equal(threaded.result.matched && threaded.result.via, "in-reply-to");

  const gone = await match(
    await plainReply(thread(pricing), "Hi", {
      to: replyAddress(await tokens.sign(deleted), INBOUND),
      inReplyTo: null,
      references: null,
    }),
  );
  assert.equal(gone.result.matched, false);
  assert.match(gone.result.matched ? "" : gone.result.reason, /has since been deleted/);
});

Deno.test("inbound - a reply from a third party the message was forwarded to is matched but not the recipient's", async () => {
  const text = [
    "Hi Sam,",
    "",
    "Ana forwarded me your note; I run procurement here. Is there a volume discount above 40 seats?",
    "",
    "Luis",
    "",
    "---------- Forwarded message ---------",
    "From: Ana Lima <ana@client.example>",
    "Date: Tue, 3 Mar 2026 at 11:02",
    "Subject: Fwd: Pricing for Q2",
    "To: Luis Ortega <luis@client.example>",
    "",
    "Can you take this one?",
  ].join("\n");
  const { parsed, result } = await match(
    await plainReply(thread(pricing), text, {
      from: "Luis Ortega <luis@client.example>",
      to: "Ana Lima <ana@client.example>",
      cc: "Sam Rivera <sam@beacon.test>",
      subject: "Re: Fwd: Pricing for Q2",
      inReplyTo: "<CAFwd-ana-0001@mail.gmail.com>",
      references: `${pricing.rfcMessageId} <CAFwd-ana-0001@mail.gmail.com>`,
      headers: [["Delivered-To", "inbox@in.example"]],
    }),
  );
  assert.ok(result.matched);
  assert.equal(result.via, "references");
  assert.equal(result.message, pricing);
  assert.equal(result.fromRecipient, false);
  assert.equal(result.autoReply, null);
  assert.equal(
    newText(parsed),
    "Hi Sam,\n\nAna forwarded me your note; I run procurement here. Is there a volume discount above 40 seats?\n\nLuis",
  );
});

Deno.test("inbound - out-of-office replies are matched and flagged; a normal Outlook reply is not", async () => {
  const gmailVacation = await match(
    await plainReply(thread(pricing), "I'm away until 10 March with limited access to email.", {
      subject: "Away until 10 March",
      headers: [["Auto-Submitted", "auto-replied"], ["Precedence", "bulk"], ["X-Autoreply", "yes"]],
    }),
  );
  assert.ok(gmailVacation.result.matched);
  assert.equal(gmailVacation.result.autoReply, "Auto-Submitted: auto-replied");

  const autoresponder = await match(
    await plainReply(thread(pricing), "Thank you for your email. We will get back to you shortly.", {
      subject: "Thank you for contacting Client Co",
      headers: [["X-Autoreply", "yes"]],
    }),
  );
  assert.equal(autoresponder.result.autoReply, "X-Autoreply: yes");

  const exchange = await match(
    await outlookReply(thread(pricing), ["I am out of the office until Monday."], {
      subject: "Automatic reply: Pricing for Q2",
      headers: [["Auto-Submitted", "auto-generated"], ["X-Auto-Response-Suppress", "All"]],
    }),
  );
  assert.equal(exchange.result.autoReply, "Auto-Submitted: auto-generated");

  const referencesOnly = await match(
    await outlookReply(thread(pricing), ["I am out of the office until Monday."], {
      subject: "Automatic reply: Pricing for Q2",
      inReplyTo: null,
      headers: [["Auto-Submitted", "auto-generated"]],
    }),
  );
  assert.equal(referencesOnly.result.matched && referencesOnly.result.via, "references", "prefix ignored");
  assert.equal(referencesOnly.result.autoReply, "Auto-Submitted: auto-generated");

  const bareExchange = await match(
    await outlookReply(thread(pricing), ["I am out of the office until Monday."], {
      subject: "Automatic reply: Pricing for Q2",
    }),
  );
  assert.equal(
    bareExchange.result.autoReply,
    "Subject: Automatic reply:",
    "no header at all: the subject tells",
  );

  const normal = await match(
    await outlookReply(thread(pricing), BODY, {
      headers: [["X-Auto-Response-Suppress", "All"], ["Auto-Submitted", "no"]],
    }),
  );
  assert.ok(normal.result.matched);
  assert.equal(
    normal.result.autoReply,
    null,
    "X-Auto-Response-Suppress and Auto-Submitted: no are not auto-replies",
  );

  const answeringAnAutoReply = await match(
    await outlookReply(thread(pricing), BODY, { subject: "RE: Automatic reply: Pricing for Q2" }),
  );
  assert.equal(answeringAnAutoReply.result.autoReply, null);
});

Deno.test("inbound - attachments are listed with name, type and size; inline images are marked", async () => {
  const pdf = new TextEncoder().encode("%PDF-1.7\n% signed order form\n");
  const logo = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const raw = await outlookReply(thread(pricing), ["Signed order form attached."], {
    attachments: [
      attachment("Order form (signed).pdf", "application/pdf", pdf),
      attachment("image001.png", "image/png", logo, "image001.png@01DCAB12.4F3E2A10"),
    ],
  });
  const { parsed, result } = await match(raw);
  assert.ok(result.matched);
  assert.equal(parsed.headers["x-ms-has-attach"], "yes");
  const byName = Object.fromEntries(parsed.attachments.map((a) => [a.filename, a]));
  assert.equal(parsed.attachments.length, 2);
  assert.deepEqual(byName["Order form (signed).pdf"], {
    filename: "Order form (signed).pdf",
    mimeType: "application/pdf",
    size: pdf.length,
    inline: false,
  });
  assert.deepEqual(byName["image001.png"], {
    filename: "image001.png",
    mimeType: "image/png",
    size: logo.length,
    inline: true,
  });
  assert.equal(newText(parsed), "Signed order form attached.");
});

Deno.test("inbound - fromRecipient ignores case, +tags and Gmail dots", () => {
  const recipients = ["ana+crm@client.example", "pedro.alves@gmail.com"];
  assert.ok(isRecipient("ANA@Client.Example", recipients));
  assert.ok(isRecipient("ana+other@client.example", recipients));
  assert.ok(isRecipient("pedroalves@googlemail.com", recipients));
  assert.ok(!isRecipient("luis@client.example", recipients));
  assert.ok(!isRecipient("ana@client.example.evil", recipients));
  assert.ok(
    !isRecipient("p.edroalves@client.example", ["pedroalves@client.example"]),
    "dots count elsewhere",
  );
  assert.equal(mailboxKey(" Pedro.Alves+x@GMAIL.com "), "pedroalves@gmail.com");
});

Deno.test("inbound - recipientName: the name the email gave that recipient, by the same mailbox rule", () => {
  const recipients = [
    { email: "ken@globex.example", name: "" },
    { email: "Ana+crm@client.example", name: "Ana Lima" },
  ];
  assert.equal(recipientName("ana@client.example", recipients), "Ana Lima");
  assert.equal(recipientName("ken@globex.example", recipients), "");
  assert.equal(recipientName("luis@client.example", recipients), "");
});

Deno.test("inbound - normalizeSubject strips reply/forward prefixes and gateway tags in many languages", () => {
  const cases: [string, string][] = [
    ["Re: Pricing for Q2", "pricing for q2"],
    ["RE: AW: Fwd: [EXT] Pricing  for Q2 ", "pricing for q2"],
    ["Re[2]: Pricing for Q2", "pricing for q2"],
    ["Re : Pricing for Q2", "pricing for q2"],
    ["SV: VS: Antw: WG: TR: RV: Pricing for Q2", "pricing for q2"],
    ["[EXTERNAL] Re: Pricing for Q2", "pricing for q2"],
    ["回复：Pricing for Q2", "pricing for q2"],
    ["=?UTF-8?B?UmU6IFByb3B1ZXN0YSDigJMgYcOxbyAyMDI3?=", "propuesta – año 2027"],
    ["Reunion next week", "reunion next week"],
    ["Remote work", "remote work"],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeSubject(input), expected, input);
  assert.equal(normalizeSubject("Re: Propuesta – año 2027"), normalizeSubject(propuesta.subject));
});

Deno.test("inbound - a reply with nothing but headers and a body still parses and stays unmatched", async () => {
  const parsed = await parseInbound("Subject: hello\r\n\r\njust text\r\n");
  const result = await matchReply(parsed, ctx);
  assert.equal(result.matched, false);
  assert.equal(newText(parsed), "just text");
});
