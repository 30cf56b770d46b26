"""Writes a CSV of about N megabytes: id (int), zip (leading zeros), price (float), flag (bool), day (timestamp), text."""
import random, sys

target = int(sys.argv[2]) * 1_000_000
words = "the of and to in is was for on that with as by at from this be are or it an have not which one".split()
rnd = random.Random(7)
written = 0
with open(sys.argv[1], "w", encoding="utf-8", newline="") as out:
    out.write("id,zip,price,flag,day,text\n")
    i = 0
    while written < target:
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(4, 16)))
        if i % 10 == 0:
            text = '"' + text + ', quoted ""here"""'
        line = f"{i},{rnd.randint(0, 99999):05d},{rnd.random() * 1000:.4f},{'true' if i % 3 else 'false'},2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z,{text}\n"
        out.write(line)
        written += len(line)
        i += 1
print(f"{sys.argv[1]}: {i} rows, {written} bytes")
