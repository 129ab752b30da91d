// The schema files of a specs folder, read once each, addressed as the contracts address them: by path relative to
// the folder (`meetingbaas/schemas/common/bot-status.json`), references resolved relative to the referring file.
import { readFileSync } from "node:fs";
import { isAbsolute, posix, relative, resolve } from "node:path";

export type Schema = Record<string, unknown>;

export class SchemaFiles {
  private readonly parsed = new Map<string, Schema>();
  private readonly texts = new Map<string, string>();

  constructor(readonly dir: string) {}

  text(path: string): string {
    let text = this.texts.get(path);
    if (text === undefined) {
      text = readFileSync(this.absolute(path), "utf8");
      this.texts.set(path, text);
    }
    return text;
  }

  schema(path: string): Schema {
    let schema = this.parsed.get(path);
    if (!schema) {
      schema = JSON.parse(this.text(path)) as Schema;
      this.parsed.set(path, schema);
    }
    return schema;
  }

  /** The file a `$ref` in `from` points at (whole-file references only, as the conventions require). */
  resolveRef(from: string, ref: string): string {
    const file = ref.split("#")[0] ?? "";
    return file === "" ? from : posix.normalize(posix.join(posix.dirname(from), decodeURI(file)));
  }

  /** The path on disk of a file of the folder; refuses any path that would leave it. */
  absolute(path: string): string {
    const target = resolve(this.dir, path);
    const inside = relative(resolve(this.dir), target);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      throw new Error(`${path} is outside the specs folder ${this.dir}`);
    }
    return target;
  }
}
