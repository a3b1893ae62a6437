#!/usr/bin/env python3
"""alloc-sites.py JFR_BIN PROFILE.jfr... -> where a JMH benchmark allocates.

Reads the jdk.ObjectAllocationSample events of JFR recordings made with `-prof jfr` (bench/jmh --alloc) and
prints, per recording, the allocation sites by sampled weight: allocated class, then the first frames of the
stack (the allocating method and its callers). Samples from JMH's own threads and infrastructure are left out.
Stdlib only."""
import collections, json, os, subprocess, sys

DEPTH = 4

PRIMITIVE = {"B": "byte", "C": "char", "I": "int", "J": "long", "S": "short", "Z": "boolean", "D": "double", "F": "float"}

def type_name(n):
    dims = len(n) - len(n.lstrip("["))
    base = n[dims:]
    if dims:
        base = PRIMITIVE.get(base, base[1:-1] if base.startswith("L") else base)
    return base.replace("/", ".") + "[]" * dims

def frame(f):
    m = f.get("method") or {}
    t = ((m.get("type") or {}).get("name") or "?").replace("/", ".")
    return f"{t.rsplit('.', 1)[-1]}.{m.get('name', '?')}:{f.get('lineNumber', '?')}"

def sites(jfr_bin, path):
    out = subprocess.run([jfr_bin, "print", "--json", "--events", "jdk.ObjectAllocationSample",
                          "--stack-depth", str(DEPTH), path], capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    agg = collections.Counter()
    for e in events:
        v = e["values"]
        thread = ((v.get("eventThread") or {}).get("javaName") or "")
        if "jmh-worker" not in thread:
            continue
        frames = (v.get("stackTrace") or {}).get("frames") or []
        cls = type_name((v.get("objectClass") or {}).get("name") or "?")
        key = (cls, " < ".join(frame(f) for f in frames[:DEPTH]))
        agg[key] += int(v.get("weight") or 0)
    return agg

def main():
    jfr_bin, files = sys.argv[1], sys.argv[2:]
    for path in files:
        name = os.path.basename(os.path.dirname(path))
        agg = sites(jfr_bin, path)
        total = sum(agg.values())
        print(f"### {name}")
        if not total:
            print("no allocation sampled on the benchmark thread")
            continue
        for (cls, stack), w in agg.most_common(6):
            print(f"- {100 * w / total:5.1f} %  {cls}  at {stack}")
        print()

main()
