#!/usr/bin/env python3
"""Makes the embedded Fashion-MNIST subset (clr4j-data resource fashion-mnist-small/).

Picks a class-balanced, seeded subset of the official Fashion-MNIST files: PER_CLASS_TRAIN images of each of the
10 classes from the official training set and PER_CLASS_TEST from the official test set. The chosen samples keep
their original relative order. Output: gzipped IDX files (mtime 0, no file name in the header, so reruns are
byte-identical) with the official file names, plus SOURCE.txt naming the chosen indices' checksum.

Usage: python3 make_fashion_mnist_small.py [SOURCE_DIR] [OUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package); any
  directory holding the four official files (gzipped or not) works.
Only the Python standard library is used.
"""
import gzip
import hashlib
import os
import random
import struct
import sys

SEED = 20170828  # Fashion-MNIST's release date; any fixed value would do
PER_CLASS_TRAIN = 1000
PER_CLASS_TEST = 200
CLASSES = 10

# SHA-256 of the decompressed official IDX files (the same constants as FashionMnist.java).
CONTENT_SHA256 = {
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
}


def read(source_dir, name):
    for candidate, opener in ((name + ".gz", gzip.open), (name, open)):
        path = os.path.join(source_dir, candidate)
        if os.path.exists(path):
            with opener(path, "rb") as f:
                data = f.read()
            digest = hashlib.sha256(data).hexdigest()
            if digest != CONTENT_SHA256[name]:
                sys.exit(f"{path}: SHA-256 of content {digest}, expected {CONTENT_SHA256[name]}")
            return data
    sys.exit(f"{name}(.gz) not found in {source_dir}")


def choose(labels, per_class, rng):
    by_class = [[] for _ in range(CLASSES)]
    for i, label in enumerate(labels):
        by_class[label].append(i)
    chosen = []
    for members in by_class:
        if len(members) < per_class:
            sys.exit(f"class has only {len(members)} samples, need {per_class}")
        rng.shuffle(members)
        chosen.extend(members[:per_class])
    return sorted(chosen)


def write_gz(path, data):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(data)


def subset(source_dir, out_dir, prefix, per_class, rng, report):
    images = read(source_dir, prefix + "-images-idx3-ubyte")
    labels = read(source_dir, prefix + "-labels-idx1-ubyte")
    magic, n, rows, cols = struct.unpack(">IIII", images[:16])
    magic_l, n_l = struct.unpack(">II", labels[:8])
    assert magic == 0x803 and magic_l == 0x801 and n == n_l, "not IDX image/label files"
    size = rows * cols
    chosen = choose(labels[8:], per_class, rng)
    out_images = bytearray(struct.pack(">IIII", 0x803, len(chosen), rows, cols))
    out_labels = bytearray(struct.pack(">II", 0x801, len(chosen)))
    for i in chosen:
        out_images += images[16 + i * size:16 + (i + 1) * size]
        out_labels.append(labels[8 + i])
    write_gz(os.path.join(out_dir, prefix + "-images-idx3-ubyte.gz"), bytes(out_images))
    write_gz(os.path.join(out_dir, prefix + "-labels-idx1-ubyte.gz"), bytes(out_labels))
    index_text = ",".join(map(str, chosen)).encode()
    report.append(f"{prefix}: {len(chosen)} samples ({per_class} per class) from the official {prefix} set, "
                  f"indices sha256 {hashlib.sha256(index_text).hexdigest()}")
    report.append(f"  {prefix}-images-idx3-ubyte content sha256 {hashlib.sha256(out_images).hexdigest()}")
    report.append(f"  {prefix}-labels-idx1-ubyte content sha256 {hashlib.sha256(out_labels).hexdigest()}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "main", "resources", "org", "clr4j", "data", "fashion-mnist-small")
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(SEED)
    report = [f"Made by clr4j-data/src/build/make_fashion_mnist_small.py (seed {SEED}) from the official "
              f"Fashion-MNIST files (content checked against their SHA-256)."]
    subset(source_dir, out_dir, "train", PER_CLASS_TRAIN, rng, report)
    subset(source_dir, out_dir, "t10k", PER_CLASS_TEST, rng, report)
    with open(os.path.join(out_dir, "SOURCE.txt"), "w") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
