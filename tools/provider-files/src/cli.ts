// `npm run check -w @meeting-webhooks/provider-files [root] [--list]`: the check of docs/adding-a-provider.md's table,
// one line per finding; `--list` prints each file with its kind and row. `npm test` runs the same check on the
// repository in test/repository.test.ts.
import { join } from "node:path";
import { checkProviderFiles, formatFinding } from "./check.js";

const args = process.argv.slice(2);
const root = args.find((arg) => !arg.startsWith("--")) ?? join(import.meta.dirname, "..", "..", "..");
const { findings, classified } = checkProviderFiles(root);
if (args.includes("--list")) {
  for (const file of classified)
    console.log(`${file.row.kind.padEnd(9)} ${file.path}  (${file.row.pattern})`);
}
for (const finding of findings) console.error(formatFinding(finding));
if (findings.length === 0)
  console.log(`ok: ${classified.length} files name a provider, each matched by a row`);
process.exitCode = findings.length === 0 ? 0 : 1;
