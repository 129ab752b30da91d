// Runs in every test file (vitest setupFiles): registered first, this afterAll runs after the file's own, once its
// receivers are closed, and removes the databases they used, whether the tests passed or not.
import { afterAll } from "vitest";
import { removeTestDatabases } from "./support.js";

afterAll(() => removeTestDatabases());
