/* biome-ignore-all lint/suspicious/noExplicitAny: the meeting is the JSON the API serves, read as such */
// The dashboard: server-rendered HTML, no script, no external asset. Meetings with status, provider, duration,
// timeline and transcript; the deliveries log with quarantined and unknown ones.

import { isProvider } from "@meeting-webhooks/specs/providers";
import { driftSummary } from "./drift.js";
import { escapeHtml } from "./html.js";
import { renderOperationsBody } from "./operations-view.js";
import { moduleOf } from "./providers/index.js";
import type { ReadSide } from "./read-side.js";
import { retentionSentence } from "./retention.js";

export { escapeHtml };

function duration(seconds: unknown): string {
  if (typeof seconds !== "number") return "–";
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds % 60)} s`;
}

const style = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top}th{background:#f5f6f8}
.status{display:inline-block;padding:0 .45rem;border-radius:.6rem;background:#e8ecf5}.completed{background:#dcf5e3}
.failed,.quarantined{background:#fde2e1}.unknown{background:#fff3cd}code{font-size:12px}a{color:#2453c6}
.muted{color:#667085}.transcript p{margin:.25rem 0}
section{display:inline-block;vertical-align:top;margin:0 1.5rem 1rem 0}figure{margin:.5rem 0}figcaption{font-size:12px;color:#475467}
svg{width:520px;max-width:100%;height:auto;font-size:10px;fill:#667085}.key{margin-left:.5rem}
.key i{display:inline-block;width:.7rem;height:.7rem;margin-right:.2rem;vertical-align:-1px}.big span{margin-right:1.5rem}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:">
<link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${style}</style></head><body>${body}</body></html>`;
}

/**
 * What an expired artifact URL calls for: the provider module's advice (where fresh URLs come from is provider
 * knowledge), its `code` spans shown as code. A row stored under a provider this receiver no longer knows gets the
 * general case.
 */
