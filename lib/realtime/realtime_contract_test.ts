/**
 * The Realtime port's contract, run against every adapter (as Hono runs one router suite against each
 * router): the embedded LocalHub, received through `subscribe` with the same per-user filter as
 * /api/live; and SupabaseRealtime, received the way a browser does — @supabase/supabase-js joining
 * private channels with a token from `browserAccess` — from tests/standins/supabase_standin.ts, a local
 * STAND-IN for Supabase Realtime (Supabase itself cannot run here). Then what only the Supabase path has:
 * retries, and team isolation enforced at the channel join.
 */
import assert from "node:assert/strict";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { startSupabaseStandin, type SupabaseStandin } from "../../tests/standins/supabase_standin.ts";
import { encodeBase64Url } from "../crypto/base64url.ts";
import { hmac, importHmacKey } from "../crypto/tokens.ts";
import { newId } from "../storage/ids.ts";
import { signJwt } from "./jwt.ts";
import { LocalHub } from "./local_hub.ts";
import type { LiveEvent, Realtime } from "./realtime.ts";
import { BROADCAST_EVENT, browserAccess, SupabaseRealtime, teamTopic, userTopic } from "./supabase.ts";

interface Receiver {
  events: LiveEvent[];
  waitFor(count: number, timeoutMs?: number): Promise<LiveEvent[]>;
  close(): Promise<void>;
}

