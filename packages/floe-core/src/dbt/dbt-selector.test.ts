import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isFloeError, type FloeError } from "../errors.js";
import {
  DBT_SELECTOR_SPECIAL_SOURCE,
  checkDbtModelName,
  checkDbtModelNames,
  dbtPackageOf,
  dbtSelectorProblem,
  isPlainDbtModelName,
} from "./dbt-selector.js";

const SPECIAL = [",", ":", "+", "@", "*", "?", "[", "]", ".", "/", "\\"];

function refusal(fn: () => void): FloeError {
  try {
    fn();
  } catch (error) {
    if (isFloeError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("dbtSelectorProblem", () => {
  it("accepts plain names, including hostile-but-inert ones", () => {
    for (const name of ["orders", "stg_orders", "a-b", "Ünïcødé☃", "$(touch${IFS}x)", "{{7}}", "'\"", "x#", "123"]) {
      expect(dbtSelectorProblem(name), name).toBeNull();
    }
  });

  it("refuses empty names, whitespace, each grammar character and a leading '-'", () => {
    expect(dbtSelectorProblem("")).toBe("it is empty");
    for (const ch of SPECIAL) expect(dbtSelectorProblem(`a${ch}b`), ch).toContain(JSON.stringify(ch));
    for (const ws of [" ", "\t", "\n", "\r", "\u000b", "\f", "\u00a0", "\u2028", "\u3000", "\ufeff"]) {
      expect(dbtSelectorProblem(`a${ws}b`), JSON.stringify(ws)).toMatch(/whitespace/);
    }
    expect(dbtSelectorProblem("-x")).toMatch(/starts with '-'/);
    expect(dbtSelectorProblem("tag:x")).toContain('":"');
    expect(dbtSelectorProblem("x+")).toContain('"+"');
  });

  it("refuses a name equal to its package (from the unique_id), and only then", () => {
    expect(dbtSelectorProblem("jaffle_shop", "model.jaffle_shop.jaffle_shop")).toMatch(/whole package "jaffle_shop"/);
    expect(dbtSelectorProblem("jaffle_shop", "model.other.jaffle_shop")).toBeNull();
    expect(dbtSelectorProblem("jaffle_shop")).toBeNull();
    expect(dbtPackageOf("seed.shop.raw")).toBe("shop");
    expect(dbtPackageOf("model.shop.orders.v2")).toBe("shop");
    expect(dbtPackageOf("nonsense")).toBeNull();
  });

  it("spells out exactly JavaScript's \\s, so Python's re reads the same set", () => {
    const special = new RegExp(DBT_SELECTOR_SPECIAL_SOURCE, "u");
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const expected = /\s/u.test(ch) || SPECIAL.includes(ch);
      if (special.test(`a${ch}`) !== expected) throw new Error(`U+${cp.toString(16)} disagrees`);
    }
  });

  it("agrees with Python's re on the same source (property)", () => {
    const names = fc.sample(
      fc.string({ unit: "binary", maxLength: 8 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
      { numRuns: 2000, seed: 8 },
    );
    names.push("-x", "a-", " ", "\u0085", "\u001c");
    const script = "import json,re,sys\np=re.compile(sys.argv[1])\nprint(json.dumps([bool(p.search(s)) for s in json.load(sys.stdin)]))";
    const result = spawnSync("python3", ["-c", script, DBT_SELECTOR_SPECIAL_SOURCE], { input: JSON.stringify(names), encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const js = new RegExp(DBT_SELECTOR_SPECIAL_SOURCE, "u");
    expect(JSON.parse(result.stdout)).toEqual(names.map((n) => js.test(n)));
  });

  it("property: a refused name contains a special character, whitespace or a leading '-', or is empty", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 12 }), (name) => {
        const refused = !isPlainDbtModelName(name);
        const explained = name === "" || name.startsWith("-") || /\s/u.test(name) || SPECIAL.some((c) => name.includes(c));
        expect(refused).toBe(explained);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe("checkDbtModelName(s)", () => {
  it("throws FLOE_ARTIFACTS_INVALID at the path, naming the value and with a hint", () => {
    const e = refusal(() => checkDbtModelName("tag:nightly", { path: "transforms.models[2].name" }));
    expect(e.code).toBe("FLOE_ARTIFACTS_INVALID");
    expect(e.path).toBe("transforms.models[2].name");
    expect(e.message).toContain('"tag:nightly"');
    expect(e.hint).toMatch(/rename the model/);
  });

  it("refuses a name equal to the top folder of another model's path", () => {
    const models = [
      { name: "stg_orders", path: "models/staging/stg_orders.sql" },
      { name: "staging", path: "models/marts/staging.sql" },
    ];
    const e = refusal(() => checkDbtModelNames(models, "transforms.models"));
    expect(e.path).toBe("transforms.models[1].name");
    expect(e.message).toContain('"models/staging/stg_orders.sql"');
    // Alone in its own folder, `orders` selects only itself.
    expect(() => checkDbtModelNames([{ name: "orders", path: "models/orders/orders.sql" }], "t")).not.toThrow();
    expect(() =>
      checkDbtModelNames(
        [
          { name: "raw", path: "seeds/raw.csv" },
          { name: "seeds", path: "models/seeds.sql" },
        ],
        "t",
      ),
    ).not.toThrow();
  });

  it("reports the first bad model by index", () => {
    const e = refusal(() => checkDbtModelNames([{ name: "ok" }, { name: "x+" }, { name: "a b" }], "transforms"));
    expect(e.path).toBe("transforms[1].name");
  });
});

describe("versioned models", () => {
  it("accepts <name>.v<version> only when the unique_id is that versioned model's", () => {
    expect(dbtSelectorProblem("dim_customers.v2", "model.shop.dim_customers.v2")).toBeNull();
    expect(dbtSelectorProblem("dim_customers.v_2b", "model.shop.dim_customers.v_2b")).toBeNull();
    expect(dbtSelectorProblem("dim_customers.v2")).toContain('"."');
    expect(dbtSelectorProblem("dim_customers.v2", "model.shop.dim_customers")).toContain('"."');
    expect(dbtSelectorProblem("dim_customers.v2", "seed.shop.dim_customers.v2")).toContain('"."');
    expect(dbtSelectorProblem("a.b.v2", "model.shop.a.b.v2")).toMatch(/"a\.b".*"\."/);
    expect(dbtSelectorProblem("shop.v2", "model.shop.shop.v2")).toMatch(/whole package/);
    expect(dbtSelectorProblem("x+.v2", "model.shop.x+.v2")).toContain('"+"');
    expect(dbtSelectorProblem("dim.v2.1", "model.shop.dim.v2.1")).toContain('"."');
  });
});
