import assert from "node:assert/strict";
import { describeEvent, shortUrl } from "./describe.ts";

Deno.test("short url - host and path, without www, scheme or campaign parameters", () => {
  assert.equal(
    shortUrl("https://www.example.com/pricing?utm_source=beacon&utm_medium=email"),
    "example.com/pricing",
  );
  assert.equal(shortUrl("https://example.com/"), "example.com");
  assert.equal(shortUrl("https://example.com/?gclid=x&fbclid=y"), "example.com");
});

Deno.test("short url - the query that picks the page is kept: links differing only there are told apart", () => {
  assert.equal(
    shortUrl("https://acme.example/pricing?plan=pro&utm_campaign=q3"),
    "acme.example/pricing?plan=pro",
  );
  assert.notEqual(
    shortUrl("https://acme.example/pricing?plan=pro"),
    shortUrl("https://acme.example/pricing?plan=team"),
  );
});

Deno.test("short url - a long one keeps its start and its end, where links to one site differ", () => {
  const base = "https://docs.globex.example/proposals/2026/third-quarter/renewal-terms";
  const [a, b] = [shortUrl(`${base}/globex-q3-pricing.pdf`), shortUrl(`${base}/globex-q3-security.pdf`)];
  assert.notEqual(a, b);
  assert.ok(a.length <= 60, a);
  assert.match(a, /^docs\.globex\.example\/proposals.*….*globex-q3-pricing\.pdf$/);
});

Deno.test("short url - text that is not a URL is shown as it is, cut to length", () => {
  assert.equal(shortUrl("a link"), "a link");
  assert.equal(shortUrl("x".repeat(100)).length, 59);
});

Deno.test("short url - a non-Latin path and query are shown readable; the host stays as the parser gives it", () => {
  assert.equal(shortUrl("https://gulf-trade.example/عرض"), "gulf-trade.example/عرض");
  assert.equal(
    shortUrl("https://gulf-trade.example/%D8%B9%D8%B1%D8%B6?q=%D8%B3%D8%B9%D8%B1"),
    "gulf-trade.example/عرض?q=سعر",
  );
  assert.equal(shortUrl("https://münchen.example/straße"), "xn--mnchen-3ya.example/straße");
  const long = shortUrl(`https://gulf-trade.example/${"عرض-".repeat(20)}😀`);
  assert.equal([...long].length, 59);
  assert.ok(long.endsWith("-😀"), long);
});

Deno.test("short url - escapes that aren't UTF-8, or would read as a separator or reorder the text, stay escaped", () => {
  assert.equal(shortUrl("https://acme.example/50%ZZ/%D8/%D8%B9"), "acme.example/50%ZZ/%D8/ع");
  assert.equal(shortUrl("https://acme.example/a%2Fb?x=1%262"), "acme.example/a%2Fb?x=1%262");
  assert.equal(shortUrl("https://acme.example/%25D8%20x"), "acme.example/%25D8%20x");
  // A right-to-left override would show "acme.example/moc.live" as if the link went elsewhere.
  assert.equal(shortUrl("https://acme.example/%E2%80%AEmoc.live"), "acme.example/%E2%80%AEmoc.live");
});

Deno.test("describe event - a long reply is quoted cut at a word, with an ellipsis", () => {
  const reply = (text: string) => ({
    type: "reply" as const,
    index: null,
    url: null,
    method: "SMTP",
    prefetch: false,
    reply: {
      from: "ken@globex.example",
      fromName: "Ken Sato",
      subject: "Re: Q3",
      text,
      autoReply: null,
      fromRecipient: true,
      inboundId: "i1",
    },
  });
  assert.equal(describeEvent(reply("Thursday\n\nworks.")), "Ken Sato replied: “Thursday works.”");
  const long = describeEvent(
    reply(`${"Thanks for the proposal. ".repeat(5)}About the pricing — can we talk?`),
  );
  assert.match(long, /^Ken Sato replied: “Thanks for the proposal\. .*…”$/);
  const quote = long.slice(long.indexOf("“") + 1, -1);
  assert.ok(quote.length <= 140, quote);
  assert.match(quote, /\w…$/, "cut after a whole word, not after a space");
  // Right to left: the quotation, marks included, is one isolate after the name's.
  assert.equal(
    describeEvent({ ...reply(""), reply: { ...reply("").reply!, fromName: "محمد", text: "شكراً، أراك غداً" } }),
    "\u2068محمد\u2069 replied: \u2068“شكراً، أراك غداً”\u2069",
  );
});
