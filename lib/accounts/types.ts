export type Role = "admin" | "member";

export interface Team {
  id: string;
  name: string;
  createdAt: number;
}

export interface User {
  id: string;
  teamId: string;
  email: string;
  name: string;
  role: Role;
  timeZone: string;
  passwordHash: string;
  createdAt: number;
  /** Set when an admin removed the user from the team: they can no longer sign in. */
  removedAt?: number;
}

/** A user as shown to others and in the API: no password hash. */
export type PublicUser = Omit<User, "passwordHash">;

export function publicUser({ passwordHash: _, ...rest }: User): PublicUser {
  return rest;
}
