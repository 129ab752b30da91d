// `@meeting-webhooks/inbox/database`: the seam the inbox runs its SQL over, for an app that keeps its own tables in
// the inbox's database (the sample receiver's meetings): `inbox.database` and the same migration tool.
export { type CatalogColumn, catalogColumns } from "./catalog.js";
export { type MigrationSet, migrate, statementsOf } from "./migrate.js";
export type { Database, Dialect, Param, Queryable, Statement } from "./seam.js";
