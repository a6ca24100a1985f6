"""Performance benchmarks for issue 4: `python -m benchmarks` runs them all and prints one table.

Every benchmark builds on the same freshly made data (see `data`), runs against
127.0.0.1 only, is bounded in time, and reports ratios against a baseline measured
in the same run, because absolute figures on shared machines drift by 30%.
docs/benchmarks.md says how to run them and what each one measures.
"""

BENCHMARKS = (
    "throughput",
    "beacon",
    "beacon_page",
    "sql",
    "cpu",
    "wire",
    "upload",
    "export",
    "imports",
    "checkout",
    "viral",
    "lighthouse",
    "orders_list",
    "analytics_page",
)