export function freshUrlsAdviceHtml(provider: unknown): string {
  const advice = isProvider(provider)
    ? moduleOf(provider).freshUrlsAdvice
    : "An artifact URL expired: the provider must send fresh URLs.";
  return escapeHtml(advice).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function badge(status: unknown): string {
  return `<span class="status ${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

const findingLabels: Record<string, string> = {
  "unknown-property": "new property",
  "open-list-value": "new value",
  "closed-list-value": "value outside a closed list",
  "required-missing": "missing",
  "type-mismatch": "other type",
  "format-mismatch": "other format",
  "constraint-mismatch": "outside a bound",
  "unknown-event": "new event",
};

/** Drift in the last days: which events changed, since when, how often. */
async function driftSection(storage: ReadSide, days: number): Promise<string> {
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const summary = await driftSummary(storage, { since });
  const rows = summary.events
    .map((event) => {
      const findings = event.findings
        .map((f) => {
          const values = f.values.length
            ? ` ${f.values.map((v) => `<code>${escapeHtml(v)}</code>`).join(", ")}`
            : "";
          const where = f.paths
            .filter(Boolean)
            .map((p) => `<code>${escapeHtml(p)}</code>`)
            .join(", ");
          return `${escapeHtml(findingLabels[f.kind] ?? f.kind)}${values}${where ? ` at ${where}` : ""} <span class="muted">×${f.deliveries}</span>`;
        })
        .join("<br>");
      return `<tr><td><code>${escapeHtml(event.event)}</code></td><td>${escapeHtml(event.provider)}</td><td>${findings}</td>
<td>${event.deliveries}</td><td class="muted">${escapeHtml(event.firstSeen ?? "–")}</td><td class="muted">${escapeHtml(event.lastSeen ?? "–")}</td></tr>`;
    })
    .join("");
  return `<h2 id="drift">Drift</h2>
<p class="muted">What the deliveries of the last ${days} days have that the contracts do not know (<a href="/api/drift">/api/drift</a>). <code>npx meeting-webhooks drift --provider &lt;provider&gt; &lt;database&gt;</code> proposes the change of the specs.</p>
${rows ? `<table><thead><tr><th>event</th><th>provider</th><th>what is new</th><th>deliveries</th><th>since</th><th>last seen</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">No drift: the contracts know every delivery.</p>'}`;
}

export async function renderDashboard(
  storage: ReadSide,
  docs: boolean,
  retentionDays?: number,
): Promise<string> {
  const meetings = await storage.listMeetings({ limit: 100 });
  const deliveries = await storage.listDeliveries({ limit: 100 });
  const rejected = await storage.refusals();
  const meetingRows = meetings
    .map(
      (
        m,
      ) => `<tr><td><a href="/meetings/${m.id}">${escapeHtml(m.title ?? m.externalId)}</a></td><td>${escapeHtml(m.provider)}</td>
<td>${badge(m.status)}${m.needsRetryCallback ? ' <span class="muted">needs fresh URLs</span>' : ""}</td>
<td>${duration(m.durationSeconds)}</td><td class="muted">${escapeHtml(m.updatedAt)}</td></tr>`,
    )
    .join("");
  const deliveryRows = deliveries
    .map(
      (
        d,
      ) => `<tr><td>${d.id}</td><td>${escapeHtml(d.provider)} ${escapeHtml(d.channel)}</td><td>${escapeHtml(d.event ?? "–")}</td>
<td>${badge(d.state)}${d.status === "accepted" ? "" : ` ${badge(d.status)}`}${d.attempts > 1 ? ` <span class="muted">${d.attempts} runs</span>` : ""}${d.lastError ? ` <span class="muted">${escapeHtml(d.lastError.split("\n")[0] ?? "")}</span>` : ""}${d.forgotten ? ` <span class="muted">erased (${escapeHtml(d.forgotten.by)})</span>` : ""}</td>
<td>${(d.errors ?? []).map((e: { pointer: string; message: string }) => `<code>${escapeHtml(e.pointer)}</code> ${escapeHtml(e.message)}`).join("<br>")}
${d.drift?.length ? `<span class="muted">drift: ${d.drift.map((e: { pointer: string }) => escapeHtml(e.pointer)).join(", ")}</span>` : ""}</td>
<td class="muted">${escapeHtml(d.receivedAt)}</td></tr>`,
    )
    .join("");
  const rejectedText = Object.entries(rejected)
    .map(([code, n]) => `${escapeHtml(code)}: ${n}`)
    .join(", ");
  return page(
    "meeting-webhooks receiver",
    `<h1>meeting-webhooks receiver</h1>
<p class="muted">API: <a href="/api/meetings">/api/meetings</a> · <a href="/api/deliveries">/api/deliveries</a> · <a href="/api/drift">/api/drift</a> · <a href="/healthz">/healthz</a> · <a href="/operations">operations</a>${docs ? ' · <a href="/docs/">docs</a>' : ""}</p>
<h2>Meetings</h2>
${meetings.length ? `<table><thead><tr><th>meeting</th><th>provider</th><th>status</th><th>duration</th><th>updated</th></tr></thead><tbody>${meetingRows}</tbody></table>` : '<p class="muted">No meetings yet. Send a delivery with <code>npx meeting-webhooks send</code>.</p>'}
<h2>Deliveries</h2>
${retentionDays === undefined ? "" : `<p class="muted" id="retention">${escapeHtml(retentionSentence(retentionDays))}</p>`}
<p class="muted">Refused as not authentic (not stored): ${rejectedText || "none"}</p>
${deliveries.length ? `<table><thead><tr><th>id</th><th>from</th><th>event</th><th>state</th><th>errors / drift</th><th>received</th></tr></thead><tbody>${deliveryRows}</tbody></table>` : '<p class="muted">No deliveries yet.</p>'}
${await driftSection(storage, 7)}`,
  );
}

export async function renderOperationsPage(storage: ReadSide): Promise<string> {
  return page(
    "operations · meeting-webhooks receiver",
    `<p><a href="/">← dashboard</a></p><h1>Operations</h1>${renderOperationsBody(await storage.operations(30))}`,
  );
}

export async function renderMeetingPage(storage: ReadSide, id: number): Promise<string | undefined> {
  if (!Number.isInteger(id) || id < 1) return undefined;
  const m = (await storage.getMeeting(id)) as Record<string, any> | undefined;
  if (!m) return undefined;
  const timeline = (m.timeline as any[])
    .map(
      (t) =>
        `<tr><td class="muted">${escapeHtml(t.at)}</td><td>${badge(t.status)}</td><td>${escapeHtml(t.providerStatus ?? "")}</td><td>${escapeHtml(t.detail ?? "")}</td></tr>`,
    )
    .join("");
  const artifacts = (m.artifacts as any[])
    .map(
      (a) =>
        `<li>${escapeHtml(a.kind)}: ${badge(a.state)} ${a.error ? `<span class="muted">${escapeHtml(a.error)}</span>` : ""}</li>`,
    )
    .join("");
  const transcript = m.transcript
    ? (m.transcript as any[])
        .map(
          (s) =>
            `<p><strong>${escapeHtml(s.speaker)}</strong> <span class="muted">${Number(s.start).toFixed(1)}s</span> ${escapeHtml(s.text)}</p>`,
        )
        .join("")
    : m.transcriptErasedAt
      ? `<p class="muted">Erased by retention on ${escapeHtml(m.transcriptErasedAt)}.</p>`
      : '<p class="muted">No transcript downloaded.</p>';
  return page(
    `${m.title ?? m.externalId} · meeting-webhooks`,
    `<p><a href="/">← all meetings</a></p><h1>${escapeHtml(m.title ?? m.externalId)}</h1>
<p>${badge(m.status)} ${escapeHtml(m.provider)} · <code>${escapeHtml(m.externalId)}</code> · ${duration(m.durationSeconds)}
${m.platform ? ` · ${escapeHtml(m.platform)}` : ""}${m.start ? ` · ${escapeHtml(m.start)}` : ""}</p>
${m.failureReason ? `<p>Failure: ${escapeHtml(m.failureReason)}</p>` : ""}
${m.needsRetryCallback ? `<p>${freshUrlsAdviceHtml(m.provider)}</p>` : ""}
<h2>Timeline</h2><table><tbody>${timeline}</tbody></table>
<h2>Participants</h2><p>${(m.participants as any[]).map((p) => escapeHtml(p.name) + (p.speaker ? " (spoke)" : "")).join(", ") || '<span class="muted">none known</span>'}</p>
<h2>Artifacts</h2><ul>${artifacts || '<li class="muted">none</li>'}</ul>
<h2>Transcript</h2><div class="transcript">${transcript}</div>`,
  );
}
