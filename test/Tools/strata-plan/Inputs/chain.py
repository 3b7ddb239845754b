"""Writes a node-link graph to stdout: a chain of N nodes of 100 B where
every node is also read by the last one, so every value is a candidate
for recomputation. Usage: chain.py N"""
import json
import sys

n = int(sys.argv[1])
nodes = [{"id": f"n{i}", "out_cost": 100, "duration": 1.0} for i in range(n)]
links = [{"source": f"n{i - 1}", "target": f"n{i}"} for i in range(1, n)]
links += [{"source": f"n{i}", "target": f"n{n - 1}"} for i in range(n - 2)]
json.dump({"directed": True, "multigraph": False, "graph": {},
           "nodes": nodes, "links": links}, sys.stdout)
