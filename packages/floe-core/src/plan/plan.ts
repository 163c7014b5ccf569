/**
 * The reviewable plan of `floe generate --plan`: what a new output changes against the one in --out,
 * computed from both sides' plan summaries (each plugin derives one from its typed model; floe keeps the
 * written one in `.floe-output.json`), never from text diffs of the generated code. Fire times come
 * from the plugins' `schedules` capability (their own tick rules), looked up by orchestrator name.
 */
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import { modelLineage } from "../lineage/model-lineage.js";
import type { ScheduleCapability } from "../orchestrator-plugin.js";
import { fireTimeDivergences } from "../schedule/schedule-diff.js";

/** What a generated output runs, as a plan compares it. Plugins build it from their model. */
export interface PlanSummary {
  orchestrator: string;
  product: string;
  /** Jobs (Dagster jobs, Airflow DAGs) with what each runs: asset keys or task ids. */
  jobs: Array<{ name: string; tasks: string[] }>;
  /** Schedules by name; Airflow's several crons of one DAG stay together. */
  schedules: Array<{ name: string; job: string; crons: string[]; timezone: string; enabled: boolean }>;
  /** Lineage datasets the runs read or write, `namespace::name`, sorted. */
  datasets: string[];
}

/** Every lineage dataset the artifacts' models read or write, `namespace::name`, sorted and unique. */
export function lineageDatasets(artifacts: CompiledArtifacts): string[] {
  const names = new Set<string>();
  for (const l of Object.values(modelLineage(artifacts)))
    for (const d of [...l.inputs, ...l.outputs]) names.add(`${d.namespace}::${d.name}`);
  return [...names].sort();
}

type Schedule = PlanSummary["schedules"][number];

export interface ScheduleChange {
  name: string;
  job: string;
  before?: Omit<Schedule, "name">;
  after?: Omit<Schedule, "name">;
  /** The next fire times of the side that stays (after; before for a removed schedule), in the schedule's zone. */
  nextFireTimes: string[];
}

export interface FireTimeChange {
  schedule: string;
  cron: string;
  timezone: string;
  /** The first instants only the old orchestrator, or only the new one, fires at. */
  before: string[];
  after: string[];
}

export interface Plan {
  /** True when anything differs (exit 3). */
  changed: boolean;
  product: string;
  orchestrator: string;
  /** The orchestrator the output in --out was written for, when it had one. */
  previousOrchestrator: string | null;
  jobs: { added: string[]; removed: string[]; changed: Array<{ name: string; tasksAdded: string[]; tasksRemoved: string[] }> };
  tasks: { added: number; removed: number };
  schedules: { added: ScheduleChange[]; removed: ScheduleChange[]; changed: ScheduleChange[] };
  datasets: { added: string[]; removed: string[] };
  /** When the orchestrator changes: schedules whose fire times change with it (next year). */
  fireTimeChanges: FireTimeChange[];
}

/** An orchestrator's schedule semantics (its plugin's `schedules`), or undefined when floe has none for it. */
export type ScheduleLookup = (orchestrator: string) => ScheduleCapability | undefined;

export interface PlanOptions {
  /** The instant next fire times are counted from (default now). */
  from?: Date;
  /** How many next fire times to show per schedule (default 3). */
  count?: number;
  /** Whose fire times to use: without an orchestrator's semantics, its schedules show no next fire times and a switch shows no fire-time changes. */
  schedules?: ScheduleLookup;
}

const NO_SUMMARY: PlanSummary = { orchestrator: "", product: "", jobs: [], schedules: [], datasets: [] };

function nextFireTimes(schedules: ScheduleCapability | undefined, s: Omit<Schedule, "name">, from: Date, count: number): string[] {
  if (!schedules) return [];
  const times = s.crons.flatMap((cron) => schedules.preview({ cron, timezone: s.timezone, from, count }));
  return [...new Set(times.sort((a, b) => a.epochMs - b.epochMs).map((t) => t.local))].slice(0, count);
}

/**
 * The new side's schedules that the old side has too: same job, zone and crons (the plugins name
 * schedules their own way — Dagster by schedule, Airflow by DAG — so names do not match across a switch).
 */
function sameSchedules(before: PlanSummary, after: PlanSummary): PlanSummary["schedules"] {
  return after.schedules.filter((s) =>
    before.schedules.some((b) => b.job === s.job && b.timezone === s.timezone && JSON.stringify(b.crons) === JSON.stringify(s.crons)),
  );
}

