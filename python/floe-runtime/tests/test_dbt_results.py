from __future__ import annotations

from conftest import BROKEN_MODEL, DbtBuild
from floe_runtime.dbt_results import collect_node_results, dbt_target_path, parents_of_tests, task_results

MODELS = [
    "raw_customers",
    "raw_orders",
    "raw_payments",
    "stg_customers",
    "stg_orders",
    "stg_payments",
    "customers",
    "orders",
    "customer_revenue",
]


def results(build: DbtBuild) -> dict[str, dict[str, object]]:
    nodes = collect_node_results(build.events)
    parents = parents_of_tests(str(build.target / "manifest.json"))
    return task_results(nodes, {m: f"task_{m}" for m in MODELS}, parents)


def test_each_task_gets_its_models_state_as_dbt_build_decided_it(dbt_build: DbtBuild) -> None:
    states = {task: r["status"] for task, r in results(dbt_build).items()}
    assert states == {
        **{f"task_{m}": "success" for m in MODELS},
        f"task_{BROKEN_MODEL}": "failed",
        "task_customer_revenue": "skipped",  # reads orders: dbt skipped it
    }


def test_a_task_carries_its_model_then_its_tests_with_timing_and_log_lines(dbt_build: DbtBuild) -> None:
    by_task = results(dbt_build)
    stg = by_task["task_stg_orders"]["nodes"]
    assert isinstance(stg, list)
    assert stg[0]["unique_id"] == "model.jaffle_shop.stg_orders"
    assert stg[0]["status"] == "success"
    assert isinstance(stg[0]["execution_time"], float)
    assert stg[0]["started_at"]
    assert stg[0]["finished_at"]
    assert any("stg_orders" in line for line in stg[0]["logs"])
    tests = {n["unique_id"].split(".")[2]: n["status"] for n in stg[1:]}
    assert tests == {"not_null_stg_orders_order_id": "pass", "unique_stg_orders_order_id": "pass"}
    broken = by_task[f"task_{BROKEN_MODEL}"]["nodes"]
    assert isinstance(broken, list)
    assert broken[0]["status"] == "error"
    assert "no_such_table" in broken[0]["message"]
    assert "\x1b[" not in broken[0]["message"]


def test_a_failing_test_fails_its_models_task() -> None:
    def event(kind: str, unique_id: str, resource_type: str, status: str) -> dict[str, object]:
        node = {
            "unique_id": unique_id,
            "node_name": unique_id.split(".")[-1],
            "resource_type": resource_type,
            "node_status": status,
        }
        return {"info": {"name": kind, "msg": status.upper()}, "data": {"node_info": node}}

    events = [
        event("LogModelResult", "model.p.a", "model", "success"),
        event("LogTestResult", "test.p.t", "test", "fail"),
        event("SkippingDetails", "model.p.b", "model", "skipped"),
    ]
    out = task_results(collect_node_results(events), {"a": "a", "b": "b", "c": "c"}, {"test.p.t": ["model.p.a"]})
    assert {t: r["status"] for t, r in out.items()} == {"a": "failed", "b": "skipped", "c": "success"}
    assert out["c"]["nodes"] == []  # not reported by dbt (e.g. ephemeral): nothing to build


def test_the_target_path_follows_dbt(tmp_path: object) -> None:
    assert dbt_target_path({"DBT_TARGET_PATH": "/abs/t"}, "/p") == "/abs/t"
    assert dbt_target_path({"DBT_TARGET_PATH": "rel"}, "/p") == "/p/rel"
    assert dbt_target_path({}, "/nonexistent-project") == "/nonexistent-project/target"


def test_results_travel_in_few_xcoms_of_at_most_results_per_xcom_tasks_each() -> None:
    from floe_runtime.dbt_results import RESULTS_PER_XCOM, result_keys

    task_ids = [f"m{i:04d}" for i in range(2 * RESULTS_PER_XCOM + 3)]
    keys = result_keys(reversed(task_ids))
    assert set(keys) == set(task_ids)
    # ceil(n / RESULTS_PER_XCOM) keys, none holding more than RESULTS_PER_XCOM tasks
    assert len(set(keys.values())) == 3
    sizes = [list(keys.values()).count(key) for key in set(keys.values())]
    assert max(sizes) <= RESULTS_PER_XCOM
    assert sum(sizes) == len(task_ids)
    # the same key for a task whatever the order the tasks come in (the build and each model task agree)
    assert result_keys(task_ids) == keys
    assert result_keys([]) == {}
    assert len(result_keys(["only", "only"])) == 1
