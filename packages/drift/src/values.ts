// What may be said about a captured value without repeating it: its JSON type, the format a string has, and whether a
// string is a code (a status, an error code, an event name) that a contract lists, or data that must stay redacted.
import { isDate, isDateTime, isUri, isUuid } from "@meeting-webhooks/specs/formats";

export type JsonType = "null" | "boolean" | "integer" | "number" | "string" | "array" | "object";

export function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    case "string":
      return "string";
    default:
      return "object";
  }
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The format a string has, as the contracts name formats, or undefined. Never the string itself. */
export function stringFormat(value: string): string | undefined {
  if (isDateTime(value)) return "date-time";
  if (isDate(value)) return "date";
  if (isUuid(value)) return "uuid";
  if (emailPattern.test(value)) return "email";
  if (isUri(value)) return "uri";
  return undefined;
}

/** `string (date-time)`, `integer`, …: how a value is described in reports. */
export function typeLabel(value: unknown): string {
  const type = jsonType(value);
  if (type !== "string") return type;
  const format = stringFormat(value as string);
  return format ? `string (${format})` : "string";
}

/**
 * A code is what an open or closed list of a contract holds: short, no spaces, no `@`, no `/`, not a UUID. Only codes
 * are ever repeated in a report or a proposal (they are the news); every other string is personal or secret data
 * until proven otherwise (names, emails, URLs with tokens, transcript text).
 */
export function isCode(value: unknown): value is string {
  return (
    typeof value === "string" &&
    /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/.test(value) &&
    stringFormat(value) === undefined
  );
}

/** How a value that is not a code is shown: its type and size only. */
export function redacted(value: unknown): string {
  return typeof value === "string"
    ? `<redacted string, ${[...value].length} characters>`
    : `<${jsonType(value)}>`;
}