/**
 * The fire-time changes of switching `schedules` from one orchestrator to the other, within a year of
 * `when`, with each side's own semantics; none when either side's semantics are unknown.
 */
export function switchFireTimeChanges(
  from: string,
  to: string,
  schedules: PlanSummary["schedules"],
  when: Date,
  lookup: ScheduleLookup | undefined,
): FireTimeChange[] {
  const before = from === to ? undefined : lookup?.(from);
  const after = from === to ? undefined : lookup?.(to);
  if (!before || !after) return [];
  const out: FireTimeChange[] = [];
  for (const s of schedules) {
    for (const cron of s.crons) {
      const d = fireTimeDivergences(before, after, { cron, timezone: s.timezone, from: when, count: 1, days: 366 })[0];
      if (!d) continue;
      out.push({
        schedule: s.name,
        cron,
        timezone: s.timezone,
        before: d.firstOnly.map((t) => t.local),
        after: d.secondOnly.map((t) => t.local),
      });
    }
  }
  return out;
}

/** Compares the summary of the output in --out (undefined: nothing there) with the new one. */
export function computePlan(before: PlanSummary | undefined, after: PlanSummary, options: PlanOptions = {}): Plan {
  const old = before ?? NO_SUMMARY;
  const from = options.from ?? new Date();
  const count = options.count ?? 3;
  const oldJobs = new Map(old.jobs.map((j) => [j.name, j]));
  const newJobs = new Map(after.jobs.map((j) => [j.name, j]));
  const jobs: Plan["jobs"] = { added: [], removed: [], changed: [] };
  const tasks = { added: 0, removed: 0 };
  for (const job of after.jobs) {
    const prev = oldJobs.get(job.name);
    if (!prev) {
      jobs.added.push(job.name);
      tasks.added += job.tasks.length;
      continue;
    }
    const had = new Set(prev.tasks);
    const has = new Set(job.tasks);
    const tasksAdded = job.tasks.filter((t) => !had.has(t));
    const tasksRemoved = prev.tasks.filter((t) => !has.has(t));
    tasks.added += tasksAdded.length;
    tasks.removed += tasksRemoved.length;
    if (tasksAdded.length || tasksRemoved.length) jobs.changed.push({ name: job.name, tasksAdded, tasksRemoved });
  }
  for (const job of old.jobs) {
    if (!newJobs.has(job.name)) {
      jobs.removed.push(job.name);
      tasks.removed += job.tasks.length;
    }
  }

  const strip = ({ name: _name, ...rest }: Schedule) => rest;
  const oldSchedules = new Map(old.schedules.map((s) => [s.name, s]));
  const newSchedules = new Map(after.schedules.map((s) => [s.name, s]));
  const schedules: Plan["schedules"] = { added: [], removed: [], changed: [] };
  for (const s of after.schedules) {
    const prev = oldSchedules.get(s.name);
    const change = {
      name: s.name,
      job: s.job,
      after: strip(s),
      nextFireTimes: nextFireTimes(options.schedules?.(after.orchestrator), s, from, count),
    };
    if (!prev) schedules.added.push(change);
    else if (JSON.stringify(strip(prev)) !== JSON.stringify(strip(s))) schedules.changed.push({ ...change, before: strip(prev) });
  }
  for (const s of old.schedules) {
    if (!newSchedules.has(s.name))
      schedules.removed.push({
        name: s.name,
        job: s.job,
        before: strip(s),
        nextFireTimes: nextFireTimes(options.schedules?.(old.orchestrator), s, from, count),
      });
  }

  const hadData = new Set(old.datasets);
  const hasData = new Set(after.datasets);
  const datasets = { added: after.datasets.filter((d) => !hadData.has(d)), removed: old.datasets.filter((d) => !hasData.has(d)) };

  // Schedules that stay the same while the orchestrator changes can still fire at other instants.
  const kept = sameSchedules(old, after);
  const fireTimeChanges = before ? switchFireTimeChanges(old.orchestrator, after.orchestrator, kept, from, options.schedules) : [];

  const changed =
    before === undefined ||
    old.orchestrator !== after.orchestrator ||
    old.product !== after.product ||
    jobs.added.length + jobs.removed.length + jobs.changed.length > 0 ||
    schedules.added.length + schedules.removed.length + schedules.changed.length > 0 ||
    datasets.added.length + datasets.removed.length > 0;
  return {
    changed,
    product: after.product,
    orchestrator: after.orchestrator,
    previousOrchestrator: before ? old.orchestrator : null,
    jobs,
    tasks,
    schedules,
    datasets,
    fireTimeChanges,
  };
}

