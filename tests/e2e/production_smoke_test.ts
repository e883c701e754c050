/**
 * Production smoke test. Beacon configured as on Deno Deploy would be — BEACON_ENV=production with its
 * secrets, Supabase Realtime (here the local STAND-IN, tests/standins/supabase_standin.ts, since Supabase
 * can't run on this machine), and the cron sweep as the only wake-up (no KV queues, no timer) — then:
 *
 * 1. start-up through main.ts in a subprocess: a missing secret stops it with a message naming it; the
 *    complete set starts it, and it logs Deno Deploy, the Supabase adapter and the cron-only wake-ups;
 * 2. the tracked-email flow in Chromium: compose through the API, the sweep delivers it, the recipient
 *    opens it in the Outbox and clicks, and the seller's message page updates live through supabase-js
 *    on private channels — including after a dropped connection, by catching up from /api/feed.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  openEmailInOutbox,
  openMessagePage,
  pageApi,
  recipientInbox,
  signUpInBrowser,
  waitForMessageStatus,
} from "../helpers/e2e_flows.ts";
import { standinEnv, startSupabaseStandin } from "../standins/supabase_standin.ts";
import type { SupabaseRealtime } from "../../lib/realtime/supabase.ts";
import { RECONCILE_MS } from "../../lib/browser/live.ts";
import { childEnv } from "../../bench/lib.ts";

const SECRETS = {
  BEACON_SESSION_SECRET: "production-session-secret-0123456789abcdef",
  BEACON_TRACKING_SECRET: "production-tracking-secret-0123456789abcdef",
};

async function runMain(env: Record<string, string>, untilLine: RegExp | null, timeoutMs = 60_000) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    env: childEnv(env),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const read = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  const reading = Promise.all([read(child.stdout), read(child.stderr)]);
  const deadline = Date.now() + timeoutMs;
  let exited: Deno.CommandStatus | null = null;
  child.status.then((status) => exited = status);
  while (!exited && !(untilLine && untilLine.test(output)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!exited) child.kill("SIGTERM");
  const status = await child.status;
  await reading;
  return { output, status };
}

Deno.test("production - start-up checks its secrets, and logs Deploy, Supabase and cron-only wake-ups", async () => {
  await using standin = await startSupabaseStandin({ quiet: true });
  // As on Deno Deploy (DENO_DEPLOYMENT_ID), with an in-memory KV so nothing is written here.
  const deploy = {
    DENO_DEPLOYMENT_ID: "smoke-test",
    BEACON_KV_PATH: ":memory:",
    BEACON_BASE_URL: "https://beacon.example",
    PORT: "0",
  };
  const missing = await runMain({
    ...deploy,
    ...standinEnv(standin),
    BEACON_SESSION_SECRET: SECRETS.BEACON_SESSION_SECRET,
  }, null);
  assert.equal(missing.status.code, 1);
  assert.match(missing.output, /Configuration error: .*BEACON_TRACKING_SECRET \(signs tracking tokens/);
  assert.doesNotMatch(missing.output, /BEACON_SESSION_SECRET \(/);

  const noSupabase = await runMain({ ...deploy, ...SECRETS }, null);
  assert.equal(noSupabase.status.code, 1);
  assert.match(noSupabase.output, /On Deno Deploy live updates need Supabase Realtime.*SUPABASE_URL/);

  const partly = await runMain({ ...deploy, ...SECRETS, SUPABASE_URL: standin.url }, null);
  assert.equal(partly.status.code, 1);
  assert.match(
    partly.output,
    /partly configured; missing: SUPABASE_ANON_KEY .*SUPABASE_SERVICE_ROLE_KEY .*SUPABASE_JWT_SECRET/,
  );

  const ok = await runMain({ ...deploy, ...SECRETS, ...standinEnv(standin) }, /Beacon is running/);
  assert.match(ok.output, /Beacon production · on Deno Deploy · KV :memory:/);
  assert.match(ok.output, new RegExp(`realtime: supabase \\(${standin.url.replace("http://", "")}\\)`));
  assert.match(
    ok.output,
    /wake-ups: timer \(this instance, while it runs\), cron sweep \(every minute\) — no KV queues/,
  );
  assert.doesNotMatch(ok.output, /KV queue \(/);
  assert.match(ok.output, /Beacon is running at https:\/\/beacon\.example/);
});

Deno.test({
  name:
    "production - the tracked-email flow, live through Supabase Realtime (stand-in), cron-only scheduling",
  // supabase-js in the page is in Chromium; the stand-in's sockets close with the test.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using standin = await startSupabaseStandin({ quiet: true });
    await using server = await startServer({
      clock: new ManualClock(Date.now(), true),
      env: { BEACON_ENV: "production", BEACON_WAKEUPS: "cron", ...SECRETS, ...standinEnv(standin) },
      scheduler: { wakeups: ["cron"] },
    });
    const { deps } = server;
    assert.equal(deps.config.production, true);
    assert.equal(deps.realtime.name, "supabase");
    assert.deepEqual([...deps.scheduler.wakeups], ["cron"]);
    // main.ts runs the sweep from Deno.cron once a minute; here it runs every half second.
    const sweep = setInterval(() => deps.scheduler.runDue().catch(() => {}), 500);
    await using browser = await launchBrowser();
    try {
      const { context: seller, page, errors } = await newSellerPage(browser, { timeout: 15_000 });
      const requests: string[] = [];
      const sockets: string[] = [];
      page.on("request", (r) => requests.push(new URL(r.url()).pathname + new URL(r.url()).search));
      page.on("websocket", (ws) => sockets.push(ws.url()));
      // The page's own timers can be moved on (its check of the feed, below); they otherwise run as usual.
      await page.clock.install();
      await signUpInBrowser(page, server.url);
      const me = await pageApi<{ user: { id: string }; team: { id: string } }>(page, "GET", "/me");

      const { draft } = await draftToNewContact(page, KEN, {
        subject: "Your Q3 proposal",
        html:
          '<p>Hi Ken,</p><p>Here is <a href="https://example.com/proposal">the proposal</a>. Talk soon!</p>',
      });
      await pageApi(page, "POST", `/messages/${draft.id}/send`);
      await openMessagePage(page, server.url, draft.id);
      assert.equal(await page.getAttribute('meta[name="live-transport"]', "content"), "supabase");
      // The page joins its two private channels at the stand-in, with a token from Beacon.
      await standin.waitForJoined(`team:${me.team.id}`);
      await standin.waitForJoined(`team:${me.team.id}:user:${me.user.id}`);
      // The cron sweep sends it; the page learns it live (message.updated through Supabase).
      await waitForMessageStatus(page, "Not opened yet");

      // The recipient opens the email in the Outbox.
      // A person's browser, not a headless one (which the classifier may count as a machine).
      const { context: recipient, inbox } = await recipientInbox(browser, server.url, {
        userAgent:
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36",
        standIn: { url: "https://example.com/**", html: "<h1>Proposal</h1>" },
      });
      await openEmailInOutbox(inbox, server.url, "Your Q3 proposal");
      await inbox.frameLocator("iframe.email-frame").locator("text=the proposal").waitFor();

      await page.waitForFunction(() =>
        document.querySelector("[data-testid=kpi-opens] .kpi-value")?.textContent === "1"
      );
      await page.waitForSelector(".toast:has-text('Ken Sato opened')");
      assert.ok(
        standin.broadcasts.some((b) =>
          b.topic === `team:${me.team.id}:user:${me.user.id}` &&
          (b.payload as { type: string }).type === "alert.first_open" && b.deliveredTo >= 1
        ),
        "the toast came on the user's own topic",
      );

      // The connection drops; an open happens meanwhile; the page catches up when it is back.
      standin.refuseConnections(true);
      standin.dropConnections();
      const feedCallsBefore = requests.filter((r) => r.startsWith("/api/feed")).length;
      const broadcastsBefore = standin.broadcasts.length;
      await inbox.reload();
      await inbox.frameLocator("iframe.email-frame").locator("text=the proposal").waitFor();
      const deadline = Date.now() + 10_000;
      while (
        !standin.broadcasts.slice(broadcastsBefore).some((b) =>
          (b.payload as { type: string }).type === "engagement"
        )
      ) {
        if (Date.now() > deadline) throw new Error("the second open was not broadcast");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(
        standin.broadcasts.slice(broadcastsBefore).every((b) => b.deliveredTo === 0),
        "nobody was connected to receive it",
      );
      assert.equal(await page.textContent("[data-testid=kpi-opens] .kpi-value"), "1");
      standin.refuseConnections(false);
      await page.waitForFunction(
        () => document.querySelector("[data-testid=kpi-opens] .kpi-value")?.textContent === "2",
        null,
        { timeout: 30_000 },
      );
      assert.ok(
        requests.filter((r) => r.startsWith("/api/feed?after=")).length > feedCallsBefore,
        "caught up through Beacon's feed",
      );
      assert.match(await page.textContent("[data-testid=message-status]") ?? "", /Opened 2 times/);

      // And a click, live again (whether it counts as a person's is the classifier's call, not this test's).
      const [popup] = await Promise.all([
        inbox.waitForEvent("popup"),
        inbox.frameLocator("iframe.email-frame").locator("text=the proposal").click(),
      ]);
      await page.waitForFunction(() =>
        /Clicked example\.com\/proposal/.test(
          document.querySelector("[data-testid=history]")?.textContent ?? "",
        )
      );
      await screenshot(page, "production-message-supabase");

      // Supabase refuses a broadcast (not retried: the server drops it). The page, still connected, hears
      // nothing, then finds the event in Beacon's feed when it next checks.
      const supabase = deps.realtime as SupabaseRealtime;
      const dropped = supabase.stats.dropped;
      standin.failNext(400);
      await inbox.reload();
      await inbox.frameLocator("iframe.email-frame").locator("text=the proposal").waitFor();
      for (const until = Date.now() + 10_000; supabase.stats.dropped === dropped;) {
        if (Date.now() > until) throw new Error("the third open's broadcast was not dropped");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(await page.textContent("[data-testid=kpi-opens] .kpi-value"), "2");
      await page.clock.fastForward(RECONCILE_MS);
      await page.waitForFunction(() =>
        document.querySelector("[data-testid=kpi-opens] .kpi-value")?.textContent === "3"
      );

      // What the page heard by broadcast, its next check finds in the feed too, and resumes after it: the
      // check after that starts later (not from the same point again and again, re-reading ever more).
      const heard = standin.broadcasts.length;
      await inbox.reload();
      for (
        const until = Date.now() + 10_000;
        !standin.broadcasts.slice(heard).some((b) => b.deliveredTo > 0);
      ) {
        if (Date.now() > until) throw new Error("the fourth open was not broadcast to the page");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const feedChecks = () => requests.filter((r) => r.startsWith("/api/feed?after="));
      /** Moves the page's clock on until it checks the feed (a check still under way is not repeated). */
      const checkNow = async () => {
        for (let tries = 0; tries < 10; tries++) {
          const before = feedChecks().length;
          await page.clock.fastForward(RECONCILE_MS);
          for (let i = 0; i < 20 && feedChecks().length === before; i++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          if (feedChecks().length > before) return feedChecks().at(-1);
        }
        throw new Error("the page did not check the feed");
      };
      const first = await checkNow();
      const second = await checkNow();
      assert.notEqual(second, first);

      assert.ok(
        sockets.some((url) => url.startsWith(standin.url.replace("http:", "ws:") + "/realtime/v1/websocket")),
      );
      assert.ok(!requests.some((r) => r.startsWith("/api/live")), "no SSE with the Supabase transport");
      assert.ok(requests.some((r) => r === "/api/realtime/token"));
      assert.deepEqual(errors, []);
      await popup.close();
      await seller.close();
      await recipient.close();
    } finally {
      clearInterval(sweep);
      await (deps.realtime as { idle?: () => Promise<void> }).idle?.();
    }
  },
});
