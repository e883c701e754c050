import { createContext } from "preact";
import type { PublicUser, Team } from "../lib/accounts/types.ts";
import type { Flash } from "../routes/deps.ts";

/** What every server-rendered component may need about the request. */
export interface PageContext {
  user: PublicUser | null;
  team: Team | null;
  csrfToken: string;
  path: string;
  /** The address's query (the pager reads the page trail from it). */
  query: URLSearchParams;
  assetsHash: string;
  flash: Flash | null;
  /** The embedded outbox is in use, so the Outbox page is in the navigation. */
  outbox: boolean;
  /** Unread cards in the viewer's assistant (the bell). */
  unread: number;
  /** The viewer asked for browser notifications. */
  browserNotifications: boolean;
  /** For admins, received mail waiting to be attached by hand (capped at 100); null for members. */
  unmatched?: number | null;
}

export const Page = createContext<PageContext>({
  user: null,
  team: null,
  csrfToken: "",
  path: "/",
  query: new URLSearchParams(),
  assetsHash: "",
  flash: null,
  outbox: false,
  unread: 0,
  browserNotifications: false,
});
