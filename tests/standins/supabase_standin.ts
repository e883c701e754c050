/**
 * STAND-IN for Supabase Realtime — for tests and the benchmark only, never for production.
 *
 * Supabase cannot run on these machines (`supabase start` needs Docker). This is a local `Deno.serve` on
 * 127.0.0.1 that speaks the parts of Supabase Realtime Beacon uses, so the real adapter
 * (lib/realtime/supabase.ts) and the real @supabase/supabase-js in a browser can be pointed at it with
 * `SUPABASE_URL=<stand-in url>`:
 *
 * - HTTP broadcast, as realtime-js sends it (read from @supabase/realtime-js 2.119.0):
 *   `POST /realtime/v1/api/broadcast` with `{ messages: [{ topic, event, payload, private }] }` (what
 *   `channel.send()` posts when not joined, and what Beacon's adapter posts), and
 *   `POST /realtime/v1/api/broadcast/<topic>/events/<event>?private=true` with the payload as the body
 *   (`channel.httpSend()`). Both need an `apikey` header holding one of the project's keys and answer 202;
 *   a batch without messages, or a message without topic, event or an object payload, answers 422.
 *   As in Supabase's BatchBroadcast, a request authenticated as `service_role` sends to private topics
 *   without policy checks; any other caller's private messages need the INSERT policy, which Beacon's SQL
 *   never grants, so they are dropped (still 202, as Supabase does) and counted in `droppedPrivate`.
 * - WebSocket `/realtime/v1/websocket?apikey=…&vsn=2.0.0`, Phoenix channel protocol v2 (JSON arrays
 *   `[join_ref, ref, topic, event, payload]`): `heartbeat` on topic `phoenix`; `phx_join` with
 *   `config.private` and `access_token`; `access_token` updates; `phx_leave`; server pushes of `broadcast`
 *   (`{ type: "broadcast", event, payload }`), `phx_reply`, `system` and `phx_close`.
 * - Authorization, with "public access" turned off as docs/DEPLOY.md asks: a non-private join is refused. A
 *   private join needs a JWT signed with the project's JWT secret (HS256, header `"typ": "JWT"`, claims `role`
 *   and `exp`, as Realtime's JwtVerification and ChannelsAuthorization want them), not expired, and either the
 *   `service_role` role or the `authenticated` role with claims that pass the SAME rule as the SELECT
 *   policy in supabase/realtime_policies.sql (see `mayReceive`, checked against the SQL itself in
 *   supabase/realtime_policies_test.ts). A token update that fails the check, or a token that expires while
 *   joined, closes the channel with a `system` error and `phx_close`, as Supabase does.
 *
 * Test controls: `failNext(status, times)` for broadcast requests; `dropConnections()` closes every socket
 * (a network blip; clients reconnect); `refuseConnections(true)` answers 503 to new sockets meanwhile.
 *
 * Not imitated: presence, postgres_changes, replay/persistence, binary frames from clients (refused),
 * rate limits, tenants, the protocol v1 object format, Supabase's exact error wording.
 */
import { signJwt, verifyJwt } from "../../lib/realtime/jwt.ts";

export interface StandinBroadcast {
  topic: string;
  event: string;
  payload: unknown;
  private: boolean;
  /** How many joined sockets it was pushed to. */
  deliveredTo: number;
  via: "batch" | "httpSend";
}

export interface StandinJoin {
  topic: string;
  ok: boolean;
  reason?: string;
  sub?: string;
}

