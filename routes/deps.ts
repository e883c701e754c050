/** What the app is built from: storage, configuration and the ports' adapters. */
import type { Config } from "../lib/config/config.ts";
import type { Secrets } from "../lib/config/secrets.ts";
import type { Clock } from "../lib/clock/clock.ts";
import type { Mailer } from "../lib/mail/mailer.ts";
import type { Realtime } from "../lib/realtime/realtime.ts";
import type { PublicUser, Team, User } from "../lib/accounts/types.ts";
import type { Scheduler } from "../lib/scheduler/scheduler.ts";
import type { EventRecorder } from "../lib/tracking/recorder.ts";
import type { TrackingSigner } from "../lib/tracking/tokens.ts";
import type { ReplyTokenSigner } from "../lib/inbound/reply_token.ts";
import type { BlobStore } from "../lib/storage/blobs.ts";
import type { CsrfTokens } from "../lib/accounts/csrf.ts";

export interface AppDeps {
  kv: Deno.Kv;
  config: Config;
  secrets: Secrets;
  clock: Clock;
  mailer: Mailer;
  realtime: Realtime;
  scheduler: Scheduler;
  recorder: EventRecorder;
  signer: TrackingSigner;
  replyTokens: ReplyTokenSigner;
  /** The pages' CSRF tokens, signed with the session secret. */
  csrf: CsrfTokens;
  blobs: BlobStore;
  /** Cache-busting hash of the island bundle. */
  assetsHash: string;
  /** PBKDF2 cost; only tests lower it. */
  passwordIterations?: number;
}

export interface Flash {
  kind: "success" | "error" | "info";
  text: string;
  /** A page of this app the message leads to (e.g. what was just dismissed). */
  href?: string;
  linkText?: string;
  /** See ToastMessage.tag. */
  tag?: string;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    user: User | null;
    team: Team | null;
    /** How the request was authenticated. */
    via: "session" | "token" | null;
    sessionToken: string | null;
    /** The browser's random CSRF cookie (request context sets it). */
    csrfCookie: string;
    /** The token the pages carry and changes must send back: the cookie bound to the session (authenticate). */
    csrfToken: string;
  };
  Bindings: { remoteAddr?: Deno.NetAddr };
};

/** The signed-in user and their team, for routes behind requireUser. */
export interface Viewer {
  user: User;
  team: Team;
}

export type { PublicUser };
