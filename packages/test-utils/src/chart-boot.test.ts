import { describe, expect, it } from "vitest";
import { renderedPods, volumeFiles } from "./chart-boot.js";
import type { K8sObject } from "./chart-checks.js";

const deployment: K8sObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "r-web" },
  spec: {
    template: {
      metadata: { labels: { "app.kubernetes.io/component": "web" } },
      spec: {
        initContainers: [{ name: "wait", args: ["tool", "wait"] }],
        containers: [
          {
            name: "web",
            command: ["server"],
            args: ["--port", "80"],
            workingDir: "/app",
            env: [
              { name: "PLAIN", value: "1" },
              { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
            ],
            volumeMounts: [
              { name: "config", mountPath: "/etc/app/app.cfg", subPath: "app.cfg", readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          { name: "config", configMap: { name: "r-config" } },
          { name: "tmp", emptyDir: {} },
        ],
      },
    },
  },
};
const configMap: K8sObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "r-config" }, data: { "app.cfg": "[core]\n" } };

describe("renderedPods", () => {
  it("joins command and args, resolves secretKeyRef env from the given secrets and names each mount's source", () => {
    const [pod] = renderedPods([deployment, configMap], { db: { password: "s3cret" } });
    expect(pod).toMatchObject({ workload: "Deployment/r-web", component: "web" });
    expect(pod!.initContainers[0]).toMatchObject({ argv: ["tool", "wait"], usesImageEntrypoint: true });
    expect(pod!.containers[0]).toMatchObject({
      argv: ["server", "--port", "80"],
      usesImageEntrypoint: false,
      workingDir: "/app",
      env: { PLAIN: "1", PASSWORD: "s3cret" },
      mounts: [
        { path: "/etc/app/app.cfg", subPath: "app.cfg", readOnly: true, source: { kind: "configMap", name: "r-config" } },
        { path: "/tmp", readOnly: false, source: { kind: "emptyDir" } },
      ],
    });
    expect(volumeFiles([deployment, configMap], {}, { kind: "configMap", name: "r-config" })).toEqual({ "app.cfg": "[core]\n" });
  });

  it("refuses to start a container whose secret the test does not provide, naming env, secret and key", () => {
    expect(() => renderedPods([deployment], {})).toThrow("Deployment/r-web/web: env PASSWORD needs secret db key password");
  });

  it("refuses a volume kind it cannot reproduce locally", () => {
    const withHostPath = structuredClone(deployment);
    withHostPath.spec.template.spec.volumes.push({ name: "host", hostPath: { path: "/" } });
    expect(() => renderedPods([withHostPath], { db: { password: "x" } })).toThrow(/volume host is neither/);
  });
});
