// docs.yml builds the site and deploys it to GitHub Pages from a job that alone may write to Pages.

import { describe, expect, it } from "vitest";
import type { Document } from "yaml";
import { fileOf, findingsAfter, pointer, stepPath } from "./support.js";

const file = fileOf("docs.yml");
const upload = (document: Document) =>
  stepPath(document, (step) => /upload-pages-artifact/.test(step.uses ?? ""));
const requirements = (findings: ReturnType<typeof findingsAfter>) =>
  findings.filter((f) => f.file === file && f.code === "requirement").map((f) => `${f.pointer} ${f.message}`);

describe("docs.yml", () => {
  it("is reported when it uploads another folder than apps/docs/dist", () => {
    let step: (string | number)[] = [];
    const findings = findingsAfter("docs.yml", (document) => {
      step = upload(document);
      document.setIn([...step, "with", "path"], "apps/docs");
    });
    expect(requirements(findings)).toEqual([
      `${pointer(step)}/with actions/upload-pages-artifact must upload \`path: apps/docs/dist\``,
    ]);
  });

  it("accepts the folder spelled ./apps/docs/dist/", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.setIn([...upload(document), "with", "path"], "./apps/docs/dist/");
    });
    expect(requirements(findings)).toEqual([]);
  });

  it("is reported when the site is not built before it is uploaded", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.setIn([...stepPath(document, (step) => step.run === "npm run docs"), "run"], "npm run build");
    });
    expect(requirements(findings)).toEqual([
      "/jobs/build run `npm run docs` before uploading the site, in the same job",
    ]);
  });

  it("is reported without actions/upload-pages-artifact or actions/deploy-pages", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.setIn([...upload(document), "uses"], "actions/upload-artifact@v4");
      document.deleteIn(["jobs", "deploy"]);
    });
    expect(requirements(findings)).toEqual([
      "/jobs upload apps/docs/dist with actions/upload-pages-artifact",
      "/jobs deploy the site with actions/deploy-pages",
    ]);
  });

  it("is reported when the deploy job lacks id-token: write or the github-pages environment", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.deleteIn(["jobs", "deploy", "permissions", "id-token"]);
      document.deleteIn(["jobs", "deploy", "environment"]);
    });
    expect(requirements(findings)).toEqual([
      "/jobs/deploy/permissions job `deploy` deploys to Pages and needs `id-token: write`",
      "/jobs/deploy job `deploy` must deploy to the `github-pages` environment",
    ]);
  });

  it("is reported when another job is allowed to write to Pages", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.setIn(
        ["jobs", "build", "permissions"],
        document.createNode({ contents: "read", pages: "write" }),
      );
    });
    expect(requirements(findings)).toEqual([
      "/jobs/build/permissions only the deploying job may have `pages: write`, job `build` does not deploy",
    ]);
  });

  it("is reported when the Pages permissions move to the top level", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.setIn(["permissions", "pages"], "write");
      document.setIn(["permissions", "id-token"], "write");
      document.deleteIn(["jobs", "deploy", "permissions"]);
    });
    expect(findings.map((f) => `${f.code} ${f.pointer}`)).toEqual([
      "permissions /permissions/pages",
      "permissions /permissions/id-token",
      "requirement /jobs/deploy/permissions",
      "requirement /jobs/deploy/permissions",
    ]);
  });

  it("is reported when the deploy job does not wait for the upload", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.deleteIn(["jobs", "deploy", "needs"]);
    });
    expect(requirements(findings)).toEqual([
      "/jobs/deploy job `deploy` must wait for `build`, which uploads the site (`needs`)",
    ]);
  });

  it("is reported when it does not run on pushes to main", () => {
    const findings = findingsAfter("docs.yml", (document) => {
      document.setIn(["on", "push", "branches"], document.createNode(["release"]));
    });
    expect(requirements(findings)).toEqual(["/on must run on pushes to `main` (`on.push.branches: [main]`)"]);
  });
});
