/** API: the signed-in user, team members, invites, API tokens. */
import { createRoute, z } from "@hono/zod-openapi";
import { createApiToken, listApiTokens, revokeApiToken } from "../../lib/accounts/api_tokens.ts";
import { listInvites, revokeInvite } from "../../lib/accounts/invites.ts";
import {
  ApiTokenInput,
  InviteInput,
  PasswordChangeInput,
  ProfileInput,
  RoleInput,
} from "../../lib/accounts/schemas.ts";
import {
  changePassword,
  getTeamUser,
  listMembers,
  removeMember,
  setMemberRole,
} from "../../lib/accounts/users.ts";
import { TeamSettingsInput, updateTeamSettings } from "../../lib/accounts/team_settings.ts";
import { teamSettings } from "../../lib/accounts/types.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { saveProfile } from "../../workers/notifications.ts";
import { scheduleRetention } from "../../workers/retention.ts";
import { inviteByEmail } from "../../lib/accounts/invite_email.ts";
import { getTeamRecordRoute } from "./helpers.ts";
import { deleteUserSessions } from "../../lib/accounts/sessions.ts";
import { apiRouter, errors, IdParams, json, jsonBody, security, tooManyAttempts } from "./openapi.ts";
import { ApiTokenSchema, InviteSchema, pick, TeamSchema, UserSchema } from "./schemas.ts";

export const accountsApi = apiRouter();

const Me = z.object({ user: UserSchema, team: TeamSchema }).openapi("Me");

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["Account"],
    summary: "The signed-in user and their team",
    security,
    responses: { 200: json(Me, "You and your team"), 401: errors[401] },
  }),
  (c) => {
    const { user, team } = viewer(c);
    return c.json({ user: pick(UserSchema, user), team: pick(TeamSchema, team) }, 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "patch",
    path: "/me",
    tags: ["Account"],
    summary: "Update your name and time zone",
    security,
    request: jsonBody(ProfileInput),
    responses: {
      200: json(UserSchema, "The updated user"),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
  async (c) => {
    const user = await saveProfile(c.get("deps"), viewer(c).user.id, c.req.valid("json"));
    return c.json(pick(UserSchema, user), 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/me/sessions",
    tags: ["Account"],
    summary: "Sign out everywhere: end every session of yours (API tokens keep working)",
    security,
    responses: { 204: { description: "Every session ended" }, 401: errors[401], 403: errors[403] },
  }),
  async (c) => {
    await deleteUserSessions(c.get("deps").kv, viewer(c).user.id);
    return c.body(null, 204);
  },
);

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/me/password",
    tags: ["Account"],
    summary: "Change your password (ends every session; API tokens keep working)",
    security,
    request: jsonBody(PasswordChangeInput),
    responses: {
      204: { description: "Changed" },
      400: errors[400],
      401: errors[401],
      403: errors[403],
      429: tooManyAttempts,
    },
  }),
  async (c) => {
    const { kv, clock, passwordIterations } = c.get("deps");
    await changePassword(kv, viewer(c).user.id, c.req.valid("json"), {
      now: clock.now(),
      iterations: passwordIterations,
    });
    return c.body(null, 204);
  },
);

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/members",
    tags: ["Team"],
    summary: "Members of your team",
    security,
    responses: { 200: json(z.object({ items: z.array(UserSchema) }), "Members by name"), 401: errors[401] },
  }),
  async (c) => {
    const members = await listMembers(c.get("deps").kv, viewer(c).team.id);
    return c.json({ items: members.map((m) => pick(UserSchema, m)) }, 200);
  },
);

getTeamRecordRoute(
  accountsApi,
  { path: "/members/{id}", tags: ["Team"], summary: "One member", description: "The member" },
  UserSchema,
  getTeamUser,
);

accountsApi.openapi(
  createRoute({
    method: "patch",
    path: "/members/{id}",
    tags: ["Team"],
    summary: "Change a member's role (admins)",
    security,
    request: { params: IdParams, ...jsonBody(RoleInput) },
    responses: { 200: json(UserSchema, "The member"), ...errors },
  }),
  async (c) => {
    const member = await setMemberRole(
      c.get("deps").kv,
      viewer(c).user,
      c.req.valid("param").id,
      c.req.valid("json").role,
    );
    return c.json(pick(UserSchema, member), 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/members/{id}",
    tags: ["Team"],
    summary: "Remove a member from the team (admins)",
    security,
    request: { params: IdParams },
    responses: { 204: { description: "Removed" }, ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    await removeMember(kv, viewer(c).user, c.req.valid("param").id, clock.now());
    return c.body(null, 204);
  },
);

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/invites",
    tags: ["Team"],
    summary: "Open invites (admins)",
    security,
    responses: {
      200: json(z.object({ items: z.array(InviteSchema) }), "Open invites"),
      401: errors[401],
      403: errors[403],
    },
  }),
  async (c) => {
    requireAdmin(c);
    const { kv, clock } = c.get("deps");
    const invites = await listInvites(kv, viewer(c).team.id, clock.now());
    return c.json({ items: invites.map((i) => pick(InviteSchema, i)) }, 200);
  },
);

