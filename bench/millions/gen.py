#!/usr/bin/env python3
"""Writes N small files under DIR, PER_DIR to a directory (d000000/f000000 ...), each with its own content of
50-1500 bytes (deterministic: the same N gives the same tree), so deduplication does not make the work trivial.

usage: gen.py DIR N PER_DIR [--only-dir K] [--variant V]
  --only-dir K  rewrite only directory K (the one-directory change; --variant 1 gives it new content, 0 the original)
"""
import os
import sys


def content(i, variant):
    line = ("%d file %d variant %d of the millions benchmark\n" % (i * 7919 % 1000003, i, variant)).encode()
    return line * (1 + (i * 2654435761 % 1500) // len(line))


def write_dir(root, d, per_dir, n, variant):
    path = os.path.join(root, "d%06d" % d)
    os.makedirs(path, exist_ok=True)
    for i in range(d * per_dir, min(n, (d + 1) * per_dir)):
        with open(os.path.join(path, "f%07d" % i), "wb") as f:
            f.write(content(i, variant))


def main():
    args = sys.argv[1:]
    only = None
    variant = 0
    if "--only-dir" in args:
        k = args.index("--only-dir")
        only = int(args[k + 1])
        del args[k:k + 2]
    if "--variant" in args:
        k = args.index("--variant")
        variant = int(args[k + 1])
        del args[k:k + 2]
    root, n, per_dir = args[0], int(args[1]), int(args[2])
    dirs = (n + per_dir - 1) // per_dir
    for d in ([only] if only is not None else range(dirs)):
        write_dir(root, d, per_dir, n, variant)


if __name__ == "__main__":
    main()
