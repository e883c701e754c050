import assert from "node:assert/strict";
import { collectLinks, htmlToPlainText, renderEmail, sanitizeEmailHtml } from "./render.ts";

/** Every tag name in an HTML string, lower-cased, in order. */
function tags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w:-]*)/g)].map((m) => m[1].toLowerCase());
}

/** Every href value in an HTML string (as written, entities not decoded). */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
}

const TRACKING = {
  pixelUrl: "https://beacon.example/t/o/OPEN?x=1&y=2",
  linkUrls: ["https://beacon.example/t/c/LINK0", "https://beacon.example/t/c/LINK1"],
};

const BODY = [
  '<p>Hi <strong>Sam</strong>, see <a href="https://acme.example/pricing?plan=pro&amp;seats=5">pricing</a>.</p>',
  '<p>Docs: <a href="https://docs.acme.example/">the docs</a></p>',
  '<p>Pricing again: <a href="https://acme.example/pricing?plan=pro&amp;seats=5">here</a>,',
  ' or <a href="mailto:sales@acme.example">mail us</a> / <a href="tel:+15550100">call</a>.</p>',
].join("");

Deno.test("render - strips script tags and event handlers", () => {
  const out = sanitizeEmailHtml(
    '<p onclick="steal()">Hello<script>alert(1)</script> <b onmouseover="x()">you</b></p>' +
      '<img src="https://cdn.example/a.png" onerror="alert(1)" onload="alert(2)">',
  );
  assert.equal(out, '<p>Hello <b>you</b></p><img src="https://cdn.example/a.png" />');
  assert.doesNotMatch(out, /script|alert|on\w+=/i);
});

Deno.test("render - removes style, iframe, object, embed, form and svg with their content", () => {
  const out = sanitizeEmailHtml(
    "<style>p { color: red }</style><p>kept</p>" +
      '<iframe src="https://evil.example">iframe fallback</iframe>' +
      '<object data="evil.swf">object fallback</object><embed src="evil.swf">' +
      '<form action="https://evil.example"><input name="q"><button>Send</button>form text</form>' +
      '<svg><a href="javascript:alert(1)">svg link</a></svg><noscript><p>noscript</p></noscript>' +
      '<div style="background:url(javascript:alert(1))" class="x">styled</div>',
  );
  assert.equal(out, "<p>kept</p>form text<div>styled</div>");
});

Deno.test("render - refuses javascript:, data: and vbscript: links in every disguise", () => {
  const evil = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106avascript:alert(1)",
    "javascript&colon;alert(1)",
    "   javascript:alert(1)",
    "&#14;javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/protocol-relative",
    "/relative/path",
  ];
  for (const href of evil) {
    const out = sanitizeEmailHtml(`<p><a href="${href}">click</a></p>`);
    assert.equal(out, "<p>click</p>", href);
  }
});