function describeSchedule(s: Omit<Schedule, "name">): string {
  return `${s.crons.join(" | ")} in ${s.timezone}${s.enabled ? "" : " (paused)"}`;
}

/** The plan as a reviewer reads it: `+` added, `-` removed, `~` changed, and a count line. */
export function renderPlan(plan: Plan, target: string): string {
  const unit = plan.orchestrator === "dagster" ? "asset" : "task";
  const lines: string[] = [
    `floe plan: ${plan.product} for ${plan.orchestrator} against ${target}${plan.previousOrchestrator === null ? " (no floe output there yet)" : ""}`,
  ];
  if (plan.previousOrchestrator !== null && plan.previousOrchestrator !== plan.orchestrator) {
    lines.push(`  ~ orchestrator ${plan.previousOrchestrator} -> ${plan.orchestrator}`);
  }
  for (const name of plan.jobs.added) lines.push(`  + job ${name}`);
  for (const name of plan.jobs.removed) lines.push(`  - job ${name}`);
  for (const job of plan.jobs.changed) {
    lines.push(`  ~ job ${job.name}`);
    for (const t of job.tasksAdded) lines.push(`      + ${unit} ${t}`);
    for (const t of job.tasksRemoved) lines.push(`      - ${unit} ${t}`);
  }
  const next = (c: ScheduleChange) => (c.nextFireTimes.length ? ` (next: ${c.nextFireTimes.join(", ")})` : "");
  for (const c of plan.schedules.added) lines.push(`  + schedule ${c.name} of ${c.job}: ${describeSchedule(c.after!)}${next(c)}`);
  for (const c of plan.schedules.removed) lines.push(`  - schedule ${c.name} of ${c.job}: ${describeSchedule(c.before!)}`);
  for (const c of plan.schedules.changed)
    lines.push(`  ~ schedule ${c.name} of ${c.job}: ${describeSchedule(c.before!)} -> ${describeSchedule(c.after!)}${next(c)}`);
  for (const f of plan.fireTimeChanges) {
    lines.push(
      `  ~ schedule ${f.schedule} fires differently on ${plan.orchestrator}: ${f.before.join(", ") || "-"} -> ${f.after.join(", ") || "-"} (floe schedule diff "${f.cron}" --timezone ${f.timezone})`,
    );
  }
  for (const d of plan.datasets.added) lines.push(`  + dataset ${d}`);
  for (const d of plan.datasets.removed) lines.push(`  - dataset ${d}`);
  const add = plan.jobs.added.length + plan.schedules.added.length + plan.datasets.added.length;
  const remove = plan.jobs.removed.length + plan.schedules.removed.length + plan.datasets.removed.length;
  const change = plan.jobs.changed.length + plan.schedules.changed.length;
  lines.push(
    plan.changed
      ? `Plan: ${add} to add, ${change} to change, ${remove} to remove (${unit}s: ${plan.tasks.added} added, ${plan.tasks.removed} removed).`
      : "No changes: the output in --out already matches.",
  );
  return `${lines.join("\n")}\n`;
}

/** `generate`'s one-line warning when the switch of orchestrator moves a schedule's fire times; undefined when none. */
export function switchWarning(
  before: PlanSummary | undefined,
  after: PlanSummary,
  lookup: ScheduleLookup | undefined,
  from: Date = new Date(),
): string | undefined {
  if (!before || before.orchestrator === after.orchestrator) return undefined;
  const same = sameSchedules(before, after);
  const changes = switchFireTimeChanges(before.orchestrator, after.orchestrator, same, from, lookup);
  if (changes.length === 0) return undefined;
  const first = changes[0]!;
  const more = changes.length > 1 ? ` and ${changes.length - 1} more` : "";
  return `switching ${before.orchestrator} -> ${after.orchestrator} changes when schedule ${first.schedule} (${first.cron} in ${first.timezone}) fires: ${first.before.join(", ") || "-"} becomes ${first.after.join(", ") || "-"}${more} (see floe schedule diff; floe generate --plan lists all)`;
}
