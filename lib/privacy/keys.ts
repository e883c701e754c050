/** Every KV key of the privacy area, written once. All begin with the team. */
const t = (teamId: string) => ["team", teamId] as const;

export const privacyKeys = {
  /** The team's random HMAC key for suppression entries (made on first use). */
  suppressionSecret: (teamId: string) => [...t(teamId), "suppression_secret"],
  /** A recipient's own "don't track me", by the keyed hash of their address (never the address). */
  suppression: (teamId: string, addressHash?: string) =>
    addressHash ? [...t(teamId), "suppression", addressHash] : [...t(teamId), "suppression"],
  /** How many addresses were typed on an email's shared opt-out page this hour (`opt_out_tries.ts`). */
  optOutTries: (teamId: string, messageId: string) => [...t(teamId), "opt_out_tries", messageId],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
