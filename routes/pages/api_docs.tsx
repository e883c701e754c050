/** A readable API reference, rendered on the server from the same OpenAPI document the API serves. */
import { Hono } from "hono";
import { PageHeader } from "../../components/ui.tsx";
import type { AppEnv } from "../deps.ts";
import { render } from "../render.tsx";
import { apiDocument } from "../api/mod.ts";

export const apiDocsPages = new Hono<AppEnv>();

// deno-lint-ignore no-explicit-any
type Json = any;

function schemaName(schema: Json): string {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "array") return `${schemaName(schema.items)}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.enum) return schema.enum.map((v: string) => JSON.stringify(v)).join(" | ");
  return schema.type ?? "object";
}

function SchemaTable({ schema }: { schema: Json }) {
  const props = Object.entries<Json>(schema?.properties ?? {});
  if (!props.length) return <code>{schemaName(schema)}</code>;
  const required = new Set<string>(schema.required ?? []);
  return (
    <table class="table table-compact">
      <thead>
        <tr>
          <th>Field</th>
          <th>Type</th>
          <th>Notes</th>
        </tr>
      </thead>
      <tbody>
        {props.map(([name, p]) => (
          <tr>
            <td>
              <code>{name}</code>
              {required.has(name) && <span class="required-mark" title="required">*</span>}
            </td>
            <td>
              <code>{schemaName(p)}</code>
            </td>
            <td class="muted small">
              {p.description !== undefined
                ? <DocText text={p.description} />
                : p.example !== undefined
                ? `e.g. ${JSON.stringify(p.example)}`
                : ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Text from the OpenAPI document, with its `backticked` parts shown as code. */
function DocText({ text }: { text: string }) {
  return <>{text.split("`").map((part, i) => i % 2 ? <code key={i}>{part}</code> : part)}</>;
}

apiDocsPages.get("/api/docs", (c) => {
  const doc: Json = apiDocument();
  const schemas = doc.components?.schemas ?? {};
  // A named schema is looked up; one made of others (`allOf`: a message's detail is the message and more) is
  // shown as one object with all their fields.
  const resolve = (s: Json): Json => {
    const found = s?.$ref ? schemas[s.$ref.split("/").pop()] : s;
    if (!found?.allOf) return found;
    const parts: Json[] = [...found.allOf.map(resolve), found];
    return {
      type: "object",
      properties: Object.assign({}, ...parts.map((part) => part?.properties ?? {})),
      required: parts.flatMap((part) => part?.required ?? []),
    };
  };
  const byTag = new Map<string, { method: string; path: string; op: Json }[]>();
  for (const [path, ops] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(ops)) {
      const tag = op.tags?.[0] ?? "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  return render(
    c,
    { title: "API reference", layout: c.get("user") ? "app" : "auth" },
    <div class="api-docs">
      <PageHeader
        title="API reference"
        subtitle={
          <>
            Beacon API {doc.info.version}. The machine-readable document is at{" "}
            <a href="/api/openapi.json">/api/openapi.json</a>.
          </>
        }
      />
      <p>
        <DocText text={doc.info.description} />
      </p>
      <nav class="tabs" aria-label="Sections">
        {[...byTag.keys()].map((tag) => <a key={tag} href={`#${tag.toLowerCase()}`}>{tag}</a>)}
      </nav>
      {[...byTag.entries()].map(([tag, ops]) => (
        <section class="card" id={tag.toLowerCase()}>
          <h2 class="card-title">{tag}</h2>
          {ops.map(({ method, path, op }) => {
            const body = resolve(op.requestBody?.content?.["application/json"]?.schema);
            const answers = Object.entries<Json>(op.responses).filter(([code]) => code.startsWith("2"));
            return (
              <article class="endpoint">
                <h3>
                  <span class={`method method-${method}`}>{method.toUpperCase()}</span>{" "}
                  <code>/api{path}</code>
                </h3>
                <p>
                  <DocText text={op.summary} />
                </p>
                {op.description && (
                  <p class="small">
                    <DocText text={op.description} />
                  </p>
                )}
                {op.parameters?.length > 0 && (
                  <p class="small">
                    Parameters: {op.parameters.map((p: Json) => <code key={p.name}>{p.name}</code>).reduce((
                      a: Json,
                      b: Json,
                    ) => [a, ", ", b])}
                  </p>
                )}
                {body && (
                  <details>
                    <summary>Request body</summary>
                    <SchemaTable schema={body} />
                  </details>
                )}
                {answers.map(([code, answer]) => {
                  const schema = resolve(answer.content?.["application/json"]?.schema);
                  return (
                    <details key={code}>
                      <summary>
                        Response {code}
                        {answers.length > 1 && answer.description && (
                          <span class="muted">
                            {" · "}
                            <DocText text={answer.description} />
                          </span>
                        )}
                      </summary>
                      {schema ? <SchemaTable schema={schema} /> : <p class="muted">No content.</p>}
                    </details>
                  );
                })}
                <p class="muted small">
                  Errors:{" "}
                  {Object.keys(op.responses).filter((code) => !code.startsWith("2")).join(", ") || "none"}
                </p>
              </article>
            );
          })}
        </section>
      ))}
    </div>,
  );
});
