#!/usr/bin/env python
"""Rebuild the toy world model that ships with the package (soar/assets/toy) from its recipe, soar.toy.ToyConfig().

    python tools/build_toy_model.py [--out DIR]

Pretrains from scratch (about 5 minutes on 2 quiet CPU cores, 9 with one thread under load), writes model.safetensors, the tokenizer and toy.json into
DIR (default: soar/assets/toy), and prints the SHA-256 to paste into soar.toy.TOY_WEIGHTS_SHA256 (nbs/13_toy.ipynb).
A rebuild on another processor gives slightly different weights (CPU float rounding); nbs/13_toy.ipynb's slow
test checks that a rebuild behaves like the shipped model within stated bounds.
"""
import argparse
from pathlib import Path
from soar.toy import build_toy_assets

ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
ap.add_argument('--out', default=str(Path(__file__).resolve().parent.parent / 'soar' / 'assets' / 'toy'))
a = ap.parse_args()
sha = build_toy_assets(a.out)
print(f"wrote {a.out}\nsha256 {sha}\nset TOY_WEIGHTS_SHA256 = '{sha}' in nbs/13_toy.ipynb, then nbdev_export")
