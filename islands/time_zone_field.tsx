import { useEffect, useState } from "preact/hooks";

interface Props {
  name: string;
  value: string;
  /** "hidden": fill from the browser silently (sign-up). "select": a picker with a browser suggestion. */
  mode: "hidden" | "select";
  zones?: string[];
  label?: string;
  error?: string;
}

function browserZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    return null;
  }
}

/** A time zone input that defaults from the browser. Works without JS (server value stays). */
export default function TimeZoneField({ name, value, mode, zones = [], label, error }: Props) {
  const [zone, setZone] = useState(value);
  const [detected, setDetected] = useState<string | null>(null);

  useEffect(() => {
    const found = browserZone();
    setDetected(found);
    if (mode === "hidden" && found) setZone(found);
  }, []);

  if (mode === "hidden") return <input type="hidden" name={name} value={zone} />;

  const id = `f-${name}`;
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>{label ?? "Time zone"}</label>
      <select id={id} name={name} value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
        {zones.map((z) => (
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