export interface SupabaseStandin {
  url: string;
  jwtSecret: string;
  /** Project keys as Supabase's legacy keys are: JWTs with role anon / service_role. */
  anonKey: string;
  serviceRoleKey: string;
  broadcasts: StandinBroadcast[];
  joins: StandinJoin[];
  /** Private messages sent by a caller that isn't service_role (dropped: no INSERT policy). */
  droppedPrivate: number;
  /** Broadcast requests answered, including failed ones. */
  requests: number;
  /** How many messages each accepted broadcast request carried. */
  batchSizes: number[];
  failNext(status: number, times?: number, headers?: Record<string, string>): void;
  /** Sockets open now, and channels joined now (topic without the `realtime:` prefix). */
  openSockets(): number;
  joinedTopics(): string[];
  dropConnections(): void;
  refuseConnections(refuse: boolean): void;
  /** Waits until `n` channels of `topic` are joined. */
  waitForJoined(topic: string, n?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The rule of supabase/realtime_policies.sql's SELECT policy, written out again: an `authenticated`
 * token may receive its team's topic and its own user topic, nothing else.
 */
export function mayReceive(claims: Record<string, unknown>, topic: string): boolean {
  if (claims.role === "service_role") return true;
  if (claims.role !== "authenticated") return false;
  const team = typeof claims.team_id === "string" ? claims.team_id : "";
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (!team) return false;
  return topic === `team:${team}` || (sub !== "" && topic === `team:${team}:user:${sub}`);
}

interface Channel {
  topic: string;
  joinRef: string;
  claims: Record<string, unknown>;
  expiry?: ReturnType<typeof setTimeout>;
}

interface Connection {
  socket: WebSocket;
  apikey: string;
  channels: Map<string, Channel>;
}

type Frame = [string | null, string | null, string, string, Record<string, unknown>];

export async function startSupabaseStandin(
  options: { jwtSecret?: string; port?: number; now?: () => number; quiet?: boolean } = {},
): Promise<SupabaseStandin> {
  const jwtSecret = options.jwtSecret ?? "standin-jwt-secret-" + crypto.randomUUID();
  const now = options.now ?? Date.now;
  const tenYears = Math.floor(now() / 1000) + 10 * 365 * 86400;
  const anonKey = await signJwt({ iss: "supabase-standin", role: "anon", exp: tenYears }, jwtSecret);
  const serviceRoleKey = await signJwt(
    { iss: "supabase-standin", role: "service_role", exp: tenYears },
    jwtSecret,
  );
  const connections = new Set<Connection>();
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let refusing = false;
  const joinWaiters = new Set<() => void>();

  const standin: SupabaseStandin = {
    url: "",
    jwtSecret,
    anonKey,
    serviceRoleKey,
    broadcasts: [],
    joins: [],
    droppedPrivate: 0,
    requests: 0,
    batchSizes: [],
    failNext(status, times = 1, headers = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, headers });
    },
    openSockets: () => [...connections].filter((c) => c.socket.readyState === WebSocket.OPEN).length,
    joinedTopics: () => [...connections].flatMap((c) => [...c.channels.values()].map((ch) => ch.topic)),
    dropConnections() {
      for (const connection of connections) {
        closeConnection(connection);
        try {
          connection.socket.close(1001, "stand-in: connection dropped");
        } catch {
          // already closed
        }
      }
    },
    refuseConnections(refuse) {
      refusing = refuse;
    },
    async waitForJoined(topic, n = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (standin.joinedTopics().filter((t) => t === topic).length < n) {
        if (Date.now() > deadline) {
          throw new Error(`stand-in: ${n} join(s) of ${topic} expected, have ${standin.joinedTopics()}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 50);
          function done() {
            clearTimeout(timer);
            joinWaiters.delete(done);
            resolve();
          }
          joinWaiters.add(done);
        });
      }
    },
    async close() {
      standin.dropConnections();
      ac.abort();
      await server.finished;
    },
    [Symbol.asyncDispose]: () => standin.close(),
  };

  const keyRole = async (key: string | null | undefined): Promise<string | null> => {
    if (!key) return null;
    const check = await verifyJwt(key, jwtSecret, now());
    return check.ok && typeof check.claims.role === "string" ? check.claims.role : null;
  };

  function send(connection: Connection, frame: Frame) {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(frame));
  }

  function closeChannel(connection: Connection, channel: Channel, message?: string) {
    clearTimeout(channel.expiry);
    connection.channels.delete(`realtime:${channel.topic}`);
    if (message) {
      send(connection, [channel.joinRef, null, `realtime:${channel.topic}`, "system", {
        extension: "system",
        status: "error",
        message,
        channel: channel.topic,
      }]);
      send(connection, [channel.joinRef, null, `realtime:${channel.topic}`, "phx_close", {}]);
    }
  }

  function closeConnection(connection: Connection) {
    for (const channel of [...connection.channels.values()]) closeChannel(connection, channel);
    connections.delete(connection);
  }

  function armExpiry(connection: Connection, channel: Channel) {
    clearTimeout(channel.expiry);
    const exp = Number(channel.claims.exp) * 1000;
    channel.expiry = setTimeout(
      () => closeChannel(connection, channel, "Token has expired"),
      Math.max(0, exp - now()),
    );
  }

  /** The claims of `token` if it may receive `topic`, else why not. */
  async function authorize(
    token: string | undefined,
    topic: string,
  ): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }> {
    if (!token) return { ok: false, reason: "Unauthorized: a private channel needs an access token" };
    // Realtime (RealtimeWeb.JwtVerification) picks a signer only for a header with `"typ": "JWT"`, and
    // (ChannelsAuthorization.authorize_conn) wants `role` and `exp` among the claims.
    if (peekHeader(token)?.typ !== "JWT") {
      return { ok: false, reason: "Invalid JWT (error_generating_signer)" };
    }
    const check = await verifyJwt(token, jwtSecret, now());
    if (!check.ok) {
      return {
        ok: false,
        reason: check.reason === "expired" ? "Token has expired" : `Invalid JWT (${check.reason})`,
      };
    }
    if (typeof check.claims.role !== "string") return { ok: false, reason: "Invalid JWT (missing_claims)" };
    if (!mayReceive(check.claims, topic)) {
      return {
        ok: false,
        reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
      };
    }
    return { ok: true, claims: check.claims };
  }

  async function onFrame(connection: Connection, frame: Frame) {
    const [joinRef, ref, wireTopic, event, payload] = frame;
    const reply = (status: "ok" | "error", response: Record<string, unknown>) =>
      send(connection, [joinRef, ref, wireTopic, "phx_reply", { status, response }]);
    if (wireTopic === "phoenix" && event === "heartbeat") return reply("ok", {});
    const topic = wireTopic.replace(/^realtime:/, "");
    if (event === "phx_join") {
      const config = (payload.config ?? {}) as { private?: boolean };
      if (config.private !== true) {
        standin.joins.push({ topic, ok: false, reason: "public" });
        return reply("error", { reason: "PrivateOnly: this project only allows private channels" });
      }
      const token = (payload.access_token as string | undefined) ?? connection.apikey;
      const auth = await authorize(token, topic);
      if (!auth.ok) {
        standin.joins.push({ topic, ok: false, reason: auth.reason });
        return reply("error", { reason: auth.reason });
      }
      const old = connection.channels.get(wireTopic);
      if (old) closeChannel(connection, old);
      const channel: Channel = { topic, joinRef: joinRef ?? "", claims: auth.claims };
      connection.channels.set(wireTopic, channel);
      armExpiry(connection, channel);
      standin.joins.push({ topic, ok: true, sub: String(auth.claims.sub ?? "") });
      reply("ok", { postgres_changes: [] });
      for (const wake of joinWaiters) wake();
      return;
    }
    const channel = connection.channels.get(wireTopic);
    if (event === "access_token") {
      if (!channel) return;
      const auth = await authorize(payload.access_token as string | undefined, topic);
      if (!auth.ok) return closeChannel(connection, channel, auth.reason);
      channel.claims = auth.claims;
      armExpiry(connection, channel);
      return;
    }
    if (event === "phx_leave") {
      if (channel) closeChannel(connection, channel);
      reply("ok", {});
      send(connection, [joinRef, null, wireTopic, "phx_close", {}]);
      return;
    }
    if (event === "broadcast") {
      // Clients may not send: no INSERT policy grants it.
      standin.droppedPrivate++;
      return;
    }
    reply("error", { reason: `stand-in: unsupported event ${event}` });
  }

  function deliver(
    topic: string,
    event: string,
    payload: unknown,
    isPrivate: boolean,
    via: "batch" | "httpSend",
  ) {
    let deliveredTo = 0;
    const wireTopic = `realtime:${topic}`;
    for (const connection of connections) {
      if (!connection.channels.has(wireTopic)) continue;
      send(connection, [null, null, wireTopic, "broadcast", { type: "broadcast", event, payload }]);
      deliveredTo++;
    }
    standin.broadcasts.push({ topic, event, payload, private: isPrivate, deliveredTo, via });
  }

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === null ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

  async function onBroadcast(request: Request, path: string): Promise<Response> {
    standin.requests++;
    const failure = failures.shift();
    if (failure) return json(failure.status, { message: "stand-in: injected failure" }, failure.headers);
    const apikeyRole = await keyRole(request.headers.get("apikey"));
    if (apikeyRole !== "anon" && apikeyRole !== "service_role") {
      return json(401, { message: "Invalid API key" });
    }
    const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const superUser = (bearer ? await keyRole(bearer) : apikeyRole) === "service_role";
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return json(400, { message: "stand-in: body is not JSON" });
    }
    const single = path.match(/^\/realtime\/v1\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/);
    const messages = single
      ? [{
        topic: decodeURIComponent(single[1]),
        event: decodeURIComponent(single[2]),
        payload: body,
        private: new URL(request.url).searchParams.get("private") === "true",
      }]
      : (body as { messages?: unknown })?.messages;
    // Supabase answers an invalid batch with 422 and the changeset's errors (RealtimeWeb.FallbackController).
    if (!Array.isArray(messages) || messages.length === 0) {
      return json(422, { errors: { messages: ["can't be blank"] } });
    }
    for (const m of messages) {
      if (
        !m || typeof m.topic !== "string" || !m.topic || typeof m.event !== "string" || !m.event ||
        typeof m.payload !== "object" || m.payload === null
      ) {
        return json(422, {
          errors: { messages: [{ topic: ["required"], event: ["required"], payload: ["map"] }] },
        });
      }
    }
    standin.batchSizes.push(messages.length);
    for (const m of messages) {
      const isPrivate = m.private === true;
      if (isPrivate && !superUser) {
        standin.droppedPrivate++;
        continue;
      }
      deliver(m.topic, m.event, m.payload, isPrivate, single ? "httpSend" : "batch");
    }
    return single ? json(202, {}) : new Response(null, { status: 202 });
  }

  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    signal: ac.signal,
    onListen: () => {},
  }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/realtime/v1/websocket") {
      if (refusing) return new Response("stand-in: refusing connections", { status: 503 });
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("expected a websocket", { status: 426 });
      }
      const apikey = url.searchParams.get("apikey") ?? "";
      const role = await keyRole(apikey);
      if (role !== "anon" && role !== "service_role") return json(401, { message: "Invalid API key" });
      if ((url.searchParams.get("vsn") ?? "1.0.0") !== "2.0.0") {
        return json(400, { message: "stand-in: only protocol vsn=2.0.0 is imitated" });
      }
      const { socket, response } = Deno.upgradeWebSocket(request);
      const connection: Connection = { socket, apikey, channels: new Map() };
      connections.add(connection);
      // Frames are handled one after another, as a Phoenix channel process would.
      let chain = Promise.resolve();
      socket.onmessage = (message) => {
        if (typeof message.data !== "string") {
          standin.droppedPrivate++;
          return;
        }
        let frame: Frame;
        try {
          frame = JSON.parse(message.data);
        } catch {
          return;
        }
        if (!Array.isArray(frame) || frame.length !== 5) return;
        chain = chain.then(() => onFrame(connection, frame)).catch((error) => {
          if (!options.quiet) console.error("stand-in frame failed", error);
        });
      };
      socket.onclose = () => closeConnection(connection);
      socket.onerror = () => closeConnection(connection);
      return response;
    }
    if (request.method === "POST" && url.pathname.startsWith("/realtime/v1/api/broadcast")) {
      return await onBroadcast(request, url.pathname);
    }
    return json(404, { message: "stand-in: not imitated" });
  });
  standin.url = `http://127.0.0.1:${server.addr.port}`;
  return standin;
}

function peekHeader(token: string): Record<string, unknown> | null {
  try {
    const part = token.split(".")[0].replaceAll("-", "+").replaceAll("_", "/");
    const value = JSON.parse(atob(part + "=".repeat((4 - part.length % 4) % 4)));
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

/** The environment that points Beacon at a stand-in. */
export function standinEnv(standin: SupabaseStandin): Record<string, string> {
  return {
    SUPABASE_URL: standin.url,
    SUPABASE_ANON_KEY: standin.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: standin.serviceRoleKey,
    SUPABASE_JWT_SECRET: standin.jwtSecret,
  };
}

if (import.meta.main) {
  const standin = await startSupabaseStandin({ port: Number(Deno.env.get("PORT") ?? 0) });
  console.log(JSON.stringify({ ...standinEnv(standin), standin: "STAND-IN for Supabase Realtime" }));
}
