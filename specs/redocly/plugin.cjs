// Redocly plugin for the provider contracts. Examples live as plain payload files beside the schemas and
// are referenced with `externalValue`; this decorator inlines them as `value` so that bundles and the
// rendered docs carry the examples and work offline.
const fs = require("node:fs");
const path = require("node:path");

function inlineExternalExamples() {
  return {
    Example: {
      leave(example, ctx) {
        if (typeof example.externalValue !== "string" || example.value !== undefined) return;
        const base = path.dirname(ctx.location.source.absoluteRef);
        const file = path.resolve(base, example.externalValue);
        try {
          example.value = JSON.parse(fs.readFileSync(file, "utf8"));
          delete example.externalValue;
        } catch (error) {
          ctx.report({ message: `Cannot inline example ${example.externalValue}: ${error.message}` });
        }
      },
    },
  };
}

module.exports = function meetingWebhooksPlugin() {
  return {
    id: "meeting-webhooks",
    decorators: {
      oas3: { "inline-external-examples": inlineExternalExamples },
    },
  };
};
module.exports.inlineExternalExamples = inlineExternalExamples;
