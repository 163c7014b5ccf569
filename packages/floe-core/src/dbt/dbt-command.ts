/**
 * How a plugin runs dbt for one node (model, seed or snapshot), in one place so that both plugins
 * select alike. Each plugin spells the node its own way (a shell variable, a Python variable), so
 * the node is passed in and comes back in its position untouched.
 */

/** The dbt subcommands a plugin runs per node. */
export type DbtNodeCommand = "build" | "run";

/**
 * The arguments after the dbt executable: `build --select <node> --indirect-selection buildable`.
 * `buildable`: a test runs with a node only once every node it reads is built (this node or
 * upstream of it); dbt's default (`eager`) would also run a test that reads a node not built yet,
 * e.g. a relationships test from `orders` to `customers` when only `customers` is selected.
 */
export function dbtNodeArgs<Node>(command: DbtNodeCommand, node: Node): Array<string | Node> {
  return command === "build" ? [command, "--select", node, "--indirect-selection", "buildable"] : [command, "--select", node];
}

/**
 * The arguments after the dbt executable for a whole selection in one invocation: the per-node
 * arguments with every node in the node's position (`build --select a b c --indirect-selection buildable`).
 */
export function dbtSelectionArgs<Node>(command: DbtNodeCommand, nodes: ReadonlyArray<Node>): Array<string | Node> {
  const marker = Symbol("nodes");
  return dbtNodeArgs<Node | typeof marker>(command, marker).flatMap((arg) => (arg === marker ? [...nodes] : [arg as string | Node]));
}
