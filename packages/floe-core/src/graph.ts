/** Checks and orders a transform graph in linear time: duplicates, dangling references, cycles. */
import { FloeError } from "./errors.js";

export interface GraphNode {
  name: string;
  depends_on?: ReadonlyArray<string> | null | undefined;
}

/**
 * Throws FLOE_GRAPH_INVALID naming the models involved when two models share a name, a
 * `depends_on` names no model, or the dependencies form a cycle. `where` prefixes error paths.
 */
export function checkTransformGraph(nodes: ReadonlyArray<GraphNode>, where = "transforms"): void {
  topologicalOrder(nodes, where);
}

/** Model names in an order where every model comes after all it depends on (stable: input order breaks ties). */
export function topologicalOrder(nodes: ReadonlyArray<GraphNode>, where = "transforms"): string[] {
  const index = new Map<string, number>();
  nodes.forEach((node, i) => {
    const seen = index.get(node.name);
    if (seen !== undefined) {
      throw new FloeError("FLOE_GRAPH_INVALID", `model "${node.name}" is defined twice (at ${where}[${seen}] and [${i}])`, {
        path: `${where}[${i}].name`,
        hint: "model names must be unique; rename or remove one of them",
      });
    }
    index.set(node.name, i);
  });
  const indegree = new Array<number>(nodes.length).fill(0);
  const dependants: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    const deps = node.depends_on ?? [];
    const unique = new Set<string>();
    deps.forEach((dep, j) => {
      const target = index.get(dep);
      if (target === undefined) {
        throw new FloeError("FLOE_GRAPH_INVALID", `model "${node.name}" depends on "${dep}", which names no model`, {
          path: `${where}[${i}].depends_on[${j}]`,
          hint: "depend only on models listed in the artifacts, or add the missing model",
        });
      }
      if (unique.has(dep)) return;
      unique.add(dep);
      indegree[i]! += 1;
      dependants[target]!.push(i);
    });
  });
  const queue: number[] = [];
  indegree.forEach((d, i) => {
    if (d === 0) queue.push(i);
  });
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    order.push(nodes[i]!.name);
    for (const j of dependants[i]!) {
      indegree[j]! -= 1;
      if (indegree[j] === 0) queue.push(j);
    }
  }
  if (order.length !== nodes.length) {
    const cycle = findCycle(nodes, index, indegree);
    throw new FloeError("FLOE_GRAPH_INVALID", `dependency cycle: ${cycle.join(" -> ")}`, {
      path: `${where}[${index.get(cycle[0]!)}].depends_on`,
      hint: "break the cycle by removing one of these depends_on entries",
    });
  }
  return order;
}

/** Walks from a node left on the cycle (indegree > 0) until a node repeats; returns that loop. */
function findCycle(nodes: ReadonlyArray<GraphNode>, index: Map<string, number>, indegree: number[]): string[] {
  const start = indegree.findIndex((d) => d > 0);
  const position = new Map<number, number>();
  const path: number[] = [];
  let current = start;
  while (!position.has(current)) {
    position.set(current, path.length);
    path.push(current);
    const next = (nodes[current]!.depends_on ?? []).map((dep) => index.get(dep)!).find((j) => indegree[j]! > 0);
    current = next!;
  }
  const loop = path.slice(position.get(current)!).map((i) => nodes[i]!.name);
  // Print in dependency direction: a depends on b depends on … a.
  return [...loop, loop[0]!];
}
