// `npm run contract:diff`: the contract change report for every provider. Compares specs/<provider>/openapi.yaml
// in the working tree with the same file at CONTRACT_DIFF_BASE (default HEAD, so a clean clone reports no change;
// CI sets origin/<base branch>). Markdown on stdout; exit 1 when a change breaks receivers, 2 when a contract
// cannot be read.
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ContractLoadError, diffSpecs, formatMarkdown } from "@meeting-webhooks/contract-diff";
import { openApiPath, providers } from "@meeting-webhooks/specs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by this plain node script, never inside a turbo task.
const base = process.env.CONTRACT_DIFF_BASE || "HEAD";

let breaking = 0;
const sections = [];
for (const provider of providers) {
  // The providers' webhook contracts (not specs/receiver, the sample receiver's own paths-only API).
  const path = relative(root, openApiPath(provider));
  const old = `git:${base}:${path}`;
  try {
    const diff = await diffSpecs(old, path, { cwd: root });
    breaking += diff.breaking;
    sections.push(formatMarkdown(diff, { headingLevel: 3 }));
  } catch (error) {
    if (error instanceof ContractLoadError && error.code === "not_found" && error.file === old) {
      sections.push(`**${provider}: a new contract** (no \`${path}\` at ${base}, nothing to compare)\n`);
    } else if (error instanceof ContractLoadError) {
      console.error(`contract:diff: ${error.message}`);
      process.exit(2);
    } else {
      throw error;
    }
  }
}
console.log(`## Contract change report (against ${base})\n\n${sections.join("\n")}`);
process.exitCode = breaking > 0 ? 1 : 0;
