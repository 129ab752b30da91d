// Edits of hand-written JSON files that keep them hand-readable: every byte outside an edited node stays as it was,
// and what is new is printed the way the repository's formatter (biome: 2 spaces, 110 columns) prints it, so that
// `biome format` leaves a written proposal unchanged. jsonc-parser finds the nodes and their offsets.
import { findNodeAtLocation, type Node, parseTree } from "jsonc-parser";

/** The formatter's line width (biome.json `json.formatter.lineWidth`). */
export const lineWidth = 110;
const indentUnit = "  ";

/**
 * JSON as biome prints a node the first time: objects expanded one member per line, arrays of scalars on one line
 * when they fit in the line width after `prefix` (what precedes the value on its line), else one item per line.
 */
export function printJson(value: unknown, indent: string, prefixWidth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
    const scalars = value.every((item) => item === null || typeof item !== "object");
    if (scalars && prefixWidth + flat.length <= lineWidth) return flat;
    const inner = indent + indentUnit;
    return `[\n${value.map((item) => `${inner}${printJson(item, inner, inner.length)}`).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const inner = indent + indentUnit;
    const members = entries.map(([key, item]) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return `${head}${printJson(item, inner, head.length)}`;
    });
    return `{\n${members.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

/** A parsed JSON file that collects edits by JSON pointer and applies them together. */
export class JsonFileEditor {
  private readonly root: Node;
  private readonly edits: TextEdit[] = [];

  constructor(
    readonly text: string,
    readonly name: string,
  ) {
    const root = parseTree(text);
    if (!root) throw new Error(`${name} is not JSON`);
    this.root = root;
  }

  /** The node at a JSON pointer (`""` is the whole document). */
  node(pointer: string): Node | undefined {
    return findNodeAtLocation(this.root, pointerPath(pointer));
  }

  private required(pointer: string): Node {
    const node = this.node(pointer);
    if (!node) throw new Error(`${this.name} has nothing at ${pointer || "/"}`);
    return node;
  }

  /** The indentation of the line a node starts on, and how far into that line it starts. */
  private position(offset: number): { indent: string; column: number } {
    const lineStart = this.text.lastIndexOf("\n", offset - 1) + 1;
    const line = this.text.slice(lineStart, offset);
    return { indent: /^ */.exec(line)?.[0] ?? "", column: offset - lineStart };
  }

  /** Replaces the value at a pointer, printed to fit where it starts. */
  replace(pointer: string, value: unknown): void {
    const node = this.required(pointer);
    const { indent, column } = this.position(node.offset);
    this.edits.push({ offset: node.offset, length: node.length, text: printJson(value, indent, column) });
  }

  /** Adds members at the end of the object at a pointer. */
  addMembers(pointer: string, members: [string, unknown][]): void {
    if (members.length === 0) return;
    const node = this.required(pointer);
    if (node.type !== "object") throw new Error(`${this.name} ${pointer}: not an object`);
    const children = node.children ?? [];
    const last = children[children.length - 1];
    if (!last) {
      const { indent, column } = this.position(node.offset);
      this.edits.push({
        offset: node.offset,
        length: node.length,
        text: printJson(Object.fromEntries(members), indent, column),
      });
      return;
    }
    const { indent: lastIndent } = this.position(last.offset);
    // An object written on one line (`{ "a": 1 }`) grows into the expanded form.
    const inline = !this.text.slice(node.offset, last.offset).includes("\n");
    if (inline) {
      const current = JSON.parse(this.text.slice(node.offset, node.offset + node.length)) as object;
      const { indent, column } = this.position(node.offset);
      this.edits.push({
        offset: node.offset,
        length: node.length,
        text: printJson({ ...current, ...Object.fromEntries(members) }, indent, column),
      });
      return;
    }
    const text = members
      .map(([key, value]) => {
        const head = `${lastIndent}${JSON.stringify(key)}: `;
        return `,\n${head}${printJson(value, lastIndent, head.length)}`;
      })
      .join("");
    this.edits.push({ offset: last.offset + last.length, length: 0, text });
  }

  /** Removes a member of an object, with the comma that separated it. */
  removeMember(pointer: string, key: string): void {
    const node = this.required(pointer);
    const children = node.children ?? [];
    const index = children.findIndex((child) => child.children?.[0]?.value === key);
    const member = children[index];
    if (!member) return;
    const previous = children[index - 1];
    const next = children[index + 1];
    if (previous) {
      const start = previous.offset + previous.length;
      this.edits.push({ offset: start, length: member.offset + member.length - start, text: "" });
    } else if (next) {
      this.edits.push({ offset: member.offset, length: next.offset - member.offset, text: "" });
    } else {
      const { indent, column } = this.position(node.offset);
      this.edits.push({ offset: node.offset, length: node.length, text: printJson({}, indent, column) });
    }
  }

  /** The text with every edit applied; edits must not overlap. */
  apply(): string {
    const sorted = [...this.edits].sort((a, b) => b.offset - a.offset);
    let text = this.text;
    let limit = Number.POSITIVE_INFINITY;
    for (const edit of sorted) {
      if (edit.offset + edit.length > limit) throw new Error(`${this.name}: overlapping edits`);
      text = text.slice(0, edit.offset) + edit.text + text.slice(edit.offset + edit.length);
      limit = edit.offset;
    }
    return text;
  }
}

export function pointerPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((token) => (/^\d+$/.test(token) ? Number(token) : token));
}