Deno.test("render - images keep only http(s) and cid sources", () => {
  assert.equal(sanitizeEmailHtml('<img src="javascript:alert(1)">'), "");
  assert.equal(sanitizeEmailHtml("<IMG SRC=JaVaScRiPt:alert('XSS')>"), "");
  assert.equal(sanitizeEmailHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=">'), "");
  assert.equal(sanitizeEmailHtml('<img src="x" onerror="alert(1)">'), "");
  assert.equal(
    sanitizeEmailHtml('<img src="cid:logo@acme" alt="Acme" width="120" style="x" srcset="javascript:1 1x">'),
    '<img alt="Acme" width="120" src="cid:logo@acme" />',
  );
});

Deno.test("render - links get rel and target, keep http(s), mailto and tel", () => {
  const out = sanitizeEmailHtml(
    '<a href=" https://acme.example/x " target="_self" rel="opener" data-x="1">a</a>' +
      '<a href="mailto:a@acme.example">b</a><a href="tel:+15550100">c</a>',
  );
  assert.equal(
    out,
    '<a href="https://acme.example/x" rel="noopener noreferrer" target="_blank">a</a>' +
      '<a href="mailto:a@acme.example" rel="noopener noreferrer" target="_blank">b</a>' +
      '<a href="tel:+15550100" rel="noopener noreferrer" target="_blank">c</a>',
  );
});

Deno.test("render - Word paste keeps its text and drops the junk", () => {
  const word = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">
<title>Quote.docx</title><!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml>
<![endif]--><style>p.MsoNormal { margin: 0 }</style></head><body lang=EN-US>
<div class=WordSection1><p class=MsoNormal><span lang=EN-US style='mso-fareast-font-family:"Times New Roman"'>
Dear Sam,<o:p></o:p></span></p>
<p class=MsoNormal style='mso-margin-top-alt:auto'><font face=Arial color=navy>Our <b>offer</b> stands.</font>
<o:p>&nbsp;</o:p></p><!-- a comment --></div></body></html>`;
  const out = sanitizeEmailHtml(word);
  assert.match(out, /Dear Sam,/);
  assert.match(out, /Our <b>offer<\/b> stands\./);
  assert.doesNotMatch(out, /mso|Mso|o:p|font|WordDocument|Normal|Quote\.docx|<!--|class=|style=|lang=/);
  assert.deepEqual([...new Set(tags(out))], ["div", "p", "b"]);
});

Deno.test("render - Gmail paste keeps structure, drops inline styles", () => {
  const gmail =
    '<div dir="ltr"><span style="font-family:arial,sans-serif;color:rgb(34,34,34)">Hi Sam,</span>' +
    '<div><br></div><div>See <a href="https://acme.example/p" target="_blank" ' +
    'data-saferedirecturl="https://www.google.com/url?q=x">the plan</a></div>' +
    '<div class="gmail_quote"><blockquote class="gmail_quote" style="margin:0 0 0 .8ex">earlier</blockquote></div></div>';
  assert.equal(
    sanitizeEmailHtml(gmail),
    '<div dir="ltr">Hi Sam,<div><br /></div><div>See <a href="https://acme.example/p" ' +
      'rel="noopener noreferrer" target="_blank">the plan</a></div><div><blockquote>earlier</blockquote></div></div>',
  );
});

Deno.test("render - sanitizing twice changes nothing", () => {
  for (
    const html of [BODY, '<div dir="ltr"><span dir="rtl">שלום</span><img src="x"><a href="#">t</a></div>']
  ) {
    const once = sanitizeEmailHtml(html);
    assert.equal(sanitizeEmailHtml(once), once);
  }
});

Deno.test("render - contact-supplied markup in text stays text", () => {
  const out = sanitizeEmailHtml("<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>");
  assert.equal(out, "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>");
  const email = renderEmail("<p>Name: &lt;script&gt;alert(1)&lt;/script&gt;</p>", { tracking: null });
  assert.match(email.html, /Name: &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(email.html, /<script/);
  assert.match(email.text, /Name: <script>alert\(1\)<\/script>/);
});

Deno.test("render - collectLinks lists distinct http(s) links in document order", () => {
  assert.deepEqual(collectLinks(sanitizeEmailHtml(BODY)), [
    "https://acme.example/pricing?plan=pro&seats=5",
    "https://docs.acme.example/",
  ]);
  assert.deepEqual(
    collectLinks(
      '<a href=" https://b.example ">1</a><a href="https://a.example">2</a><a href="https://b.example">3</a>',
    ),
    ["https://b.example", "https://a.example"],
  );
  assert.deepEqual(collectLinks('<a href="mailto:x@y.example">m</a><a href="tel:1">t</a><p>none</p>'), []);
});

Deno.test("render - followed email tracks every http(s) link and adds one pixel", () => {
  const { html, text } = renderEmail(BODY, { tracking: TRACKING });
  assert.deepEqual(hrefs(html), [
    "https://beacon.example/t/c/LINK0",
    "https://beacon.example/t/c/LINK1",
    "https://beacon.example/t/c/LINK0",
    "mailto:sales@acme.example",
    "tel:+15550100",
  ]);
  assert.doesNotMatch(html, /acme\.example\/pricing|docs\.acme\.example\/"/);
  const pixels = [...html.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
  assert.equal(pixels.length, 1);
  assert.match(pixels[0], /src="https:\/\/beacon\.example\/t\/o\/OPEN\?x=1&amp;y=2"/);
  assert.match(pixels[0], /width="1" height="1" alt=""/);
  assert.match(pixels[0], /display:block/);
  assert.match(html, /<body [^>]*>\n<img [^>]*\/>\n<div /, "the pixel opens the body");
  assert.match(text, /pricing <https:\/\/beacon\.example\/t\/c\/LINK0>/);
  assert.match(text, /here <https:\/\/beacon\.example\/t\/c\/LINK0>/);
  assert.match(text, /the docs <https:\/\/beacon\.example\/t\/c\/LINK1>/);
  assert.match(text, /mail us\s<sales@acme\.example>/);
  assert.doesNotMatch(text, /OPEN/);
});

Deno.test("render - a link whose text is a web address goes where it says: never a tracked URL behind it", () => {
  // Thunderbird's "This message might be a scam", Outlook's and filters' phishing rules: shown address ≠ href host.
  const html = '<p>Docs: <a href="https://docs.acme.example/">https://docs.acme.example/</a>, ' +
    '<a href="https://acme.example/pricing">acme.example/pricing</a> and our ' +
    '<a href="https://acme.example/pricing">pricing</a>; <a href="https://acme.example/team">www.Acme.example</a></p>';
  assert.deepEqual(
    collectLinks(sanitizeEmailHtml(html)),
    ["https://acme.example/pricing"],
    "only a tracked one counts",
  );
  const email = renderEmail(html, {
    tracking: { pixelUrl: "https://beacon.example/t/o/P", linkUrls: ["https://beacon.example/t/c/L0"] },
  });
  assert.deepEqual(hrefs(email.html), [
    "https://docs.acme.example/",
    "https://acme.example/pricing",
    "https://beacon.example/t/c/L0",
    "https://acme.example/team",
  ]);
  assert.match(email.text, /^Docs: https:\/\/docs\.acme\.example\/, acme\.example\/pricing/);
  assert.match(email.text, /our pricing\s<https:\/\/beacon\.example\/t\/c\/L0>/);
  assert.equal(email.text.match(/docs\.acme\.example/g)?.length, 1, "the address is written once");
});

Deno.test("render - a tracked URL never lands on a refused link", () => {
  const { html } = renderEmail(
    '<a href="javascript:alert(1)">x</a><a href="https://ok.example">ok</a>',
    { tracking: { pixelUrl: "https://beacon.example/p", linkUrls: ["https://beacon.example/t/c/0"] } },
  );
  assert.deepEqual(hrefs(html), ["https://beacon.example/t/c/0"]);
  assert.doesNotMatch(html, /javascript/);
});

Deno.test("render - the open pixel comes before Gmail's clip point of a long email; the honeypot stays last", () => {
  // Gmail shows the first ~102 KB of a message's HTML and cuts the rest behind "[Message clipped]".
  const CLIP = 102 * 1024;
  const long = `<p>${"A long proposal, pasted from a document. ".repeat(4000)}</p>`;
  const { html } = renderEmail(long, {
    tracking: { ...TRACKING, linkUrls: [], honeypotUrl: "https://beacon.example/t/c/HONEY" },
  });
  assert.ok(html.length > 150 * 1024);
  const kept = html.slice(0, CLIP);
  assert.match(kept, /\/t\/o\/OPEN/, "the open pixel is before the clip point");
  assert.doesNotMatch(kept, /HONEY/, "the honeypot stays the last link, never the first a keyboard reaches");
});

Deno.test("render - tracking URLs must match the links", () => {
  assert.throws(
    () =>
      renderEmail(BODY, { tracking: { pixelUrl: "https://b.example/p", linkUrls: ["https://b.example/1"] } }),
    RangeError,
  );
  assert.throws(
    () => renderEmail(BODY, { tracking: { ...TRACKING, pixelUrl: "javascript:alert(1)" } }),
    TypeError,
  );
});

Deno.test("render - email not followed has no pixel and its own URLs", () => {
  const { html, text } = renderEmail(BODY, { tracking: null });
  assert.deepEqual(hrefs(html), [
    "https://acme.example/pricing?plan=pro&amp;seats=5",
    "https://docs.acme.example/",
    "https://acme.example/pricing?plan=pro&amp;seats=5",
    "mailto:sales@acme.example",
    "tel:+15550100",
  ]);
  assert.doesNotMatch(html, /<img/);
  assert.doesNotMatch(html, /beacon\.example/);
  assert.match(text, /pricing <https:\/\/acme\.example\/pricing\?plan=pro&seats=5>/);
  assert.match(text, /Docs: the docs <https:\/\/docs\.acme\.example\/>\n/);
});

Deno.test("render - blocks read and align by their first letter, saying rtl outright; a set direction is kept", () => {
  const { html } = renderEmail(
    '<p>שלום נועה,</p><p dir="auto">مرحبا</p><p dir="ltr">שלום</p><p>Hello <b>שלום</b></p><p>12 שקל</p>' +
      "<blockquote><p>ציטוט</p></blockquote><ul><li>אחד</li></ul><ol><li>Q3</li></ol><p>-</p>",
    { tracking: null },
  );
  // Right to left, as Outlook (which ignores dir="auto") and every other client understand: said, and aligned.
  assert.match(html, /<p dir="rtl" style="margin:0 0 12px 0;text-align:right;">שלום נועה,<\/p>/);
  assert.match(html, /<p dir="rtl" style="[^"]*text-align:right;">مرحبا<\/p>/, "the composer's dir=auto too");
  assert.match(html, /<p dir="ltr" style="margin:0 0 12px 0;">שלום<\/p>/, "a direction set is kept");
  assert.match(html, /<p dir="auto" style="margin:0 0 12px 0;">Hello <b>שלום<\/b><\/p>/);
  assert.match(html, /<p dir="rtl" style="[^"]*text-align:right;">12 שקל<\/p>/, "digits are no letters");
  assert.match(html, /<blockquote dir="rtl" style="[^"]*border-right:3px solid[^"]*"><p dir="rtl"/);
  assert.match(
    html,
    /<ul dir="rtl" style="padding:0 24px 0 0;text-align:right;"><li dir="rtl"[^>]*>אחד<\/li>/,
  );
  assert.match(html, /<ol><li dir="auto"[^>]*>Q3<\/li><\/ol>/, "a left-to-right list is as it was");
  assert.match(
    html,
    /<p dir="auto" style="margin:0 0 12px 0;">-<\/p>/,
    "no letter: the reader's client decides",
  );
});

Deno.test("render - the email is a complete, styled document", () => {
  const { html } = renderEmail("<p>Hi</p><blockquote><p>before</p></blockquote>", { tracking: null });
  assert.match(html, /^<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">/);
  assert.match(
    html,
    /<body style="[^"]+">\n<div style="max-width:640px;[^"]+"><p dir="auto" style="[^"]+">Hi<\/p>/,
  );
  assert.match(html, /<blockquote dir="auto" style="[^"]*border-left:[^"]+">/);
  assert.match(html, /<\/div>\n<\/body>\n<\/html>\n$/);
});

Deno.test("render - long URLs and unbroken words wrap: the wrapper says so inline, as mail clients need", () => {
  const url = `https://docs.acme.example/${"proposal-".repeat(12)}final.pdf`;
  const { html } = renderEmail(`<p><a href="${url}">${url}</a> ${"x".repeat(90)}</p>`, { tracking: null });
  const wrapper = html.match(/<div style="(max-width:640px;[^"]+)">/)![1];
  assert.match(wrapper, /(?:^|;)overflow-wrap:anywhere;/);
  assert.match(wrapper, /(?:^|;)word-break:break-word;/);
});

