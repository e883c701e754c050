/** Every KV key of the templates area, written once. All begin with the team. */
const t = (teamId: string) => ["team", teamId] as const;

export const templateKeys = {
  /** The template: its current version's name and subject, scope, lock, archive state. */
  template: (teamId: string, id?: string) => id ? [...t(teamId), "template", id] : [...t(teamId), "template"],
  /** One record per version (name, subject, who and when); old versions stay readable. */
  version: (teamId: string, id: string, version?: number) =>
    version === undefined
      ? [...t(teamId), "template_version", id]
      : [...t(teamId), "template_version", id, version],
  /** A version's sanitized HTML body, in chunks (lib/storage/chunks.ts). */
  body: (teamId: string, id: string, version: number) => [...t(teamId), "template_body", id, version],
  /** List order: by name, then id. */
  byName: (teamId: string, sortName?: string, id?: string) =>
    sortName === undefined
      ? [...t(teamId), "template_by_name"]
      : [...t(teamId), "template_by_name", sortName, id!],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
