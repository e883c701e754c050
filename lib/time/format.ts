/** Times as people read them, in a given zone. Pure; runs on the server and in islands. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = zone + JSON.stringify(options);
  let f = formatters.get(key);
  if (!f) formatters.set(key, f = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: zone }));
  return f;
}

function parts(ms: number, zone: string): Record<string, string> {
  const out: Record<string, string> = {};
  const f = formatter(zone, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  for (const part of f.formatToParts(ms)) out[part.type] = part.value;
  return out;
}

/** "Tue 3 Mar, 09:10" (the year only when it is not the current one). */
export function formatDateTime(ms: number, zone: string, now = Date.now()): string {
  const p = parts(ms, zone);
  const year = p.year === parts(now, zone).year ? "" : ` ${p.year}`;
  return `${p.weekday} ${p.day} ${p.month}${year}, ${p.hour}:${p.minute}`;
}

/** "Tue 09:10" */
export function formatWeekdayTime(ms: number, zone: string): string {
  const p = parts(ms, zone);
  return `${p.weekday} ${p.hour}:${p.minute}`;
}

/** "09:10" */
export function formatTime(ms: number, zone: string): string {
  return formatter(zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
}

/**
 * Someone else's clock time, shown beside the same instant in the viewer's zone: "15:38" when it is the same
 * date for both, "Tue 05:00" when their date differs (Monday evening in Lisbon is Tuesday morning in Tokyo).
 */
export function formatTimeBeside(ms: number, zone: string, viewerZone: string): string {
  return formatDate(ms, zone) === formatDate(ms, viewerZone)
    ? formatTime(ms, zone)
    : formatWeekdayTime(ms, zone);
}

/** "3 Mar 2026" */
export function formatDate(ms: number, zone: string): string {
  return formatter(zone, { day: "numeric", month: "short", year: "numeric" }).format(ms);
}

/** "just now", "5 minutes ago", "yesterday", "3 days ago", "in 2 hours". */
export function formatRelative(ms: number, now: number, zone: string): string {
  const diff = ms - now;
  const past = diff <= 0;
  const abs = Math.abs(diff);
  const minute = 60_000, hour = 3_600_000;
  if (abs < 45_000) return past ? "just now" : "in a moment";
  const say = (n: number, unit: string) => {
    const text = `${n} ${unit}${n === 1 ? "" : "s"}`;
    return past ? `${text} ago` : `in ${text}`;
  };
  if (abs < hour) return say(Math.round(abs / minute), "minute");
  if (abs < 20 * hour) return say(Math.round(abs / hour), "hour");
  const days = calendarDaysBetween(now, ms, zone);
  if (days === -1) return "yesterday";
  if (days === 1) return "tomorrow";
  if (Math.abs(days) < 7) return say(Math.abs(days), "day");
  return formatDate(ms, zone);
}

function calendarDaysBetween(from: number, to: number, zone: string): number {
  const day = (ms: number) => {
    const [y, m, d] = formatter(zone, { year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(ms).filter((p) => p.type !== "literal").map((p) => Number(p.value));
    // en-GB order is day, month, year
    return Date.UTC(d, m - 1, y) / 86_400_000;
  };
  return Math.round(day(to) - day(from));
}

/** "45 seconds", "12 minutes", "2 h 5 min", "3 days". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} seconds`;
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
