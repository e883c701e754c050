/** Activity (the home page) and the message page. */
import { Hono } from "hono";
import { island } from "../../components/island.ts";
import { Icon } from "../../components/icons.tsx";
import { Badge, PageHeader, Pager, SearchInput } from "../../components/ui.tsx";
import ActivityList from "../../islands/activity_list.tsx";
import DraftList from "../../islands/draft_list.tsx";
import AlarmEditor, { type AlarmRecipient } from "../../islands/alarm_editor.tsx";
import EngagementPanel from "../../islands/engagement_panel.tsx";
import MessageHeader from "../../islands/message_header.tsx";
import ScheduledSend from "../../islands/scheduled_send.tsx";
import { listAlarms } from "../../lib/alarms/alarms.ts";
import { teamSettings } from "../../lib/accounts/types.ts";
import { memberNames, userNames } from "../../lib/accounts/users.ts";
import { getContacts } from "../../lib/contacts/contacts.ts";
import { callName } from "../../lib/contacts/types.ts";
import { getMessage, getMessageBody } from "../../lib/messages/drafts.ts";
import { EVENTS_PAGE, getStats, listActivity, listDrafts } from "../../lib/messages/list.ts";
import type { ActivityFilter } from "../../lib/messages/activity_filter.ts";
import { toDraftRow } from "../../lib/messages/draft_rows.ts";
import { toOnePerson } from "../../lib/messages/send_rules.ts";
import { readEventPage } from "../../lib/tracking/event_log.ts";
import { toRow } from "../../lib/messages/rows.ts";
import { allRecipients, type Message, type Recipient } from "../../lib/messages/types.ts";
import { isolated } from "../../lib/text/bidi.ts";
import { publicEvent } from "../../lib/tracking/types.ts";
import type { AppEnv } from "../deps.ts";
import { viewer } from "../middleware/auth.ts";
import { render } from "../render.tsx";
import { EmailFrame } from "./email_frame.tsx";

export const messagePages = new Hono<AppEnv>();

const FILTERS = {
  followed: { "": "Followed or not", true: "Followed", false: "Not followed" },
  opened: { "": "Opened or not", true: "Opened", false: "Not opened" },
} as const;

