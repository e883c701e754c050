/** The team page: members and roles, invites. Admins manage; members see who is on the team. */
import { Hono } from "hono";
import type { Context } from "hono";
import { island } from "../../components/island.ts";
import {
  Badge,
  CheckRow,
  DataTable,
  EmailAddress,
  Field,
  Form,
  FormActions,
  FormAlert,
  PageHeader,
  Select,
} from "../../components/ui.tsx";
import CopyButton from "../../islands/copy_button.tsx";
import { type Invite, listInvites, revokeInvite } from "../../lib/accounts/invites.ts";
import { inviteByEmail } from "../../lib/accounts/invite_email.ts";
import { redirectShowingOnce, takeShownOnce } from "../shown_once.ts";
import { updateTeamSettings } from "../../lib/accounts/team_settings.ts";
import { teamSettings, type User } from "../../lib/accounts/types.ts";
import { listMembers, removeMember, setMemberRole } from "../../lib/accounts/users.ts";
import type { FieldErrors } from "../../lib/http/errors.ts";
import {
  type BusinessHours,
  closedDateText,
  formatHours,
  validateBusinessHours,
} from "../../lib/scheduling/business_hours.ts";
import { formatDate } from "../../lib/time/format.ts";
import { listUnmatched } from "../api/inbound.ts";
import { scheduleRetention } from "../../workers/retention.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import {
  closedDatesAfter,
  ClosedDatesField,
  HoursFields,
  type HoursForm,
  hoursForm,
  hoursFromFields,
  SaveOnEnter,
} from "../../components/hours_fields.tsx";

export const teamPages = new Hono<AppEnv>();

const roleLabel = (role: string) => role === "admin" ? "Admin" : "Member";

