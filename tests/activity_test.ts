import assert from "node:assert/strict";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";

/** The pager's links on an Activity page, unescaped. */
function pager(html: string) {
  const link = (label: string) =>
    html.match(new RegExp(`href="([^"]*)"[^>]*>\\s*${label}`))?.[1].replaceAll("&amp;", "&") ?? null;
  return { first: link("← First page"), previous: link("← Previous page"), next: link("Next page →") };
}

const subjects = (html: string) => [...html.matchAll(/class="row-link"[^>]*>([^<]*)</g)].map((m) => m[1]);

Deno.test("activity - pages go forward, back one page at a time and to the first, keeping the filters", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  for (let i = 0; i < 60; i++) {
    const draft = await ana.api("POST", "/messages", {
      to: ["ken@globex.example"],
      subject: `Email ${String(i).padStart(2, "0")}`,
      html: "<p>Hi</p>",
    });
    assert.equal((await ana.api("POST", `/messages/${draft.json.id}/send`)).status, 202);
  }
  const visit = async (query: string) => {
    const { status, html } = await ana.page(`/${query}`);
    assert.equal(status, 200);
    return { subjects: subjects(html), ...pager(html) };
  };
  const one = await visit("?scope=mine&q=email");
  assert.deepEqual([one.first, one.previous], [null, null], "the first page has no way back");
  assert.equal(one.subjects[0], "Email 59");
  const two = await visit(one.next!);
  assert.equal(two.subjects[0], "Email 34");
  assert.equal(two.first, "?scope=mine&q=email");
  assert.equal(two.previous, null, "on the second page, the previous page is the first");
  const three = await visit(two.next!);
  assert.deepEqual(three.subjects, [
    "Email 09",
    "Email 08",
    "Email 07",
    "Email 06",
    "Email 05",
    "Email 04",
    "Email 03",
    "Email 02",
    "Email 01",
    "Email 00",
  ]);
  assert.equal(three.next, null);
  assert.equal(three.first, "?scope=mine&q=email");
  const back = await visit(three.previous!);
  assert.deepEqual(back, two, "Previous page is the page before, with its own links");
  assert.deepEqual(await visit(back.first!), one);
});
