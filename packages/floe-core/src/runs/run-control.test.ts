import { describe, expect, it } from "vitest";
import { FloeError } from "../errors.js";
import { pickRunnableJob, waitForRun, type RunStatus } from "./run-control.js";

const status = (state: RunStatus["state"], models: RunStatus["models"]): RunStatus => ({ runId: "r1", job: "j", state, models });

describe("waitForRun", () => {
  it("reports each model once, as it reaches a final state, and resolves with the final status", async () => {
    const polls = [
      status("queued", []),
      status("running", [
        { model: "a", state: "running" },
        { model: "b", state: "pending" },
      ]),
      status("running", [
        { model: "a", state: "success" },
        { model: "b", state: "running" },
      ]),
      status("failed", [
        { model: "a", state: "success" },
        { model: "b", state: "failed" },
        { model: "c", state: "upstream_failed" },
      ]),
    ];
    const seen: string[] = [];
    const final = await waitForRun(async () => polls.shift()!, { pollMs: 1, onModel: (p) => seen.push(`${p.model}:${p.state}`) });
    expect(seen).toEqual(["a:success", "b:failed", "c:upstream_failed"]);
    expect(final.state).toBe("failed");
  });

  it("rides out up to four failed polls in a row, not five, and never other errors", async () => {
    const flaky = (n: number) => {
      let left = n;
      return async () => {
        if (left-- > 0) throw new FloeError("FLOE_CONNECTION_FAILED", "did not answer in time");
        return status("success", []);
      };
    };
    await expect(waitForRun(flaky(4), { pollMs: 1 })).resolves.toMatchObject({ state: "success" });
    await expect(waitForRun(flaky(5), { pollMs: 1 })).rejects.toMatchObject({ code: "FLOE_CONNECTION_FAILED" });
    await expect(
      waitForRun(
        async () => {
          throw new FloeError("FLOE_RUN_NOT_FOUND", "no run");
        },
        { pollMs: 1 },
      ),
    ).rejects.toMatchObject({ code: "FLOE_RUN_NOT_FOUND" });
  });

  it("gives up after its timeout with FLOE_RUN_TIMEOUT", async () => {
    await expect(waitForRun(async () => status("running", []), { pollMs: 5, timeoutMs: 20 })).rejects.toMatchObject({
      code: "FLOE_RUN_TIMEOUT",
    });
  });
});

describe("pickRunnableJob", () => {
  const jobs = [
    { floeName: "shop", id: "shop", isDefault: true },
    { floeName: "daily marts", id: "daily_marts", isDefault: false },
  ];
  it("takes the default job, a floe name or the orchestrator's id", () => {
    expect(pickRunnableJob(jobs, undefined).id).toBe("shop");
    expect(pickRunnableJob(jobs, "daily marts").id).toBe("daily_marts");
    expect(pickRunnableJob(jobs, "daily_marts").id).toBe("daily_marts");
  });
  it("refuses an unknown job at --job, and artifacts without jobs", () => {
    expect(() => pickRunnableJob(jobs, "nope")).toThrow(
      expect.objectContaining({ code: "FLOE_USAGE", path: "options.job", hint: "use one of shop, daily marts" }),
    );
    expect(() => pickRunnableJob([], undefined)).toThrow(expect.objectContaining({ code: "FLOE_USAGE" }));
  });
});
