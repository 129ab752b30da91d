// What every fixture factory accepts besides overrides, and the time arithmetic they share.
import { createRandom, type Random, type Seed } from "../random.js";

export interface FactoryOptions {
  /** Same seed, same fixture (default 1). Different seeds give different ids, people and times. */
  seed?: Seed;
  /**
   * When the delivery is sent, in ms since the epoch or as a Date. The default is a fixed instant
   * (2026-11-24T16:00:00Z) so that fixtures are reproducible; give `Date.now()` to send one to a live receiver.
   */
  now?: number | Date;
}

/** The default "now" of every fixture: fixed, so a seed alone decides the output. */
export const defaultFixtureTime = Date.UTC(2026, 10, 24, 16, 0, 0);

export function nowOf(options: FactoryOptions | undefined): number {
  const now = options?.now;
  if (now === undefined) return defaultFixtureTime;
  return typeof now === "number" ? now : now.getTime();
}

export function randomOf(options: FactoryOptions | undefined, label: string): Random {
  return createRandom(`${label}:${options?.seed ?? 1}`);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2026-11-24T15:30:00Z`: whole seconds, as calendars write them. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** `20261124T155948Z`, the form of `X-Amz-Date`. */
export function amzDate(ms: number): string {
  return isoSeconds(ms).replace(/[-:]/g, "");
}

/** Rounded down to the quarter hour, where meetings start. */
export function quarterHourBefore(ms: number): number {
  return Math.floor(ms / 900_000) * 900_000;
}
