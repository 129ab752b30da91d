// Placeholders for statements whose length follows a batch: `list(3, 2)` is `$3, $4`.

/** `count` placeholders from `$first` on, comma-separated: an IN list or one row of VALUES. */
export function list(first: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${first + i}`).join(", ");
}

/** `rows` rows of `width` placeholders each, from `$first` on, with `extra` appended to each row (`, <now>`). */
export function rowsOf(first: number, rows: number, width: number, extra = ""): string {
  return Array.from({ length: rows }, (_, row) => `(${list(first + row * width, width)}${extra})`).join(", ");
}
