"""Writes JSON Lines of about N megabytes: id (int), score (float), ok (bool), text (string), vec (8 floats)."""
import json, random, sys

target = int(sys.argv[2]) * 1_000_000
words = "the of and to in is was for on that with as by at from this be are or it an have not which one".split()
rnd = random.Random(7)
written = 0
with open(sys.argv[1], "w", encoding="utf-8") as out:
    i = 0
    while written < target:
        row = {"id": i, "score": round(rnd.random() * 1000, 4), "ok": i % 3 == 0,
               "text": " ".join(rnd.choice(words) for _ in range(rnd.randint(4, 16))),
               "vec": [round(rnd.random(), 5) for _ in range(8)]}
        line = json.dumps(row) + "\n"
        out.write(line)
        written += len(line)
        i += 1
print(f"{sys.argv[1]}: {i} rows, {written} bytes")
