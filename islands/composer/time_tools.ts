/**
 * The scheduling helpers islands need to pick a time (quick choices, datetime-local in the seller's zone),
 * loaded on first use. They need Temporal, and the polyfill is about 20 KB gzipped: pages load it only when
 * a time picker opens, never at start-up. The polyfill installs itself only when the browser has no Temporal.
 */
export type TimeTools = typeof import("../../lib/scheduling/quick.ts");

let loading: Promise<TimeTools> | null = null;

export function loadTimeTools(): Promise<TimeTools> {
  loading ??= import("temporal-polyfill/global")
    .then(() => import("../../lib/scheduling/quick.ts"))
    .catch((error) => {
      loading = null; // a failed chunk load (offline) can be retried
      throw error;
    });
  return loading;
}
