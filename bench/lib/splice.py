#!/usr/bin/env python3
"""splice.py FILE SECTION < text : replaces the block between '<!-- BEGIN SECTION -->' and
'<!-- END SECTION -->' in FILE with stdin (appends the block if it is missing), so bench/jmh and bench/run each
rewrite only their own part of bench/RESULTS.md."""
import os, sys
path, sec = sys.argv[1], sys.argv[2]
body = sys.stdin.read().rstrip("\n") + "\n"
begin, end = f"<!-- BEGIN {sec} -->\n", f"<!-- END {sec} -->\n"
old = open(path).read() if os.path.exists(path) else "# jstack benchmark results\n"
i, j = old.find(begin), old.find(end)
if i >= 0 and j > i:
    new = old[:i] + begin + body + old[j:]
else:
    new = old.rstrip("\n") + "\n\n" + begin + body + end
tmp = path + ".tmp"
open(tmp, "w").write(new)
os.replace(tmp, path)
