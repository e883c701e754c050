import assert from "node:assert/strict";
import { cutHtmlQuote, newText, stripQuotedText } from "./strip.ts";

const text = (lines: string[]) => newText({ text: lines.join("\n"), html: null });

Deno.test("inbound strip - attribution lines in several languages, one line or wrapped", () => {
  const attributions = [
    "On Tue, 3 Mar 2026 at 09:10, Sam Rivera <sam@beacon.test> wrote:",
    "On Tue, Mar 3, 2026 at 9:10 AM Sam Rivera <sam@beacon.test> wrote:",
    "On 3 Mar 2026, at 09:10, Sam Rivera <sam@beacon.test> wrote:",
    "On 3/3/26 09:10, Sam Rivera wrote:",
    "Le mar. 3 mars 2026 à 09:10, Sam Rivera <sam@beacon.test> a écrit :",
    "Am Di., 3. März 2026 um 09:10 Uhr schrieb Sam Rivera <sam@beacon.test>:",
    "Am 03.03.2026 um 09:10 schrieb Sam Rivera <sam@beacon.test>:",
    "El mar, 3 mar 2026 a las 9:10, Sam Rivera (<sam@beacon.test>) escribió:",
    "Em ter., 3 de mar. de 2026 às 09:10, Sam Rivera <sam@beacon.test> escreveu:",
    "Il giorno mar 3 mar 2026 alle ore 09:10 Sam Rivera <sam@beacon.test> ha scritto:",
    "Op di 3 mrt 2026 om 09:10 schreef Sam Rivera <sam@beacon.test>:",
    "Den tis 3 mars 2026 kl 09:10 skrev Sam Rivera <sam@beacon.test>:",
    "ti 3.3.2026 klo 9.10 Sam Rivera (sam@beacon.test) kirjoitti:",
    "wt., 3 mar 2026 o 09:10 Sam Rivera <sam@beacon.test> napisał(a):",
    "On Tue, 3 Mar 2026 at 09:10, Sam Rivera <sam@beacon.test>\nwrote:",
    "On Tuesday, 3 March 2026 at 09:10:00 GMT, Sam Rivera\n<sam@beacon.test> wrote:",
  ];
  for (const attribution of attributions) {
    assert.equal(
      text(["Sounds good.", "", "Ana", "", attribution, "", "> Hi Ana,", "> the pricing."]),
      "Sounds good.\n\nAna",
      attribution,
    );
    assert.equal(
      text(["Sounds good.", "", attribution, "Hi Ana,", "the pricing (quote lost its > marks)."]),
      "Sounds good.",
      `${attribution} without > lines`,
    );
  }
});

Deno.test("inbound strip - Outlook separators and header blocks, plain and converted from HTML", () => {
  const original = ["Hi Ana,", "", "the pricing."];
  const blocks: string[][] = [
    ["-----Original Message-----", "From: Sam <sam@beacon.test>", "Sent: Tuesday, March 3, 2026 9:10 AM"],
    ["________________________________", "From: Sam Rivera <sam@beacon.test>", "Sent: 03 March 2026 09:10"],
    ["From: Sam Rivera <sam@beacon.test>", "", "Sent: Tuesday, March 3, 2026 9:10 AM", "", "To: Ana Lima"],
    ["From: Sam Rivera <sam@beacon.test> Sent: Tuesday, March 3, 2026 9:10 AM To: Ana Subject: Pricing"],
    ["Von: Sam Rivera <sam@beacon.test>", "Gesendet: Dienstag, 3. März 2026 09:10", "An: Ana Lima"],
    [
      "De : Sam Rivera <sam@beacon.test>",
      "Envoyé : mardi 3 mars 2026 09:10",
      "À : Ana Lima",
      "Objet : Pricing",
    ],
    ["De: Sam Rivera <sam@beacon.test>", "Enviado: martes, 3 de marzo de 2026 9:10", "Para: Ana Lima"],
    ["*From:* Sam Rivera <sam@beacon.test>", "*Sent:* Tuesday, March 3, 2026 9:10 AM", "*To:* Ana"],
    ["-----Ursprüngliche Nachricht-----", "Von: Sam"],
    ["---------- Forwarded message ---------", "From: Sam"],
    ["Begin forwarded message:", "", "From: Sam Rivera <sam@beacon.test>"],
  ];
  for (const block of blocks) {
    assert.equal(
      text(["Thanks, all good.", "", ...block, "Subject: Pricing", "", ...original]),
      "Thanks, all good.",
    );
  }
});

Deno.test("inbound strip - the new text keeps its paragraphs; mentions of From: or wrote: stay", () => {
  const body = [
    "Hi Sam,",
    "",
    "",
    "From: our side everything is ready.   ",
    "Subject: the contract, which legal reviewed.",
    "",
    "As my colleague wrote: let's go.",
    "",
    "Ana",
  ];
  assert.equal(
    text(body),
    "Hi Sam,\n\nFrom: our side everything is ready.\nSubject: the contract, which legal reviewed.\n\n" +
      "As my colleague wrote: let's go.\n\nAna",
  );
  assert.equal(stripQuotedText(body.join("\n")).quoted, false);
  assert.equal(text(["", "  ", "Just this.", "", ""]), "Just this.");
  assert.equal(text([]), "");
});

