#!/usr/bin/python3
"""Writes scikit-learn's handwritten digits (1,797 samples of 8x8 = 64 features, 10 classes) as a CSV with a header
and a `label` column, for the range-test grid on a dataset of another shape loaded through clr4j's CSV loader.

Needs Debian's python3-sklearn (it ships the data; nothing is downloaded):
    apt-get install -y python3-sklearn
    /usr/bin/python3 clr4j-bench/scripts/export_sklearn_digits.py /tmp/digits.csv
"""
import csv
import sys

from sklearn.datasets import load_digits

out = sys.argv[1] if len(sys.argv) > 1 else "digits.csv"
digits = load_digits()
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow([f"p{i}" for i in range(digits.data.shape[1])] + ["label"])
    for x, y in zip(digits.data, digits.target):
        w.writerow([int(v) for v in x] + [int(y)])
print(f"wrote {out}: {len(digits.target)} rows, {digits.data.shape[1]} features")
