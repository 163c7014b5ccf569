import { describe, expect, it } from "vitest";
import { lineageBaseUrl } from "./lineage-endpoint.js";
import { lineageEndpointUrl } from "./http-transport.js";
import { shareableLineageEndpoint } from "./model-lineage.js";

describe("lineageBaseUrl", () => {
  it("drops the /api/v1/lineage suffix that floe's Python compiler writes", () => {
    expect(lineageBaseUrl("http://h:5000/api/v1/lineage")).toBe("http://h:5000");
    expect(lineageBaseUrl("http://h:5000/api/v1/lineage/")).toBe("http://h:5000");
    expect(lineageBaseUrl("http://h:5000/marquez/api/v1/lineage")).toBe("http://h:5000/marquez");
  });

  it("leaves a base URL, a different path and a non-URL alone", () => {
    expect(lineageBaseUrl("http://h:5000")).toBe("http://h:5000");
    expect(lineageBaseUrl("http://h:5000/marquez/")).toBe("http://h:5000/marquez/");
    expect(lineageBaseUrl("http://h:5000/api/v1/lineage-x")).toBe("http://h:5000/api/v1/lineage-x");
    expect(lineageBaseUrl("not a url")).toBe("not a url");
  });
});

describe("the endpoint with or without the suffix posts to one path", () => {
  it("in the CLI's transport", () => {
    for (const url of ["http://h:5000", "http://h:5000/", "http://h:5000/api/v1/lineage", "http://h:5000/api/v1/lineage/"]) {
      expect(lineageEndpointUrl(url).href).toBe("http://h:5000/api/v1/lineage");
    }
    expect(lineageEndpointUrl("http://h:5000/m/api/v1/lineage").href).toBe("http://h:5000/m/api/v1/lineage");
  });

  it("in the URL both plugins write for their runtimes (which append api/v1/lineage)", () => {
    expect(shareableLineageEndpoint("http://h:5000/api/v1/lineage")).toBe("http://h:5000");
    expect(shareableLineageEndpoint("http://u:p@h:5000/api/v1/lineage?x=1")).toBe("http://h:5000");
    expect(shareableLineageEndpoint("http://h:5000/m/api/v1/lineage/")).toBe("http://h:5000/m");
    expect(shareableLineageEndpoint("http://h:5000")).toBe("http://h:5000");
  });
});