Deno.test("inbound strip - bottom-posted and inline answers below '>' quotes are kept", () => {
  assert.equal(
    text([
      "On 3/3/26 09:10, Sam Rivera wrote:",
      "> Does Thursday work?",
      "",
      "Yes, Thursday works.",
      "",
      "> And 40 seats?",
      "",
      "Make it 45.",
    ]),
    "Yes, Thursday works.\n\nMake it 45.",
  );
});

Deno.test("inbound strip - a bottom-posted HTML reply (Thunderbird) falls back to the text part", () => {
  const html = '<div class="moz-cite-prefix">On 3/3/26 09:10, Sam Rivera wrote:<br></div>' +
    '<blockquote type="cite" cite="mid:01ABC@beacon.test">Does Thursday work?</blockquote>' +
    "<p>Yes, Thursday works.</p>";
  const plain = "On 3/3/26 09:10, Sam Rivera wrote:\n> Does Thursday work?\n\nYes, Thursday works.\n";
  assert.equal(newText({ text: plain, html }), "Yes, Thursday works.");
});

Deno.test("inbound strip - signatures after '-- ' and mobile footers go", () => {
  assert.equal(text(["Yes.", "", "-- ", "Ana Lima", "Head of Operations", "+34 600 000 000"]), "Yes.");
  assert.equal(text(["Yes.", "--", "Ana"]), "Yes.");
  assert.equal(text(["Yes.", "", "Sent from my iPhone"]), "Yes.");
  assert.equal(text(["Yes.", "", "Get Outlook for iOS"]), "Yes.");
  assert.equal(
    text(["Sent from my iPhone, so short: yes.", "", "Ana"]),
    "Sent from my iPhone, so short: yes.\n\nAna",
  );
  assert.equal(
    text([
      "Perfect.",
      "",
      "Sent from my iPhone",
      "",
      "> On 3 Mar 2026, at 09:10, Sam Rivera <sam@beacon.test> wrote:",
      ">",
      "> Hi Ana,",
    ]),
    "Perfect.",
    "iOS Mail quotes the attribution too",
  );
});

Deno.test("inbound strip - HTML quote markers of Gmail, Apple, Thunderbird, Outlook, Yahoo", () => {
  const reply = "<div>Yes, <b>Thursday</b> works.</div><div><br></div><div>Ana</div>";
  const quotes = [
    '<div class="gmail_quote"><div class="gmail_attr">On … wrote:</div><blockquote>old</blockquote></div>',
    '<div><br><blockquote type="cite"><div>On 3 Mar 2026, at 09:10, Sam wrote:</div>old</blockquote></div>',
    '<div class="moz-cite-prefix">On 3/3/26 09:10, Sam wrote:<br></div><blockquote type="cite">old</blockquote>',
    '<div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg">From:</div>',
    '<hr tabindex="-1"><div id="x_divRplyFwdMsg" dir="ltr"><b>From:</b> Sam</div><div>old</div>',
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">' +
    "<b>From:</b> Sam<br><b>Sent:</b> Tuesday</p></div><p>old</p>",
    '<div class="yahoo_quoted" style="display: block;">On Tuesday, Sam wrote: old</div>',
  ];
  for (const quote of quotes) {
    const html = `<html><body>${reply}${quote}</body></html>`;
    const cut = cutHtmlQuote(html) ?? "";
    assert.ok(cut.startsWith(`<html><body>${reply}`) && !/old|Sam/.test(cut), quote);
    assert.equal(newText({ text: "", html }), "Yes, Thursday works.\n\nAna", quote);
  }
  assert.equal(cutHtmlQuote(`<div>${reply}</div>`), null);
  assert.equal(
    newText({ text: "", html: "<p>Only <i>this</i>.</p><p>Second &amp; last.</p>" }),
    "Only this.\n\nSecond & last.",
  );
});

Deno.test("inbound strip - a reply that is nothing but history gives empty text", () => {
  assert.equal(text(["On 3/3/26 09:10, Sam Rivera wrote:", "> Hi Ana"]), "");
  assert.equal(text(["-----Original Message-----", "From: Sam"]), "");
});

Deno.test("inbound strip - hostile input stays fast", () => {
  const started = performance.now();
  const html = "<div class=x ".repeat(100_000) + "<p>hi</p>";
  assert.equal(cutHtmlQuote(html), null);
  stripQuotedText("from: sent: to: subject ".repeat(20_000));
  stripQuotedText(`On 3 Mar 2026 ${"x".repeat(200_000)} wrote:\n${"> q\n".repeat(50_000)}`);
  stripQuotedText(`${" ".repeat(100_000)}x\n${"_".repeat(100_000)}x`);
  assert.equal(
    newText({ text: "", html: "<div>".repeat(50_000) + "deep" }),
    "",
    "nesting past 256 is dropped",
  );
  assert.ok(performance.now() - started < 5000, `took ${performance.now() - started} ms`);
});
