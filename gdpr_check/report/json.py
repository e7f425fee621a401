"""JSON report (SPEC §7): deterministic, sorted, no timestamps; the input of --baseline."""
from __future__ import annotations

import json


def render(report, **_options) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