messagePages.get("/", async (c) => {
  const { kv } = c.get("deps");
  const { user, team } = viewer(c);
  const scope = c.req.query("scope") === "mine" ? "mine" : "team";
  const followed = c.req.query("followed");
  const opened = c.req.query("opened");
  const q = (c.req.query("q") ?? "").trim().slice(0, 200);
  const cursor = c.req.query("cursor");
  const filter: ActivityFilter = {
    scope,
    userId: user.id,
    followed: followed === "true" ? true : followed === "false" ? false : undefined,
    opened: opened === "true" ? true : opened === "false" ? false : undefined,
    q,
    countProxyOpens: teamSettings(team).countProxyOpens,
  };
  const page = await listActivity(kv, team.id, { ...filter, cursor });
  const members = await memberNames(kv, team.id, page.items.map((i) => i.message.senderId));
  const params: Record<string, string> = {
    scope,
    ...(followed ? { followed } : {}),
    ...(opened ? { opened } : {}),
    ...(q ? { q } : {}),
  };
  const filtered = Boolean(followed || opened || q);
  const clear = `/?scope=${scope}`;
  // Drafts are listed above the first page of the unfiltered list only.
  const drafts = cursor || filtered ? null : await listDrafts(kv, team.id, user.id);
  return render(
    c,
    { title: "Activity" },
    <>
      <PageHeader
        title="Activity"
        subtitle="Every email your team sends, and what its recipients do with it — live."
      />
      <div class="filters">
        <nav class="segmented" aria-label="Whose emails">
          <a
            href={`/?${new URLSearchParams({ ...params, scope: "team" })}`}
            aria-current={scope === "team" ? "page" : undefined}
          >
            Team
          </a>
          <a
            href={`/?${new URLSearchParams({ ...params, scope: "mine" })}`}
            aria-current={scope === "mine" ? "page" : undefined}
          >
            Mine
          </a>
        </nav>
        <form method="get" class="filter-form" role="search">
          <input type="hidden" name="scope" value={scope} />
          <label class="filter-search">
            <Icon name="search" />
            <span class="sr-only">Search by subject or recipient</span>
            <SearchInput q={q} placeholder="Subject or recipient" maxLength={200} />
          </label>
          {(["followed", "opened"] as const).map((name) => (
            <label>
              <span class="sr-only">{name === "followed" ? "Following" : "Opened"}</span>
              <select name={name}>
                {Object.entries(FILTERS[name]).map(([value, label]) => (
                  <option
                    value={value}
                    selected={(name === "followed" ? followed : opened) === value ||
                      (!value && !(name === "followed" ? followed : opened))}
                  >
                    {label}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button class="button button-secondary button-small" type="submit">Filter</button>
          {filtered && <a class="button button-ghost button-small filter-clear" href={clear}>Clear</a>}
        </form>
      </div>
      {drafts && island(DraftList, {
        drafts: drafts.map(toDraftRow),
        all: c.req.query("drafts") === "all",
        zone: user.timeZone,
        me: user.id,
      })}
      {island(ActivityList, {
        rows: page.items.map(({ message, stats }) => toRow(message, stats, members[message.senderId] ?? "")),
        zone: user.timeZone,
        countProxyOpens: filter.countProxyOpens,
        members,
        filter: cursor ? null : filter,
        complete: !cursor && !page.cursor,
        me: user.id,
        empty: filtered
          ? {
            title: q ? `No emails match “${q}”` : "No emails match these filters",
            text: q ? "Try fewer words, or other filters." : "Try other filters.",
            action: { href: clear, label: "Clear filters" },
          }
          : {
            title: "No emails yet",
            text: "Emails you send appear here with their opens, clicks and replies as they happen.",
            action: { href: "/compose", label: "Compose an email" },
          },
      })}
      <Pager cursor={page.cursor} params={params} paged={Boolean(cursor)} />
    </>,
  );
});

/** Recipients, each linked to their contact while it exists (a deleted contact's name stays, unlinked). */
function recipientList(list: Recipient[], contacts: Set<string>) {
  return list.map((r, i) => (
    <>
      {i > 0 && ", "}
      {r.contactId && contacts.has(r.contactId)
        ? <a href={`/contacts/${r.contactId}`}>{isolated(r.name || r.email)}</a>
        : r.name
        ? <span title={`${r.email} · contact deleted`}>{isolated(r.name)} &lt;{r.email}&gt;</span>
        : r.email}
    </>
  ));
}

/** Why engagement is partial or missing, said plainly. */
function engagementNote(message: Message): string | null {
  if (message.follow === "blocked") {
    const names = message.blockedBy.map((email) =>
      allRecipients(message).find((r) => r.email === email)?.name || email
    );
    return `Not followed: ${names.join(", ")} ${
      names.length === 1 ? "doesn't" : "don't"
    } allow tracking (contact preference), so this email has no pixel and its links are not redirected.`;
  }
  if (message.follow === "not_following") {
    return "Not followed: this email has no pixel and its links are not redirected.";
  }
  if (message.to.length + message.cc.length + message.bcc.length > 1) {
    return `Opens and clicks can't be told apart between the ${
      message.to.length + message.cc.length + message.bcc.length
    } recipients of this email. Send individually to see who did what.`;
  }
  return null;
}

messagePages.get("/messages/:id", async (c) => {
  const { kv } = c.get("deps");
  const { user, team } = viewer(c);
  const message = await getMessage(kv, team.id, c.req.param("id"));
  if (message.status === "draft") return c.redirect(`/compose/${message.id}`);
  const [stats, history, html, names] = await Promise.all([
    getStats(kv, team.id, message.id),
    readEventPage(kv, team.id, message.id, { limit: EVENTS_PAGE }),
    getMessageBody(kv, message),
    userNames(kv, [message.senderId]),
  ]);
  const single = toOnePerson(message) ? message.to[0] : null;
  const [contact] = single?.contactId ? await getContacts(kv, team.id, [single.contactId]) : [null];
  const contacts = new Set(
    (await getContacts(kv, team.id, message.contactIds)).flatMap((c) => c ? [c.id] : []),
  );
  return render(
    c,
    { title: message.subject || "Message" },
    <>
      {island(MessageHeader, {
        messageId: message.id,
        subject: message.subject,
        senderName: names[message.senderId] ?? "a former member",
        mine: message.senderId === user.id,
        message: { status: message.status, sentAt: message.sentAt, updatedAt: message.updatedAt },
        zone: user.timeZone,
      })}
      <div class="message-layout">
        <section class="card message-card" aria-label="The email as sent">
          <dl class="headers">
            <dt>To</dt>
            <dd>{recipientList(message.to, contacts)}</dd>
            {message.cc.length > 0 && (
              <>
                <dt>Cc</dt>
                <dd>{recipientList(message.cc, contacts)}</dd>
              </>
            )}
            {message.bcc.length > 0 && (
              <>
                <dt>Bcc</dt>
                <dd>{recipientList(message.bcc, contacts)}</dd>
              </>
            )}
            <dt>Tracking</dt>
            <dd>
              {message.follow === "following"
                ? <Badge tone="green">Following</Badge>
                : message.follow === "blocked"
                ? <Badge tone="amber">Blocked by a recipient's preference</Badge>
                : <Badge tone="grey">Not following</Badge>}
            </dd>
          </dl>
          <EmailFrame as="preview" title="Email body" html={html} />
        </section>
        <div class="side-column">
          {message.status === "scheduled" && message.senderId === user.id && island(ScheduledSend, {
            messageId: message.id,
            status: message.status,
            job: message.job,
            recipientTime: message.recipientTime,
            zone: user.timeZone,
            hours: teamSettings(team).businessHours,
            recipientsKey: message.to.map((r) => r.email).join(),
            change: c.req.query("change") === "time",
          })}
          {island(EngagementPanel, {
            messageId: message.id,
            message: {
              status: message.status,
              follow: message.follow,
              failure: message.failure,
              failures: message.failures,
              job: message.job,
              sentAt: message.sentAt,
              recipientTime: message.recipientTime,
              lateByMs: message.lateByMs,
              delivery: message.delivery ?? null,
            },
            stats,
            events: history.events.map(publicEvent),
            older: history.cursor,
            links: message.links,
            attachments: (message.attachments ?? []).map((file) => ({
              blobId: file.blobId,
              filename: file.filename,
              size: file.size,
              tracked: file.followed && message.follow === "following",
            })),
            countProxyOpens: teamSettings(team).countProxyOpens,
            people: Object.fromEntries(
              [...message.to, ...message.cc, ...message.bcc].filter((r) => r.name)
                .map((r) => [r.email.toLowerCase(), r.name]),
            ),
            zone: user.timeZone,
            recipient: contact?.timeZone ? { name: callName(contact), zone: contact.timeZone } : null,
            note: engagementNote(message),
          })}
          {island(AlarmEditor, {
            messageId: message.id,
            alarms: await listAlarms(kv, team.id, message.id),
            zone: user.timeZone,
            hours: teamSettings(team).businessHours,
            recipients: await alarmRecipients(kv, team.id, message),
            followed: message.follow === "following",
            editable: message.senderId === user.id,
            sendAt: message.status === "scheduled" ? message.job?.dueAt : null,
          })}
        </div>
      </div>
    </>,
  );
});

/** The To recipients with their zones, for alarm times in their local time. */
export async function alarmRecipients(
  kv: Deno.Kv,
  teamId: string,
  message: Message,
): Promise<AlarmRecipient[]> {
  const contacts = await getContacts(
    kv,
    teamId,
    message.to.map((r) => r.contactId).filter((id): id is string => !!id),
  );
  const zones = new Map(contacts.filter((c) => !!c).map((c) => [c!.id, c!.timeZone]));
  return message.to.map((r) => ({
    email: r.email,
    name: r.name,
    zone: r.contactId ? zones.get(r.contactId) ?? null : null,
  }));
}
