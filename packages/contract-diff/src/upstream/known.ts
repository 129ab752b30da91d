// The `known` entries of the mapping file against the findings: a finding an entry matches is listed apart as known
// (with the entry's README entry and reason); an entry that matches no finding, where it could have, is stale and
// becomes a finding itself, so that the list cannot outlive the differences it records.
import { FindingList, type KnownDifference, type UpstreamFinding } from "./findings.js";
import type { KnownEntry, UpstreamMapping } from "./mapping.js";

function matchesKnown(entry: KnownEntry, finding: UpstreamFinding): boolean {
  return (
    entry.kind === finding.kind &&
    (entry.official === undefined || entry.official === finding.official) &&
    (entry.contract === undefined || entry.contract === finding.contract)
  );
}

/**
 * Splits findings into what remains and what is known, and adds a `known-stale` finding for each entry that matched
 * nothing although `checked(entry)` says its schemas were compared.
 */
export function applyKnown(
  findings: UpstreamFinding[],
  mapping: UpstreamMapping,
  checked: (entry: KnownEntry) => boolean,
): { findings: UpstreamFinding[]; known: KnownDifference[] } {
  const known: KnownDifference[] = [];
  const remaining = findings.filter((finding) => {
    const entry = mapping.known.find((candidate) => matchesKnown(candidate, finding));
    if (entry) known.push({ ...finding, readme: entry.readme, reason: entry.reason });
    return !entry;
  });
  const stale = new FindingList();
  for (const entry of mapping.known) {
    if (known.some((difference) => matchesKnown(entry, difference)) || !checked(entry)) continue;
    stale.add(
      entry.official ?? null,
      entry.contract ?? null,
      "",
      "known-stale",
      `${mapping.file} at ${entry.at} records a \`${entry.kind}\` difference (README: "${entry.readme}") that the ` +
        "comparison no longer finds",
    );
  }
  return { findings: [...remaining, ...stale.list], known };
}
