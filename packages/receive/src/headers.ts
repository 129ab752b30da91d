// Headers as every framework hands them over: a fetch `Headers`, Node's `IncomingHttpHeaders`, or a plain record.

export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The header's value, case-insensitively; repeated headers are joined with `, ` as HTTP allows. */
export function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lower = name.toLowerCase();
  let value = record[lower] ?? record[name];
  if (value === undefined) {
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(", ");
}

export type Body = Uint8Array | string;

/** The body's bytes without copying; a string is taken as the UTF-8 text received. */
export function bodyBytes(body: Body): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
