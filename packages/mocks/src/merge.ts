// Deep-partial overrides for fixtures: objects merge key by key, everything else (arrays, null, scalars) replaces.

/** What a fixture factory accepts as overrides: any part of the payload, at any depth. Arrays are replaced whole. */
export type DeepPartial<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends readonly unknown[]
    ? T
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `base` with `overrides` applied: nested objects merge, arrays and scalars replace, `undefined` leaves the base
 * value alone (so `{ ...spread }` of optional values is harmless). Neither argument is modified.
 */
export function deepMerge<T>(base: T, overrides: DeepPartial<NoInfer<T>> | undefined): T {
  if (overrides === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    out[key] = key in base ? deepMerge(base[key], value as never) : value;
  }
  return out as T;
}
