/** Every KV key of the accounts area, written once. */
export const accountKeys = {
  user: (userId?: string) => userId ? ["user", userId] : ["user"],
  userByEmail: (email: string) => ["user_by_email", email],
  session: (tokenHash: string) => ["session", tokenHash],
  sessionByUser: (userId: string, tokenHash?: string) =>
    tokenHash ? ["session_by_user", userId, tokenHash] : ["session_by_user", userId],
  inviteByToken: (tokenHash: string) => ["invite_by_token", tokenHash],
  apiTokenByHash: (hash: string) => ["api_token_by_hash", hash],
  throttle: (scope: string, id: string) => ["throttle", scope, id],
  device: (tokenHash: string) => ["device", tokenHash],

  team: (teamId: string) => ["team", teamId],
  teamProfile: (teamId: string) => ["team", teamId, "profile"],
  member: (teamId: string, userId?: string) =>
    userId ? ["team", teamId, "member", userId] : ["team", teamId, "member"],
  invite: (teamId: string, inviteId?: string) =>
    inviteId ? ["team", teamId, "invite", inviteId] : ["team", teamId, "invite"],
  apiToken: (teamId: string, tokenId?: string) =>
    tokenId ? ["team", teamId, "api_token", tokenId] : ["team", teamId, "api_token"],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
