import { createContext } from "preact";
import type { PublicUser, Team } from "../lib/accounts/types.ts";
import type { Flash } from "../routes/deps.ts";

/** What every server-rendered component may need about the request. */
export interface PageContext {
  user: PublicUser | null;
  team: Team | null;
  csrfToken: string;
  path: string;
  assetsHash: string;
  flash: Flash | null;
  /** The embedded outbox is in use, so the Outbox page is in the navigation. */
  outbox: boolean;
}

export const Page = createContext<PageContext>({
  user: null,
  team: null,
  csrfToken: "",
  path: "/",
  assetsHash: "",
  flash: null,
  outbox: false,
});