const CreatedInvite = z.object({
  invite: InviteSchema,
  url: z.string().openapi({ description: "The one-time link; shown only in this response" }),
  emailed: z.boolean().openapi({ description: "The link was emailed to the address; if not, pass it on" }),
}).openapi("CreatedInvite");

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/invites",
    tags: ["Team"],
    summary: "Invite a teammate (admins): emails them the one-time link, and returns it",
    security,
    request: jsonBody(InviteInput),
    responses: { 201: json(CreatedInvite, "The invite and its link"), ...errors },
  }),
  async (c) => {
    const { kv, clock, config, mailer } = c.get("deps");
    const { user, team } = viewer(c);
    const { invite, url, emailed } = await inviteByEmail(
      { kv, mailer, baseUrl: config.baseUrl, from: config.mail.from },
      user,
      team,
      c.req.valid("json"),
      clock.now(),
    );
    return c.json({ invite: pick(InviteSchema, invite), url, emailed }, 201);
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/invites/{id}",
    tags: ["Team"],
    summary: "Revoke an invite (admins)",
    security,
    request: { params: IdParams },
    responses: { 204: { description: "Revoked" }, ...errors },
  }),
  async (c) => {
    await revokeInvite(c.get("deps").kv, viewer(c).user, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/tokens",
    tags: ["Account"],
    summary: "Your API tokens (without their secrets)",
    security,
    responses: { 200: json(z.object({ items: z.array(ApiTokenSchema) }), "Your tokens"), 401: errors[401] },
  }),
  async (c) => {
    const tokens = await listApiTokens(c.get("deps").kv, viewer(c).user);
    return c.json({ items: tokens.map((t) => pick(ApiTokenSchema, t)) }, 200);
  },
);

const CreatedToken = z.object({
  token: ApiTokenSchema,
  secret: z.string().openapi({ description: "Send as `Authorization: Bearer <secret>`; shown only here" }),
}).openapi("CreatedApiToken");

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/tokens",
    tags: ["Account"],
    summary: "Create an API token",
    security,
    request: jsonBody(ApiTokenInput),
    responses: {
      201: json(CreatedToken, "The token and its secret"),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const { token, secret } = await createApiToken(kv, viewer(c).user, c.req.valid("json"), clock.now());
    return c.json({ token: pick(ApiTokenSchema, token), secret }, 201);
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/tokens/{id}",
    tags: ["Account"],
    summary: "Revoke an API token",
    security,
    request: { params: IdParams },
    responses: { 204: { description: "Revoked" }, 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  async (c) => {
    await revokeApiToken(c.get("deps").kv, viewer(c).user, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

const TeamSettingsSchema = z.object({
  followByDefault: z.boolean(),
  businessHours: z.object({
    days: z.array(z.number()),
    start: z.string(),
    end: z.string(),
    closedDates: z.array(z.string()),
  }),
  countProxyOpens: z.boolean(),
  trackingNotice: z.boolean(),
  retentionDays: z.number().nullable(),
}).openapi("TeamSettings");

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/team/settings",
    tags: ["Team"],
    summary: "Your team's settings",
    security,
    responses: { 200: json(TeamSettingsSchema, "The settings"), 401: errors[401] },
  }),
  (c) => c.json(teamSettings(viewer(c).team), 200),
);

accountsApi.openapi(
  createRoute({
    method: "patch",
    path: "/team/settings",
    tags: ["Team"],
    summary: "Change team settings (admins)",
    security,
    request: jsonBody(TeamSettingsInput),
    responses: { 200: json(TeamSettingsSchema, "The settings"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const settings = await updateTeamSettings(deps.kv, viewer(c).user, c.req.valid("json"));
    await scheduleRetention(deps, viewer(c).team.id);
    return c.json(settings, 200);
  },
);
