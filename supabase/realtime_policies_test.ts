/**
 * supabase/realtime_policies.sql, run for real: PGlite (Postgres 17 in WebAssembly, from npm) gets a
 * minimal copy of the Supabase objects the policies use — the anon / authenticated / service_role
 * roles, `auth.jwt()` and `realtime.topic()` as Supabase defines them, a `realtime.messages` table — then
 * the SQL file, then the checks Supabase Realtime makes: can this JWT read (join) this topic, can it
 * write (send) to it. Every answer must equal the rule the local stand-in enforces (`mayReceive`), so
 * the stand-in the other tests run against guards what the SQL guards.
 */
import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import { mayReceive } from "../tests/standins/supabase_standin.ts";

const SUPABASE_LIKE = `
  create role anon nologin;
  create role authenticated nologin;
  create role service_role nologin bypassrls;
  create schema auth;
  create schema realtime;
  create function auth.jwt() returns jsonb language sql stable as $$
    select coalesce(
      nullif(current_setting('request.jwt.claim', true), ''),
      nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
  $$;
  create function realtime.topic() returns text language sql stable as $$
    select nullif(current_setting('realtime.topic', true), '')::text
  $$;
  create table realtime.messages (
    id bigserial primary key,
    topic text not null,
    extension text not null,
    payload jsonb,
    event text,
    private boolean default false,
    inserted_at timestamp not null default now()
  );
  grant usage on schema auth, realtime to anon, authenticated, service_role;
  grant select, insert on realtime.messages to anon, authenticated, service_role;
  grant usage on sequence realtime.messages_id_seq to anon, authenticated, service_role;
`;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** As Realtime authorizes a join: a probe row for the topic, then a read of it under the JWT's role. */
async function canRead(db: PGlite, claims: Record<string, unknown>, topic: string): Promise<boolean> {
  await db.exec("begin");
  try {
    await db.exec(
      `insert into realtime.messages (topic, extension, event, private) values (${
        literal(topic)
      }, 'broadcast', 'probe', true)`,
    );
    await db.exec(`select set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true)`);
    await db.exec(`select set_config('realtime.topic', ${literal(topic)}, true)`);
    await db.exec(`set local role ${claims.role}`);
    const result = await db.query<{ n: number }>(
      `select count(*)::int as n from realtime.messages where topic = ${
        literal(topic)
      } and extension = 'broadcast'`,
    );
    return result.rows[0].n > 0;
  } finally {
    await db.exec("rollback");
  }
}

/** As Realtime authorizes a client's send: an insert under the JWT's role. */
async function canWrite(db: PGlite, claims: Record<string, unknown>, topic: string): Promise<boolean> {
  await db.exec("begin");
  try {
    await db.exec(`select set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true)`);
    await db.exec(`select set_config('realtime.topic', ${literal(topic)}, true)`);
    await db.exec(`set local role ${claims.role}`);
    await db.exec(
      `insert into realtime.messages (topic, extension, event, private) values (${
        literal(topic)
      }, 'broadcast', 'x', true)`,
    );
    return true;
  } catch (error) {
    if (/row-level security/.test(String(error))) return false;
    throw error;
  } finally {
    await db.exec("rollback");
  }
}

Deno.test("realtime policies - the SQL lets a user read only their team's and their own topics, as the stand-in does", async () => {
  const db = new PGlite();
  try {
    await db.exec(SUPABASE_LIKE);
    const sql = await Deno.readTextFile(new URL("./realtime_policies.sql", import.meta.url));
    await db.exec(sql);
    await db.exec(sql); // applying it again is fine

    const ana = { role: "authenticated", sub: "01ANA", team_id: "01TEAMA" };
    const bo = { role: "authenticated", sub: "01BO", team_id: "01TEAMA" };
    const eve = { role: "authenticated", sub: "01EVE", team_id: "01TEAMB" };
    const tokens: Record<string, Record<string, unknown>> = {
      ana,
      bo,
      eve,
      "no team claim": { role: "authenticated", sub: "01ANA" },
      "empty team claim": { role: "authenticated", sub: "01ANA", team_id: "" },
      "no sub": { role: "authenticated", team_id: "01TEAMA" },
      "anon with a team claim": { role: "anon", sub: "01ANA", team_id: "01TEAMA" },
      "service role": { role: "service_role" },
    };
    const topics = [
      "team:01TEAMA",
      "team:01TEAMA:user:01ANA",
      "team:01TEAMA:user:01BO",
      "team:01TEAMB",
      "team:01TEAMB:user:01EVE",
      "team:01TEAMA:user:",
      "team:",
      "team:01TEAMA ",
      "TEAM:01TEAMA",
      "team:01TEAMA:user:01ANA:extra",
      "lobby",
    ];
    const table: string[] = [];
    for (const [who, claims] of Object.entries(tokens)) {
      for (const topic of topics) {
        const sqlSays = await canRead(db, claims, topic);
        assert.equal(sqlSays, mayReceive(claims, topic), `${who} reading ${JSON.stringify(topic)}`);
        if (sqlSays) table.push(`${who} → ${topic}`);
      }
    }
    assert.deepEqual(table.filter((line) => !line.startsWith("service role")), [
      "ana → team:01TEAMA",
      "ana → team:01TEAMA:user:01ANA",
      "bo → team:01TEAMA",
      "bo → team:01TEAMA:user:01BO",
      "eve → team:01TEAMB",
      "eve → team:01TEAMB:user:01EVE",
      "no sub → team:01TEAMA",
    ]);

    // Nobody but the service role sends.
    for (const claims of [ana, eve, tokens["anon with a team claim"]]) {
      for (const topic of ["team:01TEAMA", "team:01TEAMA:user:01ANA"]) {
        assert.equal(await canWrite(db, claims, topic), false, `${claims.sub} sending to ${topic}`);
      }
    }
    assert.equal(await canWrite(db, tokens["service role"], "team:01TEAMA"), true);
  } finally {
    await db.close();
  }
});