interface Harness {
  realtime: Realtime;
  /** Receives what the signed-in `userId` of `teamId` would: the team's events and their own. */
  receiver(teamId: string, userId: string): Promise<Receiver>;
  /** Until everything published so far was delivered (or given up on). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

function collector(): Pick<Receiver, "events" | "waitFor"> & { push(e: LiveEvent): void } {
  const events: LiveEvent[] = [];
  let wake = () => {};
  return {
    events,
    push(event) {
      events.push(event);
      wake();
    },
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${events.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return events;
    },
  };
}

const local = (): Promise<Harness> => {
  const hub = new LocalHub();
  return Promise.resolve({
    realtime: hub,
    receiver(teamId, userId) {
      const c = collector();
      // The filter routes/api/live.ts applies.
      const off = hub.subscribe(teamId, (e) => (!e.userId || e.userId === userId) && c.push(e));
      return Promise.resolve({ ...c, close: () => Promise.resolve(off()) });
    },
    settle: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
};

/** A browser's client: the calls lib/browser/live.ts makes. */
async function joinAsBrowser(
  standin: SupabaseStandin,
  token: string,
  topics: string[],
  onEvent: (event: LiveEvent) => void,
): Promise<{ client: SupabaseClient; statuses: Map<string, string[]> }> {
  const client = createClient(standin.url, standin.anonKey, { accessToken: () => Promise.resolve(token) });
  await client.realtime.setAuth(token);
  const statuses = new Map<string, string[]>();
  await Promise.all(topics.map((topic) =>
    new Promise<void>((resolve, reject) => {
      const channel = client.channel(topic, { config: { private: true } });
      channel.on("broadcast", { event: BROADCAST_EVENT }, ({ payload }) => onEvent(payload as LiveEvent));
      channel.subscribe((status, error) => {
        statuses.set(topic, [...statuses.get(topic) ?? [], status]);
        if (status === "SUBSCRIBED") resolve();
        else if (status === "CHANNEL_ERROR") reject(error ?? new Error(status));
      });
    })
  ));
  return { client, statuses };
}

const supabase = async (): Promise<Harness> => {
  const standin = await startSupabaseStandin({ quiet: true });
  const adapter = new SupabaseRealtime({ url: standin.url, serviceRoleKey: standin.serviceRoleKey });
  const config = {
    url: standin.url,
    anonKey: standin.anonKey,
    serviceRoleKey: "",
    jwtSecret: standin.jwtSecret,
  };
  const clients: SupabaseClient[] = [];
  return {
    realtime: adapter,
    async receiver(teamId, userId) {
      const c = collector();
      const access = await browserAccess(config, { teamId, userId }, Date.now());
      const { client } = await joinAsBrowser(standin, access.token, access.topics, c.push);
      clients.push(client);
      return {
        ...c,
        close: async () => {
          await client.removeAllChannels();
        },
      };
    },
    settle: () => adapter.idle(),
    async close() {
      await adapter.idle();
      for (const client of clients) await client.removeAllChannels();
      await standin.close();
    },
  };
};

const ADAPTERS: [string, () => Promise<Harness>][] = [["local hub", local], [
  "supabase (stand-in)",
  supabase,
]];

const event = (
  teamId: string,
  type: string,
  data: Record<string, unknown> = {},
  userId?: string,
): LiveEvent => ({
  id: newId(Date.now()),
  teamId,
  type,
  data,
  at: Date.now(),
  ...(userId ? { userId } : {}),
});

// supabase-js keeps timers (heartbeat, reconnect back-off) a little past removeAllChannels().
const options = { sanitizeOps: false, sanitizeResources: false };

for (const [name, make] of ADAPTERS) {
  Deno.test({
    name: `realtime contract (${name}) - a team's events reach each member, and no other team`,
    ...options,
    async fn() {
      const h = await make();
      try {
        const [ana, bo, eve] = await Promise.all([
          h.receiver("TEAM_A", "ANA"),
          h.receiver("TEAM_A", "BO"),
          h.receiver("TEAM_B", "EVE"),
        ]);
        const e = event("TEAM_A", "engagement", { opens: 1 });
        await h.realtime.publish(e);
        await h.settle();
        assert.deepEqual((await ana.waitFor(1))[0], e);
        assert.deepEqual((await bo.waitFor(1))[0], e);
        await h.realtime.publish(event("TEAM_B", "engagement", { opens: 9 }));
        await h.settle();
        await eve.waitFor(1);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(ana.events.length, 1, "nothing from team B");
        assert.equal(eve.events.length, 1, "nothing from team A");
        await Promise.all([ana.close(), bo.close(), eve.close()]);
      } finally {
        await h.close();
      }
    },
  });

  Deno.test({
    name: `realtime contract (${name}) - a user's own events reach only that user`,
    ...options,
    async fn() {
      const h = await make();
      try {
        const [ana, bo] = await Promise.all([h.receiver("TEAM_A", "ANA"), h.receiver("TEAM_A", "BO")]);
        const card = event("TEAM_A", "card", { title: "Ken opened" }, "ANA");
        const team = event("TEAM_A", "engagement");
        await h.realtime.publish(card);
        await h.realtime.publish(team);
        await h.settle();
        assert.deepEqual((await ana.waitFor(2)).map((e) => e.id).sort(), [card.id, team.id].sort());
        await bo.waitFor(1);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(bo.events.map((e) => e.id), [team.id], "Bo never gets Ana's card");
        await Promise.all([ana.close(), bo.close()]);
      } finally {
        await h.close();
      }
    },
  });

  Deno.test({
    name: `realtime contract (${name}) - events arrive once each, in the order they were published`,
    ...options,
    async fn() {
      const h = await make();
      try {
        const ana = await h.receiver("TEAM_A", "ANA");
        const sent = Array.from({ length: 300 }, (_, i) => event("TEAM_A", "engagement", { i }));
        const started = performance.now();
        for (const e of sent) await h.realtime.publish(e);
        const publishMs = performance.now() - started;
        assert.ok(publishMs < 100, `publish must not wait on delivery (${publishMs.toFixed(1)} ms for 300)`);
        await h.settle();
        const got = await ana.waitFor(300);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(got.map((e) => e.data.i), sent.map((e) => e.data.i));
        await ana.close();
      } finally {
        await h.close();
      }
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Supabase only: delivery in the background, with retries

Deno.test({
  name:
    "supabase - failed broadcasts are retried with backoff and still arrive in order; publish never waits",
  ...options,
  async fn() {
    await using standin = await startSupabaseStandin({ quiet: true });
    const logs: string[] = [];
    const adapter = new SupabaseRealtime({
      url: standin.url,
      serviceRoleKey: standin.serviceRoleKey,
      retryBaseMs: 20,
      retryMaxMs: 200,
      log: (line) => logs.push(line),
    });
    const config = {
      url: standin.url,
      anonKey: standin.anonKey,
      serviceRoleKey: "",
      jwtSecret: standin.jwtSecret,
    };
    const access = await browserAccess(config, { teamId: "T", userId: "U" }, Date.now());
    const got: LiveEvent[] = [];
    const { client } = await joinAsBrowser(standin, access.token, access.topics, (e) => got.push(e));
    standin.failNext(503, 2);
    standin.failNext(429, 1, { "retry-after": "0.05" });
    const sent = [event("T", "a"), event("T", "b", {}, "U"), event("T", "c")];
    const started = performance.now();
    for (const e of sent) await adapter.publish(e);
    assert.ok(performance.now() - started < 20, "publish returned before any delivery");
    await adapter.idle();
    while (got.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(got.map((e) => e.type), ["a", "b", "c"]);
    assert.equal(adapter.stats.retries, 3);
    assert.equal(adapter.stats.sent, 3);
    assert.deepEqual(logs, []);
    await client.removeAllChannels();
  },
});

Deno.test({
  name: "supabase - after a 429 (too many messages) it sends smaller batches, then grows them again",
  ...options,
  async fn() {
    await using standin = await startSupabaseStandin({ quiet: true });
    const adapter = new SupabaseRealtime({
      url: standin.url,
      serviceRoleKey: standin.serviceRoleKey,
      batchSize: 8,
      retryBaseMs: 5,
      log: () => {},
    });
    standin.failNext(429, 1);
    for (let i = 0; i < 16; i++) await adapter.publish(event("T", `e${i}`));
    await adapter.idle();
    assert.deepEqual(standin.batchSizes, [4, 8, 4]);
    assert.deepEqual(
      standin.broadcasts.map((b) => (b.payload as LiveEvent).type),
      [...Array(16).keys()].map((i) => `e${i}`),
    );
  },
});

Deno.test({
  name: "supabase - an unreachable or misconfigured project drops events with a log, never an error",
  ...options,
  async fn() {
    await using standin = await startSupabaseStandin({ quiet: true });
    const logs: string[] = [];
    // A wrong key: 401 is a configuration problem, not retried.
    const wrongKey = new SupabaseRealtime({
      url: standin.url,
      serviceRoleKey: "not-a-key",
      log: (line) => logs.push(line),
    });
    await wrongKey.publish(event("T", "a"));
    await wrongKey.idle();
    assert.equal(wrongKey.stats.dropped, 1);
    assert.equal(wrongKey.stats.requests, 1);
    assert.match(logs[0], /HTTP 401.*not retried/);
    // Nobody listening on the port: retried, then dropped.
    const port = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const deadUrl = `http://127.0.0.1:${(port.addr as Deno.NetAddr).port}`;
    port.close();
    const dead = new SupabaseRealtime({
      url: deadUrl,
      serviceRoleKey: standin.serviceRoleKey,
      retryBaseMs: 5,
      retryMaxMs: 20,
      maxAttempts: 3,
      log: (line) => logs.push(line),
    });
    await dead.publish(event("T", "a"));
    await dead.idle();
    assert.equal(dead.stats.requests, 3);
    assert.equal(dead.stats.dropped, 1);
    assert.match(logs[1], /after 3 attempt/);
  },
});

Deno.test({
  name: "supabase - the stand-in accepts what supabase-js httpSend posts (the same endpoint family)",
  ...options,
  async fn() {
    await using standin = await startSupabaseStandin({ quiet: true });
    const server = createClient(standin.url, standin.serviceRoleKey);
    const channel = server.channel(teamTopic("T"), { config: { private: true } });
    assert.deepEqual(await channel.httpSend("live", { id: "X" }), { success: true });
    await server.removeChannel(channel);
    assert.equal(standin.broadcasts[0].via, "httpSend");
    assert.equal(standin.broadcasts[0].topic, "team:T");
    assert.equal(standin.broadcasts[0].private, true);
    // A browser's (anon) key cannot send to a private topic: no INSERT policy.
    const browser = createClient(standin.url, standin.anonKey);
    const sneaky = browser.channel(teamTopic("T"), { config: { private: true } });
    await sneaky.httpSend("live", { id: "Y" });
    await browser.removeChannel(sneaky);
    assert.equal(standin.broadcasts.length, 1);
    assert.equal(standin.droppedPrivate, 1);
  },
});

// ---------------------------------------------------------------------------------------------------------
// Supabase only: team isolation at the channel join (the stand-in enforces the rule of the SQL policies)

Deno.test({
  name: "supabase - a token for team A cannot join team B's channel, nor another user's topic",
  ...options,
  async fn() {
    await using standin = await startSupabaseStandin({ quiet: true });
    const config = {
      url: standin.url,
      anonKey: standin.anonKey,
      serviceRoleKey: "",
      jwtSecret: standin.jwtSecret,
    };
    const ana = await browserAccess(config, { teamId: "TEAM_A", userId: "ANA" }, Date.now());
    assert.deepEqual(ana.topics, ["team:TEAM_A", "team:TEAM_A:user:ANA"]);
    const attempt = async (token: string, topic: string, isPrivate = true) => {
      const client = createClient(standin.url, standin.anonKey, {
        accessToken: () => Promise.resolve(token),
      });
      await client.realtime.setAuth(token);
      const result = await new Promise<string>((resolve) => {
        client.channel(topic, { config: { private: isPrivate } }).subscribe((status, error) => {
          if (status === "SUBSCRIBED") resolve("joined");
          if (status === "CHANNEL_ERROR") resolve(error?.message ?? "error");
        });
      });
      await client.removeAllChannels();
      return result;
    };
    assert.equal(await attempt(ana.token, teamTopic("TEAM_A")), "joined");
    assert.equal(await attempt(ana.token, userTopic("TEAM_A", "ANA")), "joined");
    assert.match(
      await attempt(ana.token, teamTopic("TEAM_B")),
      /permissions to read from this Channel topic: team:TEAM_B/,
    );
    assert.match(await attempt(ana.token, userTopic("TEAM_B", "ANA")), /permissions/);
    assert.match(
      await attempt(ana.token, userTopic("TEAM_A", "BO")),
      /permissions/,
      "a teammate's own topic",
    );
    assert.match(await attempt(ana.token, "team:TEAM_A:user:"), /permissions/);
    assert.match(
      await attempt(ana.token, teamTopic("TEAM_A"), false),
      /PrivateOnly/,
      "public channels are off",
    );
    assert.match(await attempt(standin.anonKey, teamTopic("TEAM_A")), /permissions/, "the anon key alone");
    const now = Math.floor(Date.now() / 1000);
    const expired = await signJwt(
      { sub: "ANA", team_id: "TEAM_A", role: "authenticated", exp: now - 1 },
      standin.jwtSecret,
    );
    assert.match(await attempt(expired, teamTopic("TEAM_A")), /expired/);
    const forged = await signJwt(
      { sub: "EVE", team_id: "TEAM_B", role: "authenticated", exp: now + 600 },
      "a-secret-that-is-not-the-projects-secret",
    );
    assert.match(await attempt(forged, teamTopic("TEAM_B")), /Invalid JWT/);
    // Supabase picks a signer only for a header saying `"typ": "JWT"` (RealtimeWeb.JwtVerification).
    const part = (value: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
    const untyped = `${part({ alg: "HS256" })}.${
      part({ sub: "ANA", team_id: "TEAM_A", role: "authenticated", exp: now + 600 })
    }`;
    const signature = await hmac(await importHmacKey(standin.jwtSecret), untyped);
    assert.match(
      await attempt(`${untyped}.${encodeBase64Url(signature)}`, teamTopic("TEAM_A")),
      /Invalid JWT/,
    );
    const anonRole = await signJwt(
      { sub: "ANA", team_id: "TEAM_A", role: "anon", exp: now + 600 },
      standin.jwtSecret,
    );
    assert.match(
      await attempt(anonRole, teamTopic("TEAM_A")),
      /permissions/,
      "role must be authenticated",
    );
  },
});

Deno.test({
  name: "supabase - a renewed token keeps the channel; another team's token or expiry closes it",
  ...options,
  async fn() {
    await using standin = await startSupabaseStandin({ quiet: true });
    const config = {
      url: standin.url,
      anonKey: standin.anonKey,
      serviceRoleKey: "",
      jwtSecret: standin.jwtSecret,
    };
    const adapter = new SupabaseRealtime({ url: standin.url, serviceRoleKey: standin.serviceRoleKey });
    const ana = await browserAccess(config, { teamId: "TEAM_A", userId: "ANA" }, Date.now());
    const got: LiveEvent[] = [];
    const { client, statuses } = await joinAsBrowser(
      standin,
      ana.token,
      [teamTopic("TEAM_A")],
      (e) => got.push(e),
    );
    // Renewal (what the page does before expiry): the channel stays joined and keeps receiving.
    const renewed = await browserAccess(config, { teamId: "TEAM_A", userId: "ANA" }, Date.now() + 1000);
    await client.realtime.setAuth(renewed.token);
    await adapter.publish(event("TEAM_A", "after-renewal"));
    await adapter.idle();
    while (!got.length) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(standin.joinedTopics(), ["team:TEAM_A"]);
    // Switching to a token of another team closes the channel at once.
    const eve = await browserAccess(config, { teamId: "TEAM_B", userId: "EVE" }, Date.now());
    await client.realtime.setAuth(eve.token);
    const deadline = Date.now() + 5_000;
    while (standin.joinedTopics().length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(standin.joinedTopics(), []);
    await adapter.publish(event("TEAM_A", "not-for-eve"));
    await adapter.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(got.map((e) => e.type), ["after-renewal"]);
    assert.ok(statuses.get("team:TEAM_A")!.includes("CLOSED"), String(statuses.get("team:TEAM_A")));
    await client.removeAllChannels();

    // A token that runs out while joined: the server closes the channel.
    const short = await browserAccess(config, { teamId: "TEAM_A", userId: "ANA" }, Date.now(), 1_500);
    const second = await joinAsBrowser(standin, short.token, [teamTopic("TEAM_A")], () => {});
    assert.deepEqual(standin.joinedTopics(), ["team:TEAM_A"]);
    const until = Date.now() + 5_000;
    while (standin.joinedTopics().length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(standin.joinedTopics(), [], "closed at expiry");
    await second.client.removeAllChannels();
  },
});
