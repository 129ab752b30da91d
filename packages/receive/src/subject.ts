// What deliveries of one meeting share, so that a queue runs them in order and never two at once: the one rule, used
// by the delivery keys of deliveries without a provider id, by `@meeting-webhooks/inbox` and by receivers.
import type { Provider } from "@meeting-webhooks/types";

/** Longer ids are not ids: a body that puts a megabyte in `bot_id` gets no subject rather than a huge key. */
const longestId = 200;

function idAt(payload: unknown, outer: string, inner: string): string | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const value = (payload as Record<string, unknown>)[outer];
  const id =
    typeof value === "object" && value !== null ? (value as Record<string, unknown>)[inner] : undefined;
  return typeof id === "string" && id.length > 0 && id.length <= longestId ? id : undefined;
}

/** Where a provider's payloads name what orders them: each a path of two keys to a string id. */
interface SubjectRule {
  /** The meeting (meeting agent, bot) a payload is about. */
  meeting: readonly [string, string];
  /** For `calendar.*` events that name no meeting: the calendar whose events they change, in order. */
  calendar?: readonly [string, string];
}

/** One entry per provider: a `Record` over `Provider`, so a provider without its rule is a type error. */
const subjectRules: { readonly [P in Provider]: SubjectRule } = {
  cronofy: { meeting: ["meeting_agent", "sub"] },
  meetingbaas: { meeting: ["data", "bot_id"], calendar: ["data", "calendar_id"] },
};

/** The meeting a payload is about: Cronofy's `meeting_agent.sub`, Meeting BaaS's `data.bot_id`. */
export function meetingIdOf(provider: Provider, payload: unknown): string | undefined {
  const [outer, inner] = subjectRules[provider].meeting;
  return idAt(payload, outer, inner);
}

/**
 * What deliveries of one meeting share: `cronofy:<meeting agent sub>`, `meetingbaas:<bot_id>`, and for Meeting
 * BaaS calendar events `meetingbaas:calendar:<calendar_id>` (a calendar's events change one calendar, in order);
 * null when the payload names none (such deliveries have no order to keep). Takes an event, or a contract refusal
 * (`envelope`/`schema`), whose payload is read as it came.
 */
export function subjectOf(delivery: { provider: Provider; payload: unknown }): string | null {
  const { provider, payload } = delivery;
  const meeting = meetingIdOf(provider, payload);
  if (meeting !== undefined) return `${provider}:${meeting}`;
  const path = subjectRules[provider].calendar;
  if (path === undefined) return null;
  const event = (payload as { event?: unknown } | null)?.event;
  const calendar = idAt(payload, path[0], path[1]);
  return typeof event === "string" && event.startsWith("calendar.") && calendar !== undefined
    ? `${provider}:calendar:${calendar}`
    : null;
}
