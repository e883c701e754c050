/**
 * The `Temporal` this area computes with.
 *
 * Deno 2.9 has `Temporal` as a global, so the server needs nothing. Browsers may not: an island that uses
 * `lib/scheduling/` must load the polyfill's global build first, before anything from this folder runs:
 *
 * ```ts
 * import "temporal-polyfill/global"; // installs globalThis.Temporal only when the browser has none
 * import { describeChoice } from "../lib/scheduling/advice.ts";
 * ```
 *
 * The namespace is looked up on each call rather than once at import, so module evaluation order inside a
 * bundle (shared chunks) cannot capture `undefined` before the polyfill has been installed.
 */

type TemporalNamespace = typeof Temporal;

/** The global `Temporal` namespace; throws a clear error when neither the runtime nor a polyfill gave one. */
export function temporal(): TemporalNamespace {
  const found = (globalThis as { Temporal?: TemporalNamespace }).Temporal;
  if (found === undefined) {
    throw new Error(
      'Temporal is not available. In browser code, import "temporal-polyfill/global" before lib/scheduling/.',
    );
  }
  return found;
}

/** The instant `ms` (epoch milliseconds) seen in `zone`. Throws a RangeError for an unknown zone. */
export function zoned(ms: number, zone: string): Temporal.ZonedDateTime {
  return temporal().Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
}

/** True when `zone` is a time zone Temporal knows. */
export function isKnownZone(zone: string): boolean {
  try {
    zoned(0, zone);
    return true;
  } catch {
    return false;
  }
}
