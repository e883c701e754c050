-- Beacon: who may receive which Supabase Realtime broadcast.
--
-- Apply once per Supabase project (SQL editor, or `psql "$DATABASE_URL" -f supabase/realtime_policies.sql`),
-- then turn off "Allow public access" in the project's Realtime settings so only private channels exist.
-- Running it again replaces the policies.
--
-- Topics (lib/realtime/supabase.ts):
--   team:<teamId>                  events for the whole team
--   team:<teamId>:user:<userId>    events for one user only (their cards, their alerts)
--
-- Browsers join with a 10-minute JWT that Beacon signs with the project's JWT secret
-- (routes/api/realtime.ts): role "authenticated", sub = the Beacon user id, team_id = the user's team.
-- Beacon's ids are ULIDs, not UUIDs, so these policies read the claims as text (auth.jwt()) and never
-- call auth.uid(), which casts sub to uuid.
--
-- Beacon's server publishes with the service role key over HTTP, which bypasses RLS. Nobody else may
-- send: there is deliberately no INSERT policy for anon or authenticated, and the restrictive policy
-- below keeps it that way even if another policy on realtime.messages is added later.

alter table realtime.messages enable row level security;

drop policy if exists "beacon: receive own team and own user topics" on realtime.messages;
create policy "beacon: receive own team and own user topics"
  on realtime.messages
  for select
  to authenticated
  using (
    realtime.messages.extension = 'broadcast'
    and coalesce(auth.jwt() ->> 'team_id', '') <> ''
    and (
      realtime.topic() = 'team:' || (auth.jwt() ->> 'team_id')
      or (
        coalesce(auth.jwt() ->> 'sub', '') <> ''
        and realtime.topic() = 'team:' || (auth.jwt() ->> 'team_id') || ':user:' || (auth.jwt() ->> 'sub')
      )
    )
  );

drop policy if exists "beacon: clients never send" on realtime.messages;
create policy "beacon: clients never send"
  on realtime.messages
  as restrictive
  for insert
  to anon, authenticated
  with check (false);
