"""The fuzzer's worker process: runs cases one at a time, under a memory limit.

    python -m tests.fuzz.worker MEMORY_BYTES

reads one JSON request per line (`{"target", "seed", "index"}`) and answers one JSON line
per case (`{"index", "status", "detail", "seconds", "info"}`). The address-space limit
(RLIMIT_AS) turns a memory overrun into a `MemoryError` here (or an abort in native code,
which the runner sees as a signal); the runner enforces the time limit by killing this
process, so nothing here has to be trusted to stop.
"""
from __future__ import annotations

import json
import resource
import sys
import time
import traceback


def main(argv: list[str]) -> int:
    limit = int(argv[0])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from .targets import Divergence, run_case  # imported under the limit, like the cases
    out = sys.stdout
    out.write('{"ready": true}\n')  # the time limit starts with the first case, not here
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        start = time.perf_counter()
        status, detail, info = "ok", "", {}
        try:
            info = run_case(request["target"], request["seed"], request["index"])
        except Divergence as exc:
            status, detail = "divergence", str(exc)[:2000]
        except MemoryError:
            status, detail = "memory", "MemoryError under the address-space limit"
        except RecursionError:
            status, detail = "crash", "RecursionError"
        except Exception:  # noqa: BLE001 - that is what the fuzzer looks for
            status, detail = "crash", traceback.format_exc(limit=-6)[-3000:]
        out.write(json.dumps({"index": request["index"], "status": status, "detail": detail,
                              "seconds": round(time.perf_counter() - start, 4),
                              "info": info}) + "\n")
        out.flush()
        if status == "memory":
            return 0  # a fresh worker for the next case: this heap may be in any state
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
