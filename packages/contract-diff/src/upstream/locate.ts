// From a payload pointer (`/data/participants/*/name`) to the place in the written schema files that describes it
// (`meetingbaas/schemas/common/participant.json#/properties/name`), following `$ref`s across files and looking into
// `anyOf`/`oneOf`/`allOf` alternatives: the JSON pointer a maintainer opens to make the edit.
import { isObject } from "../facets.js";
import { pointerToken, pointerTokens, valueAt } from "../pointer.js";
import type { SourceReader } from "../source.js";

export interface Place {
  /** The file, by the reader's path. */
  file: string;
  /** JSON pointer inside it. */
  pointer: string;
  /** The node there, as written (with its `$ref`s). */
  node: unknown;
}

export interface Located {
  place: Place;
  /** False when the value is not described there: the pointer is where it would be (a property to add). */
  found: boolean;
}

/** Files as parsed, and how a `$ref` in one of them names another. */
export interface RawFiles {
  files: ReadonlyMap<string, unknown>;
  resolve: SourceReader["resolve"];
}

const at = (raw: RawFiles, file: string, pointer: string): Place => ({
  file,
  pointer,
  node: valueAt(raw.files.get(file), decodeURIComponent(pointer)),
});

/** The place a `$ref` chain ends at (a node with siblings beside its `$ref` is followed too: they only document). */
function follow(raw: RawFiles, place: Place): Place {
  let current = place;
  for (let hops = 0; hops < 32 && isObject(current.node) && typeof current.node.$ref === "string"; hops++) {
    const ref = current.node.$ref;
    const hash = ref.indexOf("#");
    const file =
      hash === 0 ? current.file : raw.resolve(current.file, hash === -1 ? ref : ref.slice(0, hash));
    const next = at(raw, file, hash === -1 ? "" : ref.slice(hash + 1));
    if (next.node === undefined) return current;
    current = next;
  }
  return current;
}

/** A place and every alternative below it (`anyOf`, `oneOf`, `allOf`), each followed to its target. */
function alternatives(raw: RawFiles, place: Place, depth = 0): Place[] {
  const here = follow(raw, place);
  const found = [here];
  if (!isObject(here.node) || depth > 8) return found;
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const list = here.node[key];
    if (!Array.isArray(list)) continue;
    list.forEach((_, i) => {
      found.push(...alternatives(raw, at(raw, here.file, `${here.pointer}/${key}/${i}`), depth + 1));
    });
  }
  return found;
}

function step(raw: RawFiles, place: Place, token: string): Place | undefined {
  const node = place.node;
  if (!isObject(node)) return undefined;
  if (token === "*") {
    if (node.items !== undefined) return at(raw, place.file, `${place.pointer}/items`);
    if (isObject(node.additionalProperties))
      return at(raw, place.file, `${place.pointer}/additionalProperties`);
    return undefined;
  }
  if (isObject(node.properties) && Object.hasOwn(node.properties, token)) {
    return at(raw, place.file, `${place.pointer}/properties/${pointerToken(token)}`);
  }
  return undefined;
}

/** Where a payload pointer is described, starting from a schema's place. */
export function locate(raw: RawFiles, root: Place, path: string): Located {
  let current = follow(raw, root);
  for (const token of pointerTokens(path)) {
    const candidates = alternatives(raw, current);
    const next = candidates
      .map((candidate) => step(raw, candidate, token))
      .find((place) => place !== undefined);
    if (!next) {
      // Not described: name the place it would have, in the first alternative that describes an object.
      const parent =
        candidates.find((candidate) => isObject(candidate.node) && isObject(candidate.node.properties)) ??
        candidates[0] ??
        current;
      const suffix = token === "*" ? "/items" : `/properties/${pointerToken(token)}`;
      return {
        place: { file: parent.file, pointer: `${parent.pointer}${suffix}`, node: undefined },
        found: false,
      };
    }
    current = follow(raw, next);
  }
  return { place: current, found: true };
}
