// The string formats the contracts use, written for speed and shared by the tests and the generated validators so
// both give the same verdicts. Runs anywhere (no Node API): the generated validators import it.
//
// - `uri`: an absolute URL as the WHATWG URL parser (what `fetch` uses) accepts it, with a scheme. A receiver downloads
//   these URLs; whether they parse the way `fetch` parses them is what matters.
// - `date-time`: RFC 3339, any offset (`Z`, `+02:00`, `-05:30`), fractional seconds of any length, real calendar dates.
// - `date`: RFC 3339 full-date. `uuid`: RFC 9562 textual form, any version.

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const uuidPattern = /^(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const schemePattern = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const monthDays = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (monthDays[month] as number));
}

export function isDate(value: string): boolean {
  const m = datePattern.exec(value);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Digits at [start, start + length) as a number, or -1 when any is not a digit. Faster than a capturing regex. */
function digits(value: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

export function isDateTime(value: string): boolean {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  if (value.length < 20 || value[4] !== "-" || value[7] !== "-" || value[13] !== ":" || value[16] !== ":")
    return false;
  const separator = value[10];
  if (separator !== "T" && separator !== "t" && separator !== " ") return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (year < 0 || !validDate(year, month, day) || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return false;
  if (second < 0 || second > 60 || (second === 60 && minute !== 59)) return false;
  let i = 19;
  if (value[i] === ".") {
    i++;
    const fractionStart = i;
    while (i < value.length && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
    if (i === fractionStart) return false;
  }
  const zone = value[i];
  if (zone === "Z" || zone === "z") return i + 1 === value.length;
  if (zone !== "+" && zone !== "-") return false;
  if (i + 6 !== value.length || value[i + 3] !== ":") return false;
  const offsetHour = digits(value, i + 1, 2);
  const offsetMinute = digits(value, i + 4, 2);
  return offsetHour >= 0 && offsetHour <= 23 && offsetMinute >= 0 && offsetMinute <= 59;
}

export function isUri(value: string): boolean {
  return schemePattern.test(value) && URL.canParse(value);
}

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** Ajv format definitions, by name. */
export const formats = {
  date: { type: "string", validate: isDate },
  "date-time": { type: "string", validate: isDateTime },
  uri: { type: "string", validate: isUri },
  uuid: { type: "string", validate: isUuid },
} as const;

/** String length in Unicode code points, as JSON Schema's `minLength`/`maxLength` count. */
export function ucs2length(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}

export default { formats, ucs2length };
