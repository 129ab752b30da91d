// `npm run check -w @meeting-webhooks/workflows [root]`: the check of .github/workflows/ as one line per finding, for
// a look by hand while editing a workflow; `npm test` runs the same check in test/repository.test.ts.
import { formatFinding } from "./finding.js";
import { checkRepository, readWorkflowSources, repositoryRoot } from "./repository.js";

const root = process.argv[2] ?? repositoryRoot;
const findings = checkRepository(root);
for (const finding of findings) console.error(formatFinding(finding));
if (findings.length === 0) console.log(`ok: ${readWorkflowSources(root).length} workflows`);
process.exitCode = findings.length === 0 ? 0 : 1;
