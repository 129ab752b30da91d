// The provider-neutral model: what one delivery says about a meeting (recording), as plain data. Each provider
// module turns its typed events into these facts; the projection applies them.
import type { ArtifactName } from "@meeting-webhooks/receive/validate";
import type { Provider } from "@meeting-webhooks/types";

export interface MeetingFacts {
  provider: Provider;
  externalId: string;
  calendarEventId?: string | null;
  title?: string | null;
  start?: string | null;
  end?: string | null;
  joinUrl?: string | null;
  platform?: string | null;
  durationSeconds?: number | null;
  failureReason?: string | null;
}

export interface TimelineEntry {
  at: string;
  status: string;
  providerStatus: string;
  detail: string | null;
}

/** The artifact contract a download follows (`<provider>/<artifact>`); each provider module lists its own. */
export type Download = ArtifactName;

export interface ArtifactFact {
  kind: string;
  url: string;
  /** Download and check it against this artifact contract, into the neutral transcript; null: a link only. */
  download: Download | null;
}

export interface CalendarEventFact {
  eventId: string;
  title: string | null;
  start: string | null;
  end: string | null;
  joinUrl: string | null;
  platform: string | null;
  status: string | null;
}

export interface Normalised {
  meeting?: MeetingFacts;
  timeline?: TimelineEntry;
  participants?: { name: string; speaker: boolean }[];
  artifacts?: ArtifactFact[];
  calendarEvents?: CalendarEventFact[];
}

export interface TranscriptSegment {
  speaker: string;
  start: number;
  end: number;
  text: string;
}
