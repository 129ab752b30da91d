// Programmatic access to the contracts: where the files are, what each provider's webhooks are, and an Ajv
// instance loaded with every schema.
export * from "./ajv.js";
export * from "./bundle.js";
export * from "./catalog.js";
export * from "./errors.js";
export * from "./formats.js";
export * from "./generated.js";
export * from "./open-list.js";
export * from "./providers.js";
