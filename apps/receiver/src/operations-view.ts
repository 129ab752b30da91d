// The operations view: deliveries per minute by outcome for each ingest replica, deliveries processed and the
// processing lag for each worker, and the queue depth, as inline SVG charts (no script, nothing from elsewhere).
import { escapeHtml } from "./html.js";
import type { Operations, OperationsMinute } from "./read-side.js";

const colours: Record<string, string> = {
  accepted: "#2f9e62",
  duplicate: "#7aa6d8",
  quarantined: "#d9822b",
  unknown: "#c9b037",
  rejected: "#b54848",
  unavailable: "#6b2d7a",
  processed: "#2f6fd0",
};
const colourOf = (outcome: string) => colours[outcome] ?? "#888";

/** Minutes from `first` to `last` inclusive (`2026-12-03T08:15` strings). */
function minutesBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}Z`); t <= Date.parse(`${last}Z`); t += 60_000)
    out.push(new Date(t).toISOString().slice(0, 16));
  return out;
}

const width = 520;
const height = 140;
const left = 44;
const bottom = 18;

function axes(max: number, unit: string, minutes: string[]): string {
  const labels = [0, Math.ceil(minutes.length / 2) - 1, minutes.length - 1]
    .filter((i, n, all) => i >= 0 && all.indexOf(i) === n)
    .map((i) => {
      const x = left + ((i + 0.5) * (width - left)) / minutes.length;
      return `<text x="${x.toFixed(1)}" y="${height - 4}" text-anchor="middle">${escapeHtml(minutes[i]?.slice(11))}</text>`;
    })
    .join("");
  return `<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#c8ccd4"/>
<text x="${left - 4}" y="12" text-anchor="end">${Math.round(max)}</text><text x="${left - 4}" y="${height - bottom}" text-anchor="end">0</text>
<text x="${left - 4}" y="26" text-anchor="end" class="unit">${escapeHtml(unit)}</text>${labels}`;
}

/** Stacked bars: one bar per minute, one segment per outcome. */
export function stackedBars(title: string, rows: OperationsMinute[], minutes: string[]): string {
  const byMinute = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const m = byMinute.get(r.minute) ?? new Map<string, number>();
    m.set(r.outcome, (m.get(r.outcome) ?? 0) + r.count);
    byMinute.set(r.minute, m);
  }
  const outcomes = [...new Set(rows.map((r) => r.outcome))].sort();
  const max = Math.max(1, ...[...byMinute.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0)));
  const slot = (width - left) / minutes.length;
  const bars = minutes
    .map((minute, i) => {
      let y = height - bottom;
      return outcomes
        .map((outcome) => {
          const n = byMinute.get(minute)?.get(outcome) ?? 0;
          if (n === 0) return "";
          const h = (n / max) * (height - bottom - 6);
          y -= h;
          return `<rect x="${(left + i * slot + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colourOf(outcome)}"><title>${escapeHtml(minute)} ${escapeHtml(outcome)}: ${n}</title></rect>`;
        })
        .join("");
    })
    .join("");
  const legend = outcomes
    .map((o) => `<span class="key"><i style="background:${colourOf(o)}"></i>${escapeHtml(o)}</span>`)
    .join(" ");
  return `<figure><figcaption>${escapeHtml(title)} ${legend}</figcaption><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">${axes(max, "per min", minutes)}${bars}</svg></figure>`;
}

/** A line of one value per minute (gaps where there is none), with a dashed target line. */
export function lineChart(
  title: string,
  points: Map<string, number>,
  minutes: string[],
  unit: string,
  target?: number,
): string {
  const max = Math.max(1, target ?? 0, ...points.values());
  const slot = (width - left) / minutes.length;
  const y = (v: number) => height - bottom - (v / max) * (height - bottom - 6);
  const dots = minutes
    .map((minute, i) => {
      const v = points.get(minute);
      if (v === undefined) return "";
      return `<circle cx="${(left + (i + 0.5) * slot).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="#2f6fd0"><title>${escapeHtml(minute)}: ${Math.round(v)} ${escapeHtml(unit)}</title></circle>`;
    })
    .join("");
  const path = minutes
    .map((minute, i) => [i, points.get(minute)] as const)
    .filter((p): p is readonly [number, number] => p[1] !== undefined)
    .map(([i, v], n) => `${n === 0 ? "M" : "L"}${(left + (i + 0.5) * slot).toFixed(1)},${y(v).toFixed(1)}`)
    .join(" ");
  const goal =
    target === undefined
      ? ""
      : `<line x1="${left}" x2="${width}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}" stroke="#b54848" stroke-dasharray="4 3"><title>target ${target} ${escapeHtml(unit)}</title></line>`;
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">${axes(max, unit, minutes)}${goal}<path d="${path}" fill="none" stroke="#2f6fd0" stroke-width="2"/>${dots}</svg></figure>`;
}

export function renderOperationsBody(ops: Operations, now = new Date()): string {
  const last = now.toISOString().slice(0, 16);
  const first = new Date(now.getTime() - 29 * 60_000).toISOString().slice(0, 16);
  const minutes = minutesBetween(first, last);
  const processes = [...new Set(ops.minutes.map((m) => `${m.role}\u0000${m.process}`))].sort();
  const sections = processes.map((key) => {
    const [role, process] = key.split("\u0000") as [string, string];
    const rows = ops.minutes.filter((m) => m.role === role && m.process === process);
    if (role === "ingest")
      return `<section><h3>ingest ${escapeHtml(process)}</h3>${stackedBars("Deliveries per minute by outcome", rows, minutes)}</section>`;
    const lag = new Map(
      rows
        .filter((r) => r.outcome === "processed" && r.lagP99Ms !== null)
        .map((r) => [r.minute, r.lagP99Ms as number]),
    );
    return `<section><h3>worker ${escapeHtml(process)}</h3>${stackedBars("Deliveries processed per minute", rows, minutes)}${lineChart("Processing lag, p99 per minute (2xx → meeting updated)", lag, minutes, "ms", 1000)}</section>`;
  });
  return `<p class="big"><span>queue depth <strong>${ops.queueDepth}</strong></span> <span>running now <strong>${ops.running}</strong></span> <span class="muted">the last 30 minutes, UTC</span></p>
${sections.join("") || '<p class="muted">Nothing recorded in the last 30 minutes.</p>'}`;
}
