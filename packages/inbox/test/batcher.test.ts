import { describe, expect, it } from "vitest";
import { groupCommit } from "../src/batcher.js";

describe("groupCommit", () => {
  it("commits what arrives in one turn of the event loop together, and answers each caller with its own result", async () => {
    const commits: number[][] = [];
    const batcher = groupCommit(
      async (items: number[]) => {
        commits.push(items);
        return items.map((n) => n * 10);
      },
      { maxBatch: 100, inFlight: 1 },
    );
    expect(await Promise.all([1, 2, 3].map((n) => batcher.add(n)))).toEqual([10, 20, 30]);
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it("gathers what arrives while a commit is in flight into the next one, up to maxBatch", async () => {
    const commits: number[][] = [];
    let release: () => void = () => {};
    const batcher = groupCommit(
      async (items: number[]) => {
        commits.push(items);
        if (commits.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items;
      },
      { maxBatch: 2, inFlight: 1 },
    );
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => batcher.add(n));
    release();
    await Promise.all([first, ...later]);
    expect(commits).toEqual([[1], [2, 3], [4]]);
  });

  it("rejects every caller of a commit that failed, and goes on with the next", async () => {
    let fail = true;
    const batcher = groupCommit(
      async (items: number[]) => {
        if (fail) throw new Error("disk full");
        return items;
      },
      { maxBatch: 10, inFlight: 1 },
    );
    const failed = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await batcher.add(3)).toBe(3);
  });

  it("flush waits for everything added so far", async () => {
    const done: number[] = [];
    const batcher = groupCommit(
      async (items: number[]) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        done.push(...items);
        return items;
      },
      { maxBatch: 1, inFlight: 2 },
    );
    for (const n of [1, 2, 3]) void batcher.add(n);
    await batcher.flush();
    expect(done.sort()).toEqual([1, 2, 3]);
  });
});
