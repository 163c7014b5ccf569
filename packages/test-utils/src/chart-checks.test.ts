import { describe, expect, it } from "vitest";
import { manifestProblems, type K8sObject } from "./chart-checks.js";

function deployment(container: Record<string, unknown>, podSecurity: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { securityContext: podSecurity, containers: [{ name: "web", image: "web:1", ...container }] },
      },
    },
  };
}

const restricted = {
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
  resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
  readinessProbe: { httpGet: { path: "/", port: 80 } },
  livenessProbe: { httpGet: { path: "/", port: 80 } },
};

describe("manifestProblems", () => {
  it("accepts a restricted container", async () => {
    expect(await manifestProblems([deployment(restricted)])).toEqual([]);
  });

  it("finds root, privilege escalation, missing limits, probes, unknown fields and bad schema values", async () => {
    const problems = await manifestProblems([
      deployment({
        ...restricted,
        securityContext: { runAsUser: 0, allowPrivilegeEscalation: true },
        resources: { requests: { cpu: "1", memory: "1Gi" } },
        livenessProbe: undefined,
        imagePullPolicyy: "Always",
        ports: [{ containerPort: "80" }],
        volumeMounts: [{ name: "missing", mountPath: "/x" }],
      }),
    ]);
    const text = problems.join("\n");
    for (const expected of [
      "runAsNonRoot is not true",
      "runs as UID 0",
      "allowPrivilegeEscalation is not false",
      "capabilities do not drop ALL",
      "seccompProfile is not RuntimeDefault",
      "no cpu/memory limits",
      "no liveness/readiness probe",
      "unknown container field imagePullPolicyy",
      "mounts undeclared volume missing",
      "containerPort must be integer",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("names kinds kubernetes-models does not know", async () => {
    expect(await manifestProblems([{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }])).toEqual([
      "Widget/w: kubernetes-models knows no example.com/v1 Widget",
    ]);
  });
});
