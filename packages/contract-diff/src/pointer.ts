// JSON pointers into a payload. `*` stands for every item of an array (or every other property of an object),
// since a contract describes all of them at once. And the other way round: the value a pointer names in a document.
import { isObject } from "./facets.js";

export function pointerToken(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function child(path: string, name: string): string {
  return `${path}/${pointerToken(name)}`;
}

export const everyItem = (path: string) => `${path}/*`;

/** The reference tokens of a JSON pointer: `/a~1b/c` → `["a/b", "c"]`. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value a JSON pointer names in a document, or undefined when it names nothing. */
export function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return node;
}
