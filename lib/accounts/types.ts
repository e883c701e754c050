import { type BusinessHours, DEFAULT_BUSINESS_HOURS } from "../scheduling/business_hours.ts";

export type Role = "admin" | "member";

export interface Team {
  id: string;
  name: string;
  createdAt: number;
  settings?: Partial<TeamSettings>;
}

/** Team-wide choices, edited by admins on the Team page. */
export interface TeamSettings {
  /** New messages are followed (pixel, tracked links) unless the seller says otherwise. */
  followByDefault: boolean;
  /** Recipients' working hours for send-time advice, unless a contact has their own. */
  businessHours: BusinessHours;
  /** Count opens by Apple's Mail Privacy Protection proxy as opens (they happen at delivery, not when read). */
  countProxyOpens: boolean;
  /** Add a line to followed emails saying they are tracked, with a link to opt out. */
  trackingNotice: boolean;
  /** Delete raw engagement events older than this many days (counters stay); null keeps them. */
  retentionDays: number | null;
}

export const DEFAULT_TEAM_SETTINGS: TeamSettings = {
  followByDefault: true,
  businessHours: DEFAULT_BUSINESS_HOURS,
  countProxyOpens: false,
  trackingNotice: false,
  retentionDays: null,
};

/** A team's settings with defaults filled in (older records may lack newer settings). */
export function teamSettings(team: Team): TeamSettings {
  return { ...DEFAULT_TEAM_SETTINGS, ...team.settings };
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
