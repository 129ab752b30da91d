#!/usr/bin/env node
// `npm run release:dry`: what `changeset version` + `npm publish` would do, without doing it: the version bumps the
// pending changesets ask for, and per publishable package the tarball that would be uploaded (files and size).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(
    "npm run release:dry\n\nShows the release plan of the pending changesets and the files each package would publish. Publishes nothing.",
  );
  process.exit(0);
}
const out = mkdtempSync(join(tmpdir(), "release-plan-"));
const planFile = join(out, "plan.json");
try {
  execFileSync(join(root, "node_modules", ".bin", "changeset"), ["status", `--output=${planFile}`], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const plan = JSON.parse(readFileSync(planFile, "utf8"));
  console.log(`Pending changesets: ${plan.changesets.length}`);
  if (plan.releases.length === 0) console.log("Nothing to release.");
  for (const release of plan.releases.filter((r) => r.type !== "none")) {
    console.log(`  ${release.name}: ${release.oldVersion} → ${release.newVersion} (${release.type})`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const dirs = ["specs", ...readdirSync(join(root, "packages")).map((name) => `packages/${name}`)];
console.log("\nWhat npm publish would upload (npm pack --dry-run):");
for (const dir of dirs) {
  const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
  if (manifest.private) continue;
  const [info] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json"], {
      cwd: join(root, dir),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  );
  console.log(
    `  ${info.name}@${info.version}: ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked`,
  );
}
console.log(
  "\nNothing was published. Releases are made on GitHub by .github/workflows/release.yml: `npm run release:version` in the version pull request, `npm run release` (build, then changeset publish with provenance) after its merge.",
);
