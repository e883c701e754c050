/** The team page: members and roles, invites. Admins manage; members see who is on the team. */
import { Hono } from "hono";
import type { Context } from "hono";
import { island } from "../../components/island.ts";
import { Badge, Field, Form, FormAlert, PageHeader, Select } from "../../components/ui.tsx";
import CopyButton from "../../islands/copy_button.tsx";
import { createInvite, type Invite, listInvites, revokeInvite } from "../../lib/accounts/invites.ts";
import { updateTeamSettings } from "../../lib/accounts/team_settings.ts";
import { teamSettings, type User } from "../../lib/accounts/types.ts";
import { listMembers, removeMember, setMemberRole } from "../../lib/accounts/users.ts";
import type { FieldErrors } from "../../lib/http/errors.ts";
import { formatDate } from "../../lib/time/format.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";

export const teamPages = new Hono<AppEnv>();

const roleLabel = (role: string) => role === "admin" ? "Admin" : "Member";

export function inviteUrl(baseUrl: string, token: string) {
  return `${baseUrl}/invite/${token}`;
}

async function renderTeam(
  c: Context<AppEnv>,
  extra: {
    newLink?: { email: string; url: string };
    values?: Record<string, string>;
    errors?: FieldErrors;
    status?: 400 | 409;
  } = {},
) {
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const now = clock.now();
  const [members, invites] = await Promise.all([
    listMembers(kv, team.id),
    user.role === "admin" ? listInvites(kv, team.id, now) : Promise.resolve([] as Invite[]),
  ]);
  const admin = user.role === "admin";
  return render(
    c,
    { title: "Team", status: extra.status },
    <>
      <PageHeader title={team.name} subtitle={`${members.length} member${members.length === 1 ? "" : "s"}`} />
      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title" class="card-title">Members</h2>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th class="hide-sm">Joined</th>
                {admin && (
                  <th>
                    <span class="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <MemberRow key={m.id} member={m} me={user} admin={admin} zone={user.timeZone} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {admin && (
        <section class="card" aria-labelledby="settings-title">
          <h2 id="settings-title" class="card-title">Team settings</h2>
          <Form action="/team/settings" class="stack form-narrow">
            <label class="check-row">
              <input
                type="checkbox"
                name="followByDefault"
                value="true"
                checked={teamSettings(team).followByDefault}
              />
              <span>
                <strong>Follow new emails by default</strong>
                <span class="hint">
                  Followed emails carry an open pixel and tracked links. Sellers can still choose per email,
                  and contacts who do not allow tracking are never followed.
                </span>
              </span>
            </label>
            <div class="form-actions">
              <button class="button button-secondary" type="submit">Save settings</button>
            </div>
          </Form>
        </section>
      )}
      {admin && (
        <section class="card" aria-labelledby="invite-title">
          <h2 id="invite-title" class="card-title">Invite a teammate</h2>
          {extra.newLink && (
            <div class="alert alert-success" role="status">
              <p>
                Invite link for{" "}
                <strong>{extra.newLink.email}</strong>. It works once, for seven days, and is shown only now:
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
            <button class="button button-primary" type="submit">Create invite link</button>
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
      </td>
      <td class="truncate">{member.email}</td>
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

teamPages.get("/team", (c) => renderTeam(c));

teamPages.post("/team/settings", async (c) => {
  const fields = await formFields(c);
  await updateTeamSettings(c.get("deps").kv, viewer(c).user, {
    followByDefault: fields.followByDefault === "true",
  });
  return redirectWithFlash(c, "/team", { kind: "success", text: "Team settings saved." });
});

teamPages.post("/team/invites", async (c) => {
  requireAdmin(c);
  const { kv, clock, config } = c.get("deps");
  const values = await formFields(c);
  const result = await tryForm(() => createInvite(kv, viewer(c).user, values, clock.now()));
  if (!result.ok) {
    return renderTeam(c, {
      values,
      errors: result.errors,
      status: result.status === 429 ? 400 : result.status,
    });
  }
  const { invite, token } = result.value;
  return renderTeam(c, { newLink: { email: invite.email, url: inviteUrl(config.baseUrl, token) } });
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
