import { describe, expect, it } from "vitest";
import { joinUrl } from "./http/http-probe.js";
import { quoteInput, redactUrl, shortInput } from "./redact.js";

describe("redactUrl", () => {
  it("drops userinfo, query and fragment, saying a query or fragment was there", () => {
    expect(redactUrl("http://user:secret@h:1/x")).toBe("http://h:1/x");
    expect(redactUrl("http://127.0.0.1:3000/?token=TOK123")).toBe("http://127.0.0.1:3000?…");
    expect(redactUrl("https://h/p?a=1&api_key=TOK#frag")).toBe("https://h/p?…#…");
    expect(redactUrl("http://h:3000")).toBe("http://h:3000");
  });

  it("redacts text that does not parse as a URL too", () => {
    expect(redactUrl("http://user:pw@127.0.0.1:99999/")).toBe("http://…@127.0.0.1:99999/");
    expect(redactUrl("http://127.0.0.1:99999/?token=abc")).toBe("http://127.0.0.1:99999/?…");
    expect(redactUrl("not a url")).toBe("not a url");
    expect(redactUrl("http://u:pa/ss@h:99999/x")).toBe("http://…@h:99999/x");
  });

  it("cuts long values", () => {
    expect(redactUrl(`http://h/${"a".repeat(10_000)}`).length).toBeLessThan(200);
  });
});

describe("shortInput and quoteInput", () => {
  it("keep short values and cut long ones, on one line", () => {
    expect(quoteInput("Europe/Lndon")).toBe('"Europe/Lndon"');
    expect(quoteInput("x".repeat(1_000_000))).toMatch(/^"x{120}"…\(1000000 characters\)$/);
    expect(shortInput("a\nb")).toBe("a\\nb");
  });
});

describe("joinUrl", () => {
  it("puts the path before the query", () => {
    expect(joinUrl("http://h:1/?token=x", "graphql")).toBe("http://h:1/graphql?token=x");
    expect(joinUrl("http://h:1/prefix/", "/graphql")).toBe("http://h:1/prefix/graphql");
    expect(joinUrl("http://h:1", "/api/v2/dags?limit=1")).toBe("http://h:1/api/v2/dags?limit=1");
    expect(joinUrl("http://h:1/?token=x", "dags?limit=1")).toBe("http://h:1/dags?token=x&limit=1");
  });
});
