import { useEffect, useState } from "preact/hooks";
import { currentZoneName } from "../lib/time/zones.ts";

interface Props {
  name: string;
  value: string;
  /**
   * "hidden": fill from the browser silently (sign-up). "own": the user's own zone, a picker with the
   * browser's zone suggested. "select": someone else's (a contact's), a picker with no suggestion — the
   * browser's zone is the seller's, not theirs — that may be left unset.
   */
  mode: "hidden" | "own" | "select";
  zones?: string[];
  label?: string;
  error?: string;
}

function browserZone(): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone ? currentZoneName(zone) : null;
  } catch {
    return null;
  }
}

/** A time zone input; the user's own defaults from the browser. Works without JS (server value stays). */
export default function TimeZoneField({ name, value, mode, zones = [], label, error }: Props) {
  // A zone saved under its old name is shown under the current one, which the list has.
  const [zone, setZone] = useState(currentZoneName(value));
  const [detected, setDetected] = useState<string | null>(null);

  useEffect(() => {
    if (mode === "select") return;
    const found = browserZone();
    setDetected(found);
    if (mode === "hidden" && found) setZone(found);
  }, []);

  if (mode === "hidden") return <input type="hidden" name={name} value={zone} />;

  const id = `f-${name}`;
  // A zone the list doesn't name (a legacy one like "EST", set through the API) is kept, not saved over as none.
  const options = zone && !zones.includes(zone) ? [...zones, zone] : zones;
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>
        {label ?? "Time zone"}
        {mode === "select" && <span class="optional">optional</span>}
      </label>
      <select id={id} name={name} value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
        {options.map((z) => (
          <option value={z} selected={z === zone}>{z ? z.replaceAll("_", " ") : "Not set"}</option>
        ))}
      </select>
      {detected && detected !== zone && (
        <p class="hint">
          This browser is in {detected.replaceAll("_", " ")}.{" "}
          <button type="button" class="link-button" onClick={() => setZone(detected)}>Use it</button>
        </p>
      )}
      {error && <p class="error-text">{error}</p>}
    </div>
  );
}
