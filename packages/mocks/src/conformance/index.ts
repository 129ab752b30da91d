// @meeting-webhooks/mocks/conformance: grade any webhook endpoint against how Cronofy and Meeting BaaS really
// deliver (signed deliveries of every event, retries, forgeries, unknown events, broken payloads, large and Unicode
// bodies), from a test (vitest, node:test: no test framework needed) or CI. `meeting-webhooks conformance` is the
// same from the command line.
export { type WebhookExample, webhookExamples } from "./examples.gen.js";
export { conformanceJUnit, xmlText } from "./junit.js";
export { type ReceiverSecrets, type RoutesConformanceOptions, runConformanceOnRoutes } from "./routes.js";
export {
  type ConformanceOptions,
  ConformanceOptionsError,
  type ConformanceReport,
  type ConformanceResult,
  type DeliveryOutcome,
  expectedText,
  runConformance,
} from "./run.js";
export {
  type ConformanceScenario,
  conformanceScenarios,
  type Expectation,
  forTarget,
  type PerTarget,
  type ScenarioId,
  scenariosFor,
} from "./scenarios.js";
export {
  type ConformanceTarget,
  conformanceTargets,
  type DeliveryConsequence,
  defaultChannel,
  deliveryConsequences,
  providerTimeoutMs,
  targetLabels,
  targetOf,
  timeoutIsDocumented,
} from "./targets.js";
export { conformanceFailures, formatConformanceReport } from "./text.js";
