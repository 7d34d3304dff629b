"""The query table of the search benchmark's report: one JSON object per line
on stdin (name, rps, p50_ms, p99_ms, non_2xx), in the order measured; a
toolreg figure followed by its ceiling gets the ratio of the two."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.strip()]
print("| scenario | req/s | p50 ms | p99 ms | non-2xx | req/s vs ceiling |")
print("|---|---:|---:|---:|---:|---:|")
for i, r in enumerate(rows):
    following = rows[i + 1] if i + 1 < len(rows) else None
    ratio = ""
    if following and "ceiling" in following["name"] and "ceiling" not in r["name"]:
        ratio = f"{r['rps'] / following['rps']:.2f}"
    print(f"| {r['name']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['non_2xx']} | {ratio} |")