Deno.test("render - footer lines appear in both parts, untracked", () => {
  const footer = [
    {
      text: "This email is tracked by Beacon.",
      linkText: "Opt out",
      linkUrl: "https://beacon.example/optout",
    },
    { text: "Acme Inc. <sales>" },
  ];
  const { html, text } = renderEmail("<p>Body</p>", { tracking: { ...TRACKING, linkUrls: [] }, footer });
  assert.match(
    html,
    /This email is tracked by Beacon\. <a href="https:\/\/beacon\.example\/optout"[^>]*>Opt out<\/a>/,
  );
  assert.match(html, /Acme Inc\. &lt;sales&gt;/);
  assert.equal(
    text,
    "Body\n\nThis email is tracked by Beacon. Opt out <https://beacon.example/optout>\nAcme Inc. <sales>\n",
  );
  const plain = renderEmail("<p>Body</p>", { tracking: null, footer: [] });
  assert.equal(plain.text, "Body\n");
});

Deno.test("render - text part keeps lists and quotes readable and wraps at 78", () => {
  const long = "word ".repeat(40).trim();
  const { text } = renderEmail(
    `<h2>Next steps</h2><ul><li>Call</li><li>Demo</li></ul><ol><li>First</li><li>Second</li></ol>` +
      `<blockquote><p>${long}</p></blockquote><p>${long}</p><img src="https://x.example/logo.png" alt="Acme logo">`,
    { tracking: null },
  );
  assert.match(text, /^Next steps\n\n \* Call\n \* Demo\n\n 1\. First\n 2\. Second\n\n> word/);
  for (const line of text.split("\n")) assert.ok(line.length <= 78, line);
  assert.ok(text.split("\n").filter((line) => line.startsWith("> word")).length > 1);
  assert.match(text, /Acme logo\n$/);
});

Deno.test("render - plain text for previews has no URLs and collapsed whitespace", () => {
  assert.equal(
    htmlToPlainText(
      '<p class="MsoNormal">Hello,<o:p></o:p></p>\n\n<p>  see   <a href="https://acme.example">our site</a></p>' +
        "<ul><li>one</li><li>two</li></ul><script>bad()</script><blockquote>quoted</blockquote><hr>",
    ),
    "Hello, see our site one two quoted",
  );
  assert.equal(htmlToPlainText(""), "");
});

Deno.test("render - output is deterministic", () => {
  const a = renderEmail(BODY, { tracking: TRACKING, footer: [{ text: "x" }] });
  const b = renderEmail(BODY, { tracking: TRACKING, footer: [{ text: "x" }] });
  assert.deepEqual(a, b);
});
