// The payloads the conformance scenarios need beyond the examples and the factories: people named in many scripts,
// a 1,000-person meeting, a new event inside a well-formed envelope, a field of the wrong type. Each is built from a
// factory, so it is valid against the contract except where a scenario breaks it on purpose.
import { meetingbaas } from "../factories/index.js";
import type { FactoryOptions } from "../factories/options.js";

/**
 * Names as meeting platforms show them: Latin with diacritics, CJK, Arabic and Hebrew (right to left), Devanagari,
 * Greek, Cyrillic, Hangul, an emoji with a skin tone and a zero-width joiner, a combining mark (e + U+0301).
 */
export const unicodeNames = [
  "José Müller-Łukasiewicz",
  "山田 太郎",
  "محمد الأحمد",
  "Ελένη Παπαδοπούλου",
  "अनन्या शर्मा",
  "Nguyễn Thị Thu Hà",
  "👩🏽‍💻 Dana Ng",
  "Zoë Ðurić",
  "Noe\u0301mie Faure",
  "Ольга Смирнова",
  "김민준",
  "שרה לוי",
] as const;

/** A line of text with every script above and a U+2028 line separator, which JSON allows raw in a string. */
export const unicodeText = `Notes\u2028${unicodeNames.join(" · ")} ✅`;

/**
 * The body of `payload` with one non-ASCII character written as a JSON `\u` escape, as some serialisers send it: the
 * same value, other bytes, so an endpoint that re-serialises before verifying computes another signature.
 */
export function withEscapedCharacter(payload: unknown): string {
  return JSON.stringify(payload).replace("ë", "\\u00eb");
}

/** People with the names above, as `participants` and `speakers` of a bot.completed. */
export function peopleNamed(names: readonly string[], firstId: number) {
  return names.map((name, i) => ({ name, id: firstId + i }));
}

/** How many people the largest meeting has: a stand-in, since neither provider documents a size limit. */
export const largestMeetingSize = 1000;

/** A bot.completed of a `largestMeetingSize`-person meeting; everyone spoke and has a display name and a picture. */
export function largestBotCompleted(options: FactoryOptions) {
  const people = Array.from({ length: largestMeetingSize }, (_, i) => {
    const name = `${unicodeNames[i % unicodeNames.length]} ${i + 1}`;
    return {
      name,
      id: 100_000 + i,
      display_name: `${name} (guest)`,
      profile_picture: `https://profile-pictures.example.invalid/${(i + 1).toString(16).padStart(8, "0")}.png`,
    };
  });
  return meetingbaas.botCompleted({ data: { participants: people, speakers: people } }, options);
}

const unicodeTextPoints = Array.from(unicodeText);

/** A calendar event title of 16,000 characters (code points, none cut in half) in several scripts. */
export const longSummary = Array.from(
  { length: 16_000 },
  (_, i) => unicodeTextPoints[i % unicodeTextPoints.length],
).join("");

/**
 * A webhook Meeting BaaS names in its guides with a prose payload but that no schema of the contract has, so a
 * receiver gets it as an unknown event (specs/README.md, "calendar.connection_error"). The values are the guide's.
 */
export function calendarConnectionError(calendarId: string) {
  return {
    event: "calendar.connection_error",
    data: {
      calendar_id: calendarId,
      platform: "google",
      error: "OAuth token refresh failed",
      status: "error",
    },
  };
}
