/** IANA time zone helpers. Pure. */

const cache = new Map<string, string | null>();

/**
 * Zones IANA has renamed whose old name ICU (V8's Intl, so Deno and Chrome) still lists as the canonical one:
 * pickers and stored values use the current name (Kolkata, not Calcutta; Kyiv, not Kiev).
 */
const RENAMED: Record<string, string> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** A zone's current IANA name ("Asia/Calcutta" → "Asia/Kolkata"); other names as given. */
export function currentZoneName(zone: string): string {
  return RENAMED[zone] ?? zone;
}

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
    else zone = currentZoneName(zone);
  } catch {
    zone = null;
  }
  cache.set(value, zone);
  return zone;
}

/** All zones for pickers, by their current names, with UTC first. */
export function timeZoneNames(): string[] {
  const zones = Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC").map(currentZoneName);
  return ["UTC", ...zones.sort()];
}

/** "Lisbon" from "Europe/Lisbon", "Port of Spain" from "America/Port_of_Spain". */
export function cityOf(zone: string): string {
  return zone.split("/").pop()!.replaceAll("_", " ");
}
