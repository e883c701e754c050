/** The user's own settings: profile and time zone, password, API tokens. */
import { Hono } from "hono";
import type { Context } from "hono";
import { island } from "../../components/island.ts";
import {
  Badge,
  EmptyState,
  Field,
  Form,
  FormActions,
  FormAlert,
  NewPasswordField,
  PageHeader,
  Select,
} from "../../components/ui.tsx";
import CopyButton from "../../islands/copy_button.tsx";
import NotificationSettings from "../../islands/notification_settings.tsx";
import TimeZoneField from "../../islands/time_zone_field.tsx";
import { getNotifyPrefs } from "../../lib/assistant/notify_prefs.ts";
import {
  type ApiToken,
  createApiToken,
  LAST_USED_STEP_MS,
  listApiTokens,
  revokeApiToken,
  tokenExpired,
} from "../../lib/accounts/api_tokens.ts";
import { redirectShowingOnce, takeShownOnce } from "../shown_once.ts";
import { deleteUserSessions } from "../../lib/accounts/sessions.ts";
import { deleteCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../middleware/auth.ts";
import { changePassword } from "../../lib/accounts/users.ts";
import { saveProfile } from "../../workers/notifications.ts";
import { type FieldErrors, notFound } from "../../lib/http/errors.ts";
import { formatDate, formatRelative } from "../../lib/time/format.ts";
import { timeZoneNames } from "../../lib/time/zones.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { signInAs, viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";

export const settingsPages = new Hono<AppEnv>();

function SettingsTabs({ current }: { current: "profile" | "tokens" | "notifications" }) {
  return (
    <nav class="tabs" aria-label="Settings">
      <a href="/settings/profile" aria-current={current === "profile" ? "page" : undefined}>
        Profile and password
      </a>
      <a href="/settings/notifications" aria-current={current === "notifications" ? "page" : undefined}>
        Notifications
      </a>
      <a href="/settings/tokens" aria-current={current === "tokens" ? "page" : undefined}>API tokens</a>
    </nav>
  );
}

function renderProfile(
  c: Context<AppEnv>,
  state: {
    profile?: { values: Record<string, string>; errors: FieldErrors };
    password?: { errors: FieldErrors };
    status?: 400 | 409 | 429;
  } = {},
) {
  const { user } = viewer(c);
  const values = state.profile?.values ?? { name: user.name, timeZone: user.timeZone };
  return render(
    c,
    { title: "Profile", status: state.status },
    <>
      <PageHeader title="Settings" />
      <SettingsTabs current="profile" />
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title" class="card-title">Profile</h2>
        <p class="muted">All times in Beacon are shown in your time zone.</p>
        <FormAlert errors={state.profile?.errors} />
        <Form action="/settings/profile" class="stack form-narrow">
          <Field label="Name" name="name" value={values.name} errors={state.profile?.errors} required />
          <Field
            label="Email"
            name="email-readonly"
            value={user.email}
            readOnly
            hint="Your sign-in email can't be changed here."
          />
          {island(TimeZoneField, {
            name: "timeZone",
            value: values.timeZone,
            mode: "own",
            zones: timeZoneNames(),
            error: state.profile?.errors.timeZone,
          })}
          <FormActions submit="Save profile" />
        </Form>
      </section>
      <section class="card" aria-labelledby="password-title">
        <h2 id="password-title" class="card-title">Password</h2>
        <p class="muted">Changing it signs you out everywhere else. API tokens keep working.</p>
        <FormAlert errors={state.password?.errors} />
        <Form action="/settings/password" class="stack form-narrow">
          <Field
            label="Current password"
            name="currentPassword"
            type="password"
            errors={state.password?.errors}
            required
            autocomplete="current-password"
          />
          <NewPasswordField label="New password" name="newPassword" errors={state.password?.errors} />
          <FormActions submit="Change password" />
        </Form>
      </section>
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title" class="card-title">Sessions</h2>
        <p class="muted">
          Signs you out of Beacon in every browser, this one too: for a computer you no longer use, or one you
          signed in on and left. API tokens keep working; revoke them under API tokens.
        </p>
        <Form action="/settings/sessions/end">
          <button class="button button-secondary" type="submit">Sign out everywhere</button>
        </Form>
      </section>
    </>,
  );
}

settingsPages.get("/settings", (c) => c.redirect("/settings/profile"));
settingsPages.get("/settings/profile", (c) => renderProfile(c));

settingsPages.post("/settings/profile", async (c) => {
  const values = await formFields(c);
  const result = await tryForm(() => saveProfile(c.get("deps"), viewer(c).user.id, values));
  if (!result.ok) {
    return renderProfile(c, { profile: { values, errors: result.errors }, status: result.status });
  }
  return redirectWithFlash(c, "/settings/profile", { kind: "success", text: "Profile saved." });
});

settingsPages.post("/settings/sessions/end", async (c) => {
  await deleteUserSessions(c.get("deps").kv, viewer(c).user.id);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return redirectWithFlash(c, "/signin", { kind: "info", text: "You are signed out everywhere." });
});

settingsPages.post("/settings/password", async (c) => {
  const { kv, clock, passwordIterations } = c.get("deps");
  const values = await formFields(c);
  const result = await tryForm(() =>
    changePassword(kv, viewer(c).user.id, values, { now: clock.now(), iterations: passwordIterations })
  );
  if (!result.ok) return renderProfile(c, { password: { errors: result.errors }, status: result.status });
  // Every session ended with the change; this browser gets a fresh one.
  await signInAs(c, result.value);
  return redirectWithFlash(c, "/settings/profile", { kind: "success", text: "Password changed." });
});

async function renderTokens(
  c: Context<AppEnv>,
  state: {
    secret?: string;
    values?: Record<string, string>;
    errors?: FieldErrors;
    status?: 400 | 409 | 429;
  } = {},
) {
  const { user } = viewer(c);
  const tokens = await listApiTokens(c.get("deps").kv, user);
  const now = c.get("deps").clock.now();
  return render(
    c,
    { title: "API tokens", status: state.status },
    <>
      <PageHeader title="Settings" />
      <SettingsTabs current="tokens" />
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title" class="card-title">API tokens</h2>
        <p class="muted">
          Tokens act as you on the <a href="/api/docs">JSON API</a>: send one as{" "}
          <code>Authorization: Bearer …</code>.
        </p>
        {state.secret && (
          // The focus starts here, on the one thing to do now, with the token read out.
          <div class="alert alert-success" role="status" tabIndex={-1} autoFocus>
            <p>Your new token. Copy it now: it is shown only once.</p>
            <div class="copy-row">
              <code class="code-block" data-testid="new-token">{state.secret}</code>
              {island(CopyButton, { text: state.secret, label: "Copy token" })}
            </div>
          </div>
        )}
        <FormAlert errors={state.errors} />
        <Form action="/settings/tokens" class="inline-form">
          <Field
            label="Token name"
            name="name"
            value={state.values?.name}
            errors={state.errors}
            placeholder="CRM sync"
            required
            maxLength={60}
          />
          <Select
            label="Access"
            name="access"
            required
            value={state.values?.access ?? "write"}
            errors={state.errors}
            options={[
              { value: "write", label: "Read and write" },
              { value: "read", label: "Read only (GET requests)" },
            ]}
          />
          <Select
            label="Expires"
            name="expiresInDays"
            required
            value={state.values?.expiresInDays ?? "90"}
            errors={state.errors}
            options={[
              { value: "30", label: "In 30 days" },
              { value: "90", label: "In 90 days" },
              { value: "365", label: "In a year" },
              { value: "", label: "Never" },
            ]}
          />
          <button class="button button-primary" type="submit">Create token</button>
        </Form>
        {tokens.length === 0 ? <EmptyState icon="key" title="No tokens yet" /> : (
          <ul class="list">
            {tokens.map((t) => (
              <li class="list-row">
                <span>
                  <strong id={`token-${t.id}`}>{t.name}</strong> <code class="muted">{t.hint}…</code>{" "}
                  {t.access === "read" ? <Badge tone="blue">Read only</Badge> : <Badge>Read and write</Badge>}
                  {tokenExpired(t, now) && <Badge tone="red">Expired</Badge>}{" "}
                  <span class="muted small">· {tokenDetails(t, now, user.timeZone)}</span>
                </span>
                <a
                  class="button button-ghost button-small danger-text"
                  href={`/settings/tokens/${t.id}/revoke`}
                  aria-describedby={`token-${t.id}`}
                >
                  Revoke…
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>,
  );
}

const TOKENS = "/settings/tokens";

/** "created 7 Dec 2026 · expires 7 Mar 2027 · last used 3 hours ago" */
function tokenDetails(t: ApiToken, now: number, zone: string): string {
  return [
    `created ${formatDate(t.createdAt, zone)}`,
    t.expiresAt === null
      ? "never expires"
      : `${tokenExpired(t, now) ? "expired" : "expires"} ${formatDate(t.expiresAt, zone)}`,
    t.lastUsedAt === null ? "never used" : `last used ${lastUsed(t.lastUsedAt, now, zone)}`,
  ].filter(Boolean).join(" · ");
}

/** When a token was last used: it is kept to the hour, so within the last one it was "in the last hour". */
const lastUsed = (at: number, now: number, zone: string) =>
  now - at < LAST_USED_STEP_MS ? "in the last hour" : formatRelative(at, now, zone);

settingsPages.get(TOKENS, (c) => renderTokens(c, { secret: takeShownOnce(c, TOKENS)?.secret }));

settingsPages.post(TOKENS, async (c) => {
  const { kv, clock } = c.get("deps");
  const values = await formFields(c);
  const result = await tryForm(() => createApiToken(kv, viewer(c).user, values, clock.now()));
  if (!result.ok) return renderTokens(c, { values, errors: result.errors, status: result.status });
  return redirectShowingOnce(c, TOKENS, { secret: result.value.secret });
});

/** Revoking asks first, naming the token: whatever uses it stops working at once, and it can't be undone. */
settingsPages.get("/settings/tokens/:id/revoke", async (c) => {
  const { kv, clock } = c.get("deps");
  const { user } = viewer(c);
  const token = (await listApiTokens(kv, user)).find((t) => t.id === c.req.param("id"));
  if (!token) throw notFound("No such API token.");
  return render(
    c,
    { title: "Revoke token" },
    <>
      <PageHeader
        title={`Revoke “${token.name}”?`}
        subtitle={tokenDetails(token, clock.now(), user.timeZone)}
        back={{ href: TOKENS, label: "API tokens" }}
      />
      <Form action={`/settings/tokens/${token.id}/revoke`} class="card form-card stack">
        <p>
          Anything that uses it (an integration, a script) is refused from now on. This can't be undone: to
          give access again, make a new token.
        </p>
        <FormActions submit="Revoke token" kind="danger" cancel={TOKENS} />
      </Form>
    </>,
  );
});

settingsPages.post("/settings/tokens/:id/revoke", async (c) => {
  await revokeApiToken(c.get("deps").kv, viewer(c).user, c.req.param("id"));
  return redirectWithFlash(c, "/settings/tokens", { kind: "success", text: "Token revoked." });
});

settingsPages.get("/settings/notifications", async (c) => {
  const { user, team } = viewer(c);
  const prefs = await getNotifyPrefs(c.get("deps").kv, team.id, user.id);
  return render(
    c,
    { title: "Notifications" },
    <>
      <PageHeader title="Settings" />
      <SettingsTabs current="notifications" />
      <section class="card" aria-labelledby="notify-title">
        <h2 id="notify-title" class="card-title">Notifications</h2>
        <p class="muted">How Beacon tells you about opens, replies and alarms.</p>
        {island(NotificationSettings, { prefs: { browser: prefs.browser, email: prefs.email } })}
      </section>
    </>,
  );
});