function BusinessHoursCard(
  { hours, form, errors, admin }: {
    hours: BusinessHours;
    form?: HoursForm;
    errors?: Record<string, string>;
    admin: boolean;
  },
) {
  const value = form ?? hoursForm(hours);
  return (
    <section class="card" id="hours" aria-labelledby="hours-title">
      <h2 id="hours-title" class="card-title">Business hours</h2>
      <p class="muted hours-intro">
        When recipients usually work, in their own time zone: send-time advice warns when an email would
        arrive outside these hours and suggests a better time. A contact can have their own hours.
      </p>
      {!admin && (
        <p>
          <strong>{formatHours(hours)}</strong>
          {hours.closedDates.length > 0 && (
            <span class="muted">
              · closed {hours.closedDates.map((date) => closedDateText(date)).join(", ")}
            </span>
          )}
        </p>
      )}
      {admin && (
        <Form action="/team/hours" class="stack hours-form">
          {/* Enter in a field saves (the first submit button is the default one). */}
          <SaveOnEnter />
          {errors?._ && <div class="alert alert-error" role="alert">{errors._}</div>}
          <HoursFields value={value} errors={errors} legend="Open days" />
          <ClosedDatesField
            dates={value.closedDates}
            errors={errors}
            hint="Holidays and other days off: no one is expected to read email."
          />
          <div class="form-actions">
            <button class="button button-secondary" type="submit" name="action" value="save">
              Save business hours
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}

async function renderTeam(
  c: Context<AppEnv>,
  extra: {
    newLink?: { email: string; url: string; emailed: boolean };
    values?: Record<string, string>;
    errors?: FieldErrors;
    status?: 400 | 409;
    hours?: { form: HoursForm; errors: Record<string, string> };
    settings?: { values: Record<string, string>; errors: FieldErrors };
  } = {},
) {
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const now = clock.now();
  const [members, invites, unmatched] = await Promise.all([
    listMembers(kv, team.id),
    user.role === "admin" ? listInvites(kv, team.id, now) : Promise.resolve([] as Invite[]),
    user.role === "admin" ? listUnmatched(kv, team.id).then((m) => m.length) : Promise.resolve(0),
  ]);
  const admin = user.role === "admin";
  const settings = teamSettings(team);
  /** A team setting's box: as posted when the form comes back with errors, else as saved. */
  const setting = (key: "followByDefault" | "countProxyOpens" | "trackingNotice") =>
    extra.settings ? extra.settings.values[key] === "true" : settings[key];
  return render(
    c,
    { title: "Team", status: extra.status },
    <>
      <PageHeader
        title={team.name}
        subtitle={`${members.length} member${members.length === 1 ? "" : "s"}`}
        actions={admin && (
          <a class="button button-secondary" href="/inbound" data-testid="unmatched-link">
            Unmatched replies
            {unmatched > 0 && <span class="count-badge">{unmatched > 99 ? "99+" : unmatched}</span>}
          </a>
        )}
      />
      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title" class="card-title">Members</h2>
        <DataTable
          label="Members"
          class="members-table"
          head={
            <>
              <th>Name</th>
              <th class="hide-sm">Email</th>
              <th>Role</th>
              <th class="hide-sm">Joined</th>
              {admin && (
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              )}
            </>
          }
        >
          {members.map((m) => (
            <MemberRow
              key={m.id}
              member={m}
              me={user}
              admin={admin}
              zone={user.timeZone}
            />
          ))}
        </DataTable>
      </section>
      {admin && (
        <section class="card" aria-labelledby="settings-title">
          <h2 id="settings-title" class="card-title">Team settings</h2>
          <Form action="/team/settings" class="stack form-narrow">
            <FormAlert errors={extra.settings?.errors} />
            <CheckRow
              name="followByDefault"
              checked={setting("followByDefault")}
              label="Follow new emails by default"
            >
              Followed emails carry an open pixel and tracked links. Sellers can still choose per email, and
              contacts who do not allow tracking are never followed.
            </CheckRow>
            <CheckRow
              name="countProxyOpens"
              checked={setting("countProxyOpens")}
              label="Count opens by mail privacy proxies (Apple Mail Privacy Protection) as opens"
            >
              Apple Mail loads every image of an email through Apple's servers when it arrives, whether or not
              anyone reads it. Off (recommended): those opens are shown greyed beside people's opens, and an
              email opened only that way reads “Delivered, opened only by mail privacy proxies”. On: they
              count as opens in numbers and statuses. Alarms and first-open alerts always wait for a person.
            </CheckRow>
            <CheckRow
              name="trackingNotice"
              checked={setting("trackingNotice")}
              label="Add a tracking notice with an opt-out link to followed emails"
            >
              A short line at the end says the email tells the sender when it is opened, with a “Don't track
              me” link. A recipient who confirms is set to “do not allow” and is never followed again.
            </CheckRow>
            <Field
              label="Keep raw engagement events for (days)"
              name="retentionDays"
              type="number"
              value={extra.settings
                ? extra.settings.values.retentionDays
                : settings.retentionDays?.toString() ?? ""}
              errors={extra.settings?.errors}
              placeholder="Keep"
              hint="Empty keeps them. 30 to 3,650 days: older opens, clicks and views (with their client details) are deleted every night; counters, statuses and replies stay."
            />
            <FormActions submit="Save settings" kind="secondary" />
          </Form>
        </section>
      )}
      <BusinessHoursCard
        hours={teamSettings(team).businessHours}
        form={extra.hours?.form}
        errors={extra.hours?.errors}
        admin={admin}
      />
      {admin && (
        <section class="card" aria-labelledby="invite-title">
          <h2 id="invite-title" class="card-title">Invite a teammate</h2>
          {extra.newLink && (
            <div class="alert alert-success" role="status">
              <p>
                {extra.newLink.emailed ? <>Invite emailed to{" "}</> : <>The invite email to{" "}</>}
                <strong>{extra.newLink.email}</strong>
                {extra.newLink.emailed
                  ? ". Its link works once, for seven days; here it is too, shown only now:"
                  : " could not be sent: copy its link and send it yourself. It works once, for seven days, " +
                    "and is shown only now:"}
              </p>
              <div class="copy-row">
                <code class="code-block" data-testid="invite-link">{extra.newLink.url}</code>
                {island(CopyButton, { text: extra.newLink.url, label: "Copy link" })}
              </div>
            </div>
          )}
          <FormAlert errors={extra.errors} />
          <Form action="/team/invites" class="inline-form">
            <Field
              label="Email"
              name="email"
              type="email"
              value={extra.values?.email}
              errors={extra.errors}
              required
            />
            <Select
              label="Role"
              name="role"
              value={extra.values?.role ?? "member"}
              required
              options={[{ value: "member", label: "Member" }, { value: "admin", label: "Admin" }]}
            />
            <button class="button button-primary" type="submit">Send invite</button>
          </Form>
          {invites.length > 0 && (
            <>
              <h3 class="section-title">Open invites</h3>
              <ul class="list">
                {invites.map((invite) => (
                  <li class="list-row">
                    <span>
                      <strong>{invite.email}</strong> <Badge>{roleLabel(invite.role)}</Badge>
                      <span class="muted small">· expires {formatDate(invite.expiresAt, user.timeZone)}</span>
                    </span>
                    <Form action={`/team/invites/${invite.id}/revoke`}>
                      <button class="button button-ghost button-small" type="submit">Revoke</button>
                    </Form>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
    </>,
  );
}

function MemberRow({ member, me, admin, zone }: { member: User; me: User; admin: boolean; zone: string }) {
  return (
    <tr>
      <td>
        {member.name} {member.id === me.id && <span class="muted small">(you)</span>}
        {/* On a phone the Email column goes: four columns with the role and remove controls don't fit. */}
        <div class="muted small member-email">
          <EmailAddress address={member.email} />
        </div>
      </td>
      <td class="truncate hide-sm" title={member.email}>
        <EmailAddress address={member.email} />
      </td>
      <td>
        {admin && member.id !== me.id
          ? (
            <Form action={`/team/members/${member.id}/role`} class="inline-select">
              <label class="sr-only" for={`role-${member.id}`}>Role of {member.name}</label>
              <select id={`role-${member.id}`} name="role">
                <option value="member" selected={member.role === "member"}>Member</option>
                <option value="admin" selected={member.role === "admin"}>Admin</option>
              </select>
              <button class="button button-secondary button-small" type="submit">Save</button>
            </Form>
          )
          : <Badge tone={member.role === "admin" ? "blue" : "neutral"}>{roleLabel(member.role)}</Badge>}
      </td>
      <td class="hide-sm">{formatDate(member.createdAt, zone)}</td>
      {admin && (
        <td class="actions-cell">
          {member.id !== me.id && (
            <Form action={`/team/members/${member.id}/remove`}>
              <button
                class="button button-ghost button-small danger-text"
                type="submit"
                aria-label={`Remove ${member.name}`}
              >
                Remove
              </button>
            </Form>
          )}
        </td>
      )}
    </tr>
  );
}

teamPages.get("/team", (c) => {
  const shown = takeShownOnce(c, "/team");
  return renderTeam(
    c,
    shown?.email && shown.url
      ? { newLink: { email: shown.email, url: shown.url, emailed: shown.emailed === "yes" } }
      : {},
  );
});

teamPages.post("/team/settings", async (c) => {
  requireAdmin(c);
  const deps = c.get("deps");
  const fields = await formFields(c);
  const days = (fields.retentionDays ?? "").trim().replace(/[\s,]/g, "");
  const result = await tryForm(() =>
    updateTeamSettings(deps.kv, viewer(c).user, {
      followByDefault: fields.followByDefault === "true",
      countProxyOpens: fields.countProxyOpens === "true",
      trackingNotice: fields.trackingNotice === "true",
      retentionDays: days === "" ? null : /^\d+$/.test(days) ? Number(days) : days,
    })
  );
  if (!result.ok) {
    return renderTeam(c, {
      status: 400,
      settings: { values: { ...fields }, errors: result.errors },
    });
  }
  await scheduleRetention(deps, viewer(c).team.id);
  return redirectWithFlash(c, "/team", { kind: "success", text: "Team settings saved." });
});

/** Saves the whole form; "Add date" and "Remove" change the closed dates as they save. */
teamPages.post("/team/hours", async (c) => {
  requireAdmin(c);
  const fields = await formFields(c);
  const times = hoursFromFields(fields);
  const shown = { ...times, end: times.end === "24:00" ? "00:00" : times.end };
  const { closedDates, edit, error } = closedDatesAfter(fields);
  if (error) return renderTeam(c, { status: 400, hours: { form: { ...shown, closedDates }, errors: error } });
  const result = validateBusinessHours({ ...times, closedDates });
  if (!result.ok) {
    return renderTeam(c, { status: 400, hours: { form: { ...shown, closedDates }, errors: result.errors } });
  }
  await updateTeamSettings(c.get("deps").kv, viewer(c).user, { businessHours: result.value });
  const text = edit === "add"
    ? "Closed date added. Business hours saved."
    : edit === "remove"
    ? "Closed date removed. Business hours saved."
    : "Business hours saved.";
  return redirectWithFlash(c, "/team#hours", { kind: "success", text });
});

teamPages.post("/team/invites", async (c) => {
  requireAdmin(c);
  const { kv, clock, config, mailer } = c.get("deps");
  const values = await formFields(c);
  const { user, team } = viewer(c);
  const result = await tryForm(() =>
    inviteByEmail(
      { kv, mailer, baseUrl: config.baseUrl, from: config.mail.from },
      user,
      team,
      values,
      clock.now(),
    )
  );
  if (!result.ok) {
    return renderTeam(c, {
      values,
      errors: result.errors,
      status: result.status === 429 ? 400 : result.status,
    });
  }
  const { invite, url, emailed } = result.value;
  const shown = { email: invite.email, url, emailed: emailed ? "yes" : "no" };
  return redirectShowingOnce(c, "/team", shown, "#invite-title");
});

teamPages.post("/team/invites/:id/revoke", async (c) => {
  await revokeInvite(c.get("deps").kv, viewer(c).user, c.req.param("id"));
  return redirectWithFlash(c, "/team", { kind: "success", text: "Invite revoked." });
});

teamPages.post("/team/members/:id/role", async (c) => {
  requireAdmin(c);
  const { role } = await formFields(c);
  const result = await tryForm(() =>
    setMemberRole(c.get("deps").kv, viewer(c).user, c.req.param("id"), role === "admin" ? "admin" : "member")
  );
  if (!result.ok) return redirectWithFlash(c, "/team", { kind: "error", text: result.errors._ });
  return redirectWithFlash(c, "/team", {
    kind: "success",
    text: `${result.value.name} is now ${result.value.role === "admin" ? "an admin" : "a member"}.`,
  });
});

teamPages.post("/team/members/:id/remove", async (c) => {
  requireAdmin(c);
  const { kv, clock } = c.get("deps");
  const result = await tryForm(() => removeMember(kv, viewer(c).user, c.req.param("id"), clock.now()));
  if (!result.ok) return redirectWithFlash(c, "/team", { kind: "error", text: result.errors._ });
  return redirectWithFlash(c, "/team", { kind: "success", text: "Member removed." });
});
