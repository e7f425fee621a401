"""A deterministic mutation fuzzer for the loader, the rule compiler and the reports.

Targets (`targets.py`): `parser` - the same bytes through PyYAML and through the fast path
(yaml-rs + line scan, forced whatever the size), which must give the same tree, the same
positions or the same error; `rules` - mutated rule packs loaded, compiled and run on the
base project; `reports` - mutated projects through `gdpr_check.check` with both parsers
(same verdict, same JSON report) and rendered in every format. Each case runs in a worker
subprocess under a time limit (10 s) and an address-space limit (2 GB), and the runner counts
crashes, hangs, memory overruns and divergences (`runner.py`).

    python -m tests.fuzz --target parser --cases 200000 --seed 8 --progress fuzz.json

`tests/fuzz/test_fuzz_smoke.py` runs a few thousand cases in CI; docs/security.md
("Parsing") records the long runs.
"""
