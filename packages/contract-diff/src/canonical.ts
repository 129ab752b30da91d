// A canonical text for a resolved JSON value: object keys sorted, cycles written as a back-reference to the
// enclosing node they return to. Two schemas are the same schema exactly when their canonical texts are equal,
// whichever files they were written in and however their `$ref`s were arranged.

export function canonical(value: unknown): string {
  return write(value, []);
}

function write(value: unknown, stack: object[]): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  const back = stack.indexOf(value);
  if (back !== -1) return `{"$cycle":${stack.length - back}}`;
  stack.push(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => write(item, stack)).join(",")}]`;
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], stack)}`);
    return `{${entries.join(",")}}`;
  } finally {
    stack.pop();
  }
}

const ids = new WeakMap<object, number>();
let nextId = 1;

/** A stable number per object, to recognise a pair of schemas already being compared (a cycle). */
export function identity(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return id;
}
