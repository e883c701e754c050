/** Renders a server page: body first (to learn which islands it uses), then the document. */
import type { Context } from "hono";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { AppLayout, AuthLayout } from "../components/layout.tsx";
import { trackIslands } from "../components/island.ts";
import { Page, type PageContext } from "../components/page_context.ts";
import { publicUser } from "../lib/accounts/types.ts";
import { listCards } from "../lib/assistant/cards.ts";
import { isUnread } from "../lib/assistant/types.ts";
import { getNotifyPrefs } from "../lib/assistant/notify_prefs.ts";
import { inboundKeys } from "../lib/inbound/keys.ts";
import { newId } from "../lib/storage/ids.ts";
import type { AppEnv } from "./deps.ts";
import { takeFlash } from "./middleware/request_context.ts";

export async function pageContext(c: Context<AppEnv>): Promise<PageContext> {
  const user = c.get("user");
  const { kv } = c.get("deps");
  const [cards, prefs, unmatched] = user
    ? await Promise.all([
      listCards(kv, user.teamId, user.id),
      getNotifyPrefs(kv, user.teamId, user.id),
      user.role === "admin" ? countUnmatched(kv, user.teamId) : Promise.resolve(null),
    ])
    : [[], null, null];
  return {
    user: user ? publicUser(user) : null,
    team: c.get("team"),
    csrfToken: c.get("csrfToken"),
    path: c.req.path,
    query: new URL(c.req.url).searchParams,
    assetsHash: c.get("deps").assetsHash,
    flash: takeFlash(c),
    outbox: c.get("deps").mailer.name === "outbox",
    unread: cards.filter(isUnread).length,
    browserNotifications: prefs?.browser ?? false,
    unmatched,
  };
}

/** Unmatched inbound mail, counted by its index keys (at most 100 read). */
async function countUnmatched(kv: Deno.Kv, teamId: string): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: inboundKeys.unmatched(teamId) }, { limit: 100 })) n++;
  return n;
}

export interface PageOptions {
  title: string;
  layout?: "app" | "auth" | "bare";
  status?: 200 | 400 | 403 | 404 | 409 | 429 | 500;
}

export async function render(
  c: Context<AppEnv>,
  { title, layout = "app", status = 200 }: PageOptions,
  body: VNode,
) {
  const ctx = await pageContext(c);
  const Frame = layout === "auth" ? AuthLayout : layout === "app" ? AppLayout : null;
  const { result: html, used } = trackIslands(() =>
    renderToString(
      <Page.Provider value={ctx}>{Frame ? <Frame>{body}</Frame> : body}</Page.Provider>,
    )
  );
  const v = ctx.assetsHash;
  const doc = "<!doctype html>" + renderToString(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · Beacon</title>
        <link rel="stylesheet" href={`/static/styles.css?v=${v}`} />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <meta name="csrf-token" content={ctx.csrfToken} />
        {ctx.user && <meta name="live-after" content={newId(c.get("deps").clock.now())} />}
        {ctx.user && <meta name="live-transport" content={c.get("deps").realtime.name} />}
        {used.size > 0 && <script type="module" src={`/static/build/client.js?v=${v}`} />}
      </head>
      <body dangerouslySetInnerHTML={{ __html: html }} />
    </html>,
  );
  return c.html(doc, status);
}
