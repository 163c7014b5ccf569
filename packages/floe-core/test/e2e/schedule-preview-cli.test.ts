/** The built `floe schedule preview` CLI: good input prints fire times, bad input exits 2 with one line naming the field. */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const floe = fileURLToPath(new URL("../../bin/floe.js", import.meta.url));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [floe, "schedule", "preview", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FROM = ["--from", "2025-03-08T12:00:00Z"];

/** [args, field named in the error, a word the reason must contain] */
const INVALID: Array<[string[], string, RegExp]> = [
  [["", "--timezone", "UTC"], "cron", /missing cron/],
  [["   ", "--timezone", "UTC"], "cron", /empty/],
  [["* * * *", "--timezone", "UTC"], "cron", /4 fields/],
  [["* * * * * *", "--timezone", "UTC"], "cron", /6 fields.*seconds/],
  [["0 0 0 * * * 2025", "--timezone", "UTC"], "cron", /7 fields/],
  [["60 * * * *", "--timezone", "UTC"], "cron", /minute field value 60 is out of range/],
  [["* 24 * * *", "--timezone", "UTC"], "cron", /hour field value 24/],
  [["* * 0 * *", "--timezone", "UTC"], "cron", /day-of-month field value 0/],
  [["* * 32 * *", "--timezone", "UTC"], "cron", /day-of-month field value 32/],
  [["* * * 13 *", "--timezone", "UTC"], "cron", /month field value 13/],
  [["* * * 0 *", "--timezone", "UTC"], "cron", /month field value 0/],
  [["* * * * 8", "--timezone", "UTC"], "cron", /day-of-week field value 8/],
  [["* * * FOO *", "--timezone", "UTC"], "cron", /month field has a bad token "FOO"/],
  [["* * * * FUNDAY", "--timezone", "UTC"], "cron", /day-of-week field has a bad token "FUNDAY"/],
  [["*/0 * * * *", "--timezone", "UTC"], "cron", /minute field has a bad step/],
  [["*/x * * * *", "--timezone", "UTC"], "cron", /minute field has a bad step/],
  [["5-1 * * * *", "--timezone", "UTC"], "cron", /minute field range "5-1" runs backwards/],
  [["1-2-3 * * * *", "--timezone", "UTC"], "cron", /minute field has a bad range/],
  [["1,,2 * * * *", "--timezone", "UTC"], "cron", /minute field .* empty list item/],
  [["0 0 L * *", "--timezone", "UTC"], "cron", /day-of-month field "L" uses 'L'/],
  [["0 0 15W * *", "--timezone", "UTC"], "cron", /day-of-month field "15W" uses 'W'/],
  [["0 0 * * 1#2", "--timezone", "UTC"], "cron", /day-of-week field "1#2" uses '#'/],
  [["0 0 ? * MON", "--timezone", "UTC"], "cron", /day-of-month field "\?" uses '\?'/],
  [["H * * * *", "--timezone", "UTC"], "cron", /minute field "H" uses 'H'/],
  [["0 0 * * 5L", "--timezone", "UTC"], "cron", /day-of-week field "5L" uses 'L'/],
  [["0 0 30 2 *", "--timezone", "UTC", "--orchestrator", "dagster"], "cron", /never occurs.*Dagster refuses/],
  [["0 0 31 4,6 *", "--timezone", "UTC"], "cron", /never occurs/],
  [["@reboot", "--timezone", "UTC"], "cron", /@reboot.*not supported/],
  [["@fortnightly", "--timezone", "UTC"], "cron", /not supported/],
  [["1- * * * *", "--timezone", "UTC"], "cron", /minute field has a bad range "1-"/],
  [["0 0 * * *", "--timezone", "asia/kathmandu"], "timezone", /case-sensitive.*did you mean Asia\/Kathmandu/],
  [["0 0 * * *", "--timezone", "America/New York"], "timezone", /spaces.*did you mean America\/New_York/],
  [["0 0 * * *", "--timezone", "america/new_york"], "timezone", /case-sensitive.*did you mean America\/New_York/],
  [["0 0 * * *", "--timezone", "EUROPE/LONDON"], "timezone", /case-sensitive.*did you mean Europe\/London/],
  [["0 0 * * *", "--timezone", "EST"], "timezone", /abbreviation.*did you mean America\/New_York/],
  [["0 0 * * *", "--timezone", "PST"], "timezone", /did you mean America\/Los_Angeles/],
  [["0 0 * * *", "--timezone", "CET"], "timezone", /did you mean Europe\/Paris/],
  [["0 0 * * *", "--timezone", "EST5EDT"], "timezone", /POSIX-rule.*did you mean America\/New_York/],
  [["0 0 * * *", "--timezone", "Etc/GMT+5"], "timezone", /fixed-offset/],
  [["0 0 * * *", "--timezone", "Europe/Londn"], "timezone", /not an IANA time zone.*did you mean Europe\/London/],
  [["0 0 * * *", "--timezone", "Mars/Olympus_Mons"], "timezone", /not an IANA time zone/],
  [["0 0 * * *", "--timezone", "Kathmandu"], "timezone", /did you mean Asia\/Kathmandu/],
  [["0 0 * * *", "--timezone", ""], "timezone", /empty/],
  [["0 0 * * *", "--timezone", "+05:45"], "timezone", /not an IANA/],
  [["0 0 * * *"], "timezone", /missing --timezone/],
  [["0 0 * * *", "--timezone", "UTC", "--from", "yesterday"], "--from", /not an ISO-8601 instant/],
  [["0 0 * * *", "--timezone", "UTC", "--from", "2025-03-08T12:00:00"], "--from", /with an offset/],
  [["0 0 * * *", "--timezone", "UTC", "--from", "2025-02-30T12:00:00Z"], "--from", /not an ISO-8601/],
  [["0 0 * * *", "--timezone", "UTC", "--count", "0"], "--count", /whole number/],
  [["0 0 * * *", "--timezone", "UTC", "--count", "ten"], "--count", /whole number/],
  [["0 0 * * *", "--timezone", "UTC", "--count", "100000"], "--count", /from 1 to 1000/],
  // The semantics come from the installed plugin of that name (found beside this checkout's floe-core).
  [
    ["0 0 * * *", "--timezone", "UTC", "--orchestrator", "prefect"],
    "--orchestrator",
    /no orchestrator plugin named "prefect" is installed/,
  ],
];

function runAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [floe, "schedule", "preview", ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("floe schedule preview (built CLI)", () => {
  it(`refuses ${INVALID.length} kinds of bad input with exit 2 and one line naming the field`, async () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(40);
    const failures: string[] = [];
    const results: Array<{ status: number | null; stdout: string; stderr: string }> = [];
    for (let i = 0; i < INVALID.length; i += 4) {
      const batch = INVALID.slice(i, i + 4).map(([args]) => runAsync(args.includes("--from") ? args : [...args, ...FROM]));
      results.push(...(await Promise.all(batch)));
    }
    for (const [i, [args, field, reason]] of INVALID.entries()) {
      const r = results[i]!;
      const lines = r.stderr.split("\n").filter(Boolean);
      const ok =
        r.status === 2 &&
        r.stdout === "" &&
        lines.length === 1 &&
        lines[0]!.includes(` at ${field}: `) &&
        reason.test(lines[0]!) &&
        !/\n\s+at /.test(r.stderr);
      if (!ok) failures.push(`${JSON.stringify(args)} -> exit ${r.status}, stderr ${JSON.stringify(r.stderr)}`);
    }
    expect(failures.join("\n")).toBe("");
  });

  it("prints each fire time in the zone and in UTC", () => {
    const r = run([
      "30 2 * * *",
      "--timezone",
      "America/New_York",
      "--from",
      "2025-03-08T12:00:00-05:00",
      "--count",
      "2",
      "--orchestrator",
      "airflow",
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "# 30 2 * * * in America/New_York, airflow semantics\n2025-03-09T03:30:00-04:00  2025-03-09T07:30:00Z\n2025-03-10T02:30:00-04:00  2025-03-10T06:30:00Z\n",
    );
  });

  it("prints JSON: an array of ISO-8601 instants with offsets", () => {
    const r = run(["30 2 * * *", "--timezone", "America/New_York", "--from", "2025-03-08T12:00:00-05:00", "--count", "2", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(["2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"]);
  });

  it("has --help", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--orchestrator dagster|airflow");
  });
});
