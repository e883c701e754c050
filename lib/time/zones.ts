/** IANA time zone helpers. Pure. */

const cache = new Map<string, string | null>();

/** The canonical name of an IANA zone ("utc" → "UTC"), or null when it is not one. */
export function canonicalTimeZone(value: string): string | null {
  if (!value || value.length > 64) return null;
  if (cache.has(value)) return cache.get(value)!;
  let zone: string | null = null;
  try {
    // Temporal keeps the name as given (Asia/Kolkata stays Asia/Kolkata) with its case fixed.
    zone = Temporal.Now.zonedDateTimeISO(value).timeZoneId;
    // Offsets like "+05:00" are valid in Temporal but are not places; Beacon wants places.
    if (/^[+-]/.test(zone)) zone = null;
  } catch {
    zone = null;
  }
  cache.set(value, zone);
  return zone;
}

/** All zones for pickers, with UTC first. */
export function timeZoneNames(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
}

/** "Lisbon" from "Europe/Lisbon", "Port of Spain" from "America/Port_of_Spain". */
export function cityOf(zone: string): string {
  return zone.split("/").pop()!.replaceAll("_", " ");
}
