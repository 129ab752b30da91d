// ci.yml does what .ci/run does on the machines, and says so when an edit takes a part of it away.

import { describe, expect, it } from "vitest";
import type { Document } from "yaml";
import { checkWorkflows } from "../src/check.js";
import { edited, facts, fileOf, findingsAfter, pointer, stepPath } from "./support.js";

const file = fileOf("ci.yml");
const npmTest = (document: Document) => stepPath(document, (step) => /npm test/.test(step.run ?? ""));
const setupNode = (document: Document) => stepPath(document, (step) => /setup-node/.test(step.uses ?? ""));
const requirements = (findings: ReturnType<typeof findingsAfter>) =>
  findings.filter((f) => f.file === file && f.code === "requirement").map((f) => f.message);

describe("ci.yml", () => {
  it("is reported when no step runs npm test", () => {
    const findings = findingsAfter("ci.yml", (document) => {
      document.setIn([...npmTest(document), "run"], "npm run lint");
    });
    expect(findings).toContainEqual({
      file,
      pointer: "/jobs",
      code: "requirement",
      message: expect.stringContaining("no step runs `npm test`"),
    });
  });

  it("counts `npm run test` but not `npm run test:consumer`", () => {
    const asRunTest = findingsAfter("ci.yml", (document) => {
      document.setIn([...npmTest(document), "run"], "npm run test");
    });
    expect(requirements(asRunTest)).toEqual([]);
    const asConsumer = findingsAfter("ci.yml", (document) => {
      document.setIn([...npmTest(document), "run"], "npm run test:consumer");
    });
    expect(requirements(asConsumer)).toContainEqual(expect.stringContaining("no step runs `npm test`"));
  });

  it("is reported without a PostgreSQL service", () => {
    const findings = findingsAfter("ci.yml", (document) => {
      document.deleteIn(["jobs", "test", "services"]);
    });
    expect(findings).toContainEqual(
      expect.objectContaining({
        file,
        pointer: "/jobs/test/services",
        message: expect.stringContaining("PostgreSQL"),
      }),
    );
  });

  /** One edit each, and the one requirement it must break. */
  const breaks: { what: string; edit: (document: Document) => void; message: unknown }[] = [
    {
      what: "npm test runs without CI=true",
      edit: (document) => document.deleteIn(["jobs", "test", "env", "CI"]),
      message: expect.stringContaining('`CI: "true"`'),
    },
    {
      what: "TEST_DATABASE_URL is not set",
      edit: (document) => document.deleteIn(["jobs", "test", "env", "TEST_DATABASE_URL"]),
      message: expect.stringContaining("TEST_DATABASE_URL"),
    },
    {
      what: "Chromium is not installed before npm test",
      edit: (document) =>
        document.setIn(
          [...stepPath(document, (step) => /chromium/.test(step.run ?? "")), "run"],
          "apt-get update",
        ),
      message: expect.stringContaining("install Chromium"),
    },
    {
      what: "npm ci does not run before npm test",
      edit: (document) =>
        document.setIn([...stepPath(document, (step) => step.run === "npm ci"), "run"], "npm install"),
      message: expect.stringContaining("`npm ci`"),
    },
    {
      what: "npm's cache is off",
      edit: (document) => document.deleteIn([...setupNode(document), "with", "cache"]),
      message: "actions/setup-node needs `cache: npm`",
    },
  ];

  it.each(breaks)("is reported when $what", ({ edit, message }) => {
    expect(requirements(findingsAfter("ci.yml", edit))).toEqual([message]);
  });

  it("is reported without a pull_request trigger or a concurrency group", () => {
    const findings = findingsAfter("ci.yml", (document) => {
      document.deleteIn(["on", "pull_request"]);
      document.delete("concurrency");
    });
    expect(requirements(findings)).toEqual([
      "must run on `pull_request`",
      expect.stringContaining("top-level `concurrency`"),
    ]);
  });

  describe("the Node.js versions", () => {
    it("are 20 here, then 22 and 24 through the matrix script that npm test runs", () => {
      expect(facts.testScript).toContain("test:node-matrix");
      expect(facts.nodeMatrixVersions.map((v) => v.split(".")[0])).toEqual(["22", "24"]);
      expect(
        requirements(
          checkWorkflows(
            edited("ci.yml", () => {}),
            facts,
          ),
        ),
      ).toEqual([]);
    });

    it("are reported short of 20 when the job runs on 22", () => {
      let path: (string | number)[] = [];
      const findings = findingsAfter("ci.yml", (document) => {
        path = [...setupNode(document), "with", "node-version"];
        document.setIn(path, 22);
      });
      expect(findings).toContainEqual(
        expect.objectContaining({
          pointer: pointer(path),
          message: expect.stringMatching(/^Node\.js 20 is not tested/),
        }),
      );
    });

    it("are reported short of 22 and 24 when npm test no longer runs the matrix script", () => {
      const sources = edited("ci.yml", () => {});
      const findings = checkWorkflows(sources, { ...facts, testScript: "turbo run test" });
      expect(requirements(findings)).toEqual([expect.stringMatching(/^Node\.js 22 and 24 are not tested/)]);
    });

    it("may instead be a setup-node matrix of 20, 22 and 24, and a shorter matrix is reported", () => {
      const matrixOf = (versions: number[]) =>
        findingsAfter("ci.yml", (document) => {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
          document.setIn([...setupNode(document), "with", "node-version"], "${{ matrix.node }}");
          document.setIn(["jobs", "test", "strategy"], document.createNode({ matrix: { node: versions } }));
        });
      expect(requirements(matrixOf([20, 22, 24]))).toEqual([]);
      expect(requirements(matrixOf([20, 22]))).toEqual([expect.stringMatching(/^Node\.js 24 is not tested/)]);
    });
  });
});
