"""Peer of DescribeBench: scikit-learn 1.2.1 on the same rows. Times KMeans (k=50, n_init=1) on the same vectors and
BERTopic's c-TF-IDF keywords (CountVectorizer 1-2-grams with scikit-learn's English stop-words, then
tf * log(1 + A / f)) on the same texts and labels. Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 describe_peer.py DIR"""
import sys, time
import numpy as np
import csv
from collections import defaultdict
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer

d = sys.argv[1]
with open(d + "/rows.csv", newline="", encoding="utf-8") as fh:
    rows = list(csv.DictReader(fh))
x = np.load(d + "/vectors.npy")
k = max(int(r["cluster"]) for r in rows) + 1
t = time.perf_counter()
KMeans(n_clusters=k, n_init=1, random_state=1).fit(x)
fit = time.perf_counter() - t

t = time.perf_counter()
by = defaultdict(list)
for r in rows:
    by[int(r["cluster"])].append(r["text"])
docs = [" ".join(by[c]) for c in range(k)]
vec = CountVectorizer(ngram_range=(1, 2), stop_words="english")
counts = vec.fit_transform(docs)
tf = counts.multiply(1.0 / counts.sum(axis=1)).tocsr()
a = counts.sum() / counts.shape[0]
f = np.asarray(counts.sum(axis=0)).ravel()
scores = tf.multiply(np.log(1 + a / f)).tocsr()
terms = vec.get_feature_names_out()
top = [terms[np.argsort(-scores[c].toarray().ravel())[:10]] for c in range(scores.shape[0])]
ctfidf = time.perf_counter() - t
print(f"sklearn KMeans k={k} n_init=1: {fit:.3f} s")
print(f"sklearn CountVectorizer + c-TF-IDF keywords: {ctfidf:.3f} s")
print("cluster 0 keywords:", ";".join(top[0]))
