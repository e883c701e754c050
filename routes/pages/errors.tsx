import type { Context } from "hono";
import { EmptyState } from "../../components/ui.tsx";
import type { AppEnv } from "../deps.ts";
import { render } from "../render.tsx";

const TITLES: Record<number, string> = {
  400: "That did not work",
  403: "Not allowed",
  404: "Page not found",
  409: "Something changed",
  413: "Too large",
  429: "Slow down",
  500: "Something went wrong",
};

/** The page shown for an error outside a form: what happened and a way back. */
export function renderErrorPage(c: Context<AppEnv>, status: number, message: string) {
  const title = TITLES[status] ?? "Something went wrong";
  return render(
    c,
    {
      title,
      layout: c.get("user") ? "app" : "auth",
      status: ([400, 403, 404, 409, 429, 500].includes(status) ? status : 500) as 400,
    },
    <EmptyState
      icon="x"
      title={title}
      action={<a class="button button-secondary" href="/">Go to Activity</a>}
    >
      {message}
    </EmptyState>,
  );
}
