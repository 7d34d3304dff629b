"""One wrk --latency run as a JSON line: name, req/s, p50 and p99 in ms,
non-2xx responses. Shared by the benchmark scripts.

    python3 bench/wrk_summary.py NAME "$(wrk ... --latency ...)"
"""
import json
import re
import sys

name, text = sys.argv[1], sys.argv[2]


def ms(value):
    m = re.match(r"([\d.]+)(us|ms|s)", value)
    n, unit = float(m.group(1)), m.group(2)
    return n / 1000 if unit == "us" else n * 1000 if unit == "s" else n


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(json.dumps({"name": name, "rps": rps, "p50_ms": p50, "p99_ms": p99,
                  "non_2xx": int(errors.group(1)) if errors else 0}))
