// PostgreSQL for a package's tests, by the skip-or-fail rule: TEST_DATABASE_URL, else a server on 127.0.0.1:5432
// (database `test`, user `postgres`, as .ci/run starts it), checked by the caller's own client (this package loads
// no driver). Without one, one skip line; under CI, a failure.
import { reachable } from "./reachable.js";
import { requireOrSkip } from "./requirement.js";

export const localPostgresUrl = "postgres://postgres@127.0.0.1:5432/test";

export interface PostgresRequirement {
  /** The tests that need it, as a reader would name them. */
  tests: string;
  /** Connects and runs a query; rejects when the server does not answer. */
  check(url: string): Promise<void>;
  env?: NodeJS.ProcessEnv;
  /** Where the skip line goes (default stderr). */
  print?: (line: string) => void;
}

/** The URL of a PostgreSQL server that answers, or undefined after the skip line; throws under CI without one. */
export async function postgresOrSkip({
  tests,
  check,
  env = process.env,
  print,
}: PostgresRequirement): Promise<string | undefined> {
  const url = env.TEST_DATABASE_URL || ((await reachable("127.0.0.1", 5432)) ? localPostgresUrl : undefined);
  let problem: string | undefined;
  if (url)
    problem = await check(url).then(
      () => undefined,
      (error: Error) => error.message,
    );
  const start = `Start PostgreSQL and set TEST_DATABASE_URL, e.g. ${localPostgresUrl} (.ci/run does both).`;
  return requireOrSkip(
    {
      tests,
      // The URL itself is not printed: it may hold a password.
      needs: "PostgreSQL answering at TEST_DATABASE_URL or 127.0.0.1:5432",
      found: url && problem === undefined ? url : undefined,
      howToEnable: problem ? `Connecting said: ${problem}. ${start}` : start,
    },
    env,
    print,
  );
}
