/** Test helpers around sending: compose a draft through the API, send it, run the delivery, read the outbox. */
import type { Clock } from "../../lib/clock/clock.ts";
import type { OutgoingEmail, SendOptions } from "../../lib/mail/mailer.ts";
import { getOutboxEntry, listOutbox, OutboxMailer } from "../../lib/mail/outbox.ts";
import type { TestApp } from "./app.ts";
import type { Client } from "./client.ts";

export async function sendEmail(
  t: TestApp,
  client: Client,
  draft: Record<string, unknown>,
): Promise<{ ids: string[]; draftId: string }> {
  const created = await client.api("POST", "/messages", {
    subject: "Proposal for Q3",
    html:
      '<p>Hi! See <a href="https://example.com/pricing">our pricing</a> and <a href="https://example.com/case">a case study</a>.</p>',
    ...draft,
  });
  if (created.status !== 201) throw new Error(`draft failed: ${JSON.stringify(created.json)}`);
  const sent = await client.api("POST", `/messages/${created.json.id}/send`);
  if (sent.status !== 202) throw new Error(`send failed: ${JSON.stringify(sent.json)}`);
  await t.deps.scheduler.drain();
  // The email spends a few minutes in the inbox before anyone opens it (clicks within seconds of
  // sending are what security scanners do).
  t.clock.advance(5 * 60_000);
  return { ids: sent.json.items.map((m: { id: string }) => m.id), draftId: created.json.id };
}

/** The outbox emails of a team, newest first, with bodies. */
export async function outbox(t: TestApp, teamId: string) {
  const entries = await listOutbox(t.kv, teamId);
  return await Promise.all(entries.map((e) => getOutboxEntry(t.kv, teamId, e.id).then((x) => x!)));
}

/** Tracking paths (pixel and links) found in an outgoing HTML body. */
export function trackingPaths(html: string): { pixel: string | null; links: string[] } {
  const pixel = html.match(/src="http:\/\/[^"]+(\/t\/o\/[\w-]+)"/)?.[1] ?? null;
  // Visible links only: the hidden honeypot (aria-hidden) is for machines.
  const links = [...html.matchAll(/<a href="http:\/\/[^"]+(\/t\/c\/[\w-]+)"(?![^>]*aria-hidden)/g)].map((m) =>
    m[1]
  );
  return { pixel, links: [...new Set(links)] };
}

/** The Outbox as the provider, with `check` run before each send: a test's provider, refusing by throwing. */
export function outboxAfter(check: (email: OutgoingEmail, options: SendOptions) => void) {
  return (kv: Deno.Kv, clock: Clock) => {
    const outbox = new OutboxMailer(kv, clock);
    return {
      name: "outbox" as const,
      send(email: OutgoingEmail, options: SendOptions) {
        check(email, options);
        return outbox.send(email, options);
      },
    };
  };
}
