#!/usr/bin/python3
"""Damaged results files for tests/bad-inputs/results/cases.txt, made at test time.

usage: make_fixtures.py VALID.h5 PART2.h5 OUTDIR

VALID.h5 is a small complete results file of `credere run` (tests/test_bad_inputs.sh
makes it from experiments/quickstart.yaml with 200 SMEs, 4 periods, 2 replications),
PART2.h5 the second of its two shards (--shard 2/2), for the merge cases.
Every fixture is a copy of it with one thing wrong, or a file that is not one, so the
catalog follows the writer when the format changes. Needs Debian's python3-h5py.
"""
import os
import shutil
import sys

import h5py
import numpy as np

valid, part2, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
data = open(valid, "rb").read()


def path(name):
    return os.path.join(out, name)


def raw(name, content):
    with open(path(name), "wb") as f:
        f.write(content)


def edited(name, edit, source=None):
    """A copy of VALID.h5 (or source) changed by edit(h5py.File)."""
    shutil.copyfile(source or valid, path(name))
    with h5py.File(path(name), "r+") as f:
        edit(f)


def replace(f, name, value, **kw):
    """Replaces dataset name by value (other shape or type); the attributes are kept."""
    attrs = {k: v for k, v in f[name].attrs.items() if k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
    del f[name]
    f.create_dataset(name, data=value, **kw)
    for k, v in attrs.items():
        f[name].attrs[k] = v


# --- journals of `credere run --resume` that are not journals
raw("junk.h5.journal", b"not touched\n")
raw("empty.h5.journal", b"")
# --- not HDF5 at all
raw("text.h5", b"period,default_rate\n1,0.02\n2,0.03\n")
raw("empty.h5", b"")
raw("binary.h5", bytes(range(256)) * 16)
# --- truncated copies of a valid file: the superblock alone, half of it, all but 1 byte
raw("trunc_1k.h5", data[:1024])
raw("trunc_half.h5", data[: len(data) // 2])
raw("trunc_last.h5", data[:-1])
# --- root attributes
edited("version2.h5", lambda f: f.attrs.modify("format_version", np.int64(2)))
edited("version0.h5", lambda f: f.attrs.modify("format_version", np.int64(0)))
def retype(f, name, value):
    del f.attrs[name]
    f.attrs[name] = value


edited("version_text.h5", lambda f: retype(f, "format_version", "1"))
edited("version_float.h5", lambda f: retype(f, "format_version", 1.5))
edited("seed_text.h5", lambda f: retype(f, "seed", "20261127"))
edited("format_number.h5", lambda f: retype(f, "format", np.int64(1)))
edited("format_other.h5", lambda f: f.attrs.modify("format", "credere-network"))
edited("no_format.h5", lambda f: f.attrs.__delitem__("format"))
edited("no_format_version.h5", lambda f: f.attrs.__delitem__("format_version"))
edited("no_seed.h5", lambda f: f.attrs.__delitem__("seed"))
edited("no_config.h5", lambda f: f.attrs.__delitem__("config"))
edited("no_status.h5", lambda f: f.attrs.__delitem__("status"))
edited("status_running.h5", lambda f: f.attrs.modify("status", "running"))
# --- missing datasets and groups
edited("no_metrics.h5", lambda f: f.__delitem__("metrics"))
edited("no_default_rate.h5", lambda f: f.__delitem__("metrics/default_rate"))
edited("no_progress.h5", lambda f: f.__delitem__("progress"))
edited("no_period.h5", lambda f: f.__delitem__("period"))
edited("no_design.h5", lambda f: f.__delitem__("design"))
# --- wrong shapes and types
edited("metric_2d.h5", lambda f: replace(f, "metrics/default_rate", np.zeros((4, 2))))
edited("metric_short.h5", lambda f: replace(f, "metrics/default_rate", np.zeros((4, 2, 3))))
edited("metric_text.h5", lambda f: replace(f, "metrics/default_rate", np.array([b"x"] * 32).reshape(4, 2, 4)))
edited("done_shape.h5", lambda f: replace(f, "progress/done", np.ones((2, 4), dtype=np.uint8)))
edited("done_empty.h5", lambda f: replace(f, "progress/done", np.ones((0, 2), dtype=np.uint8)))
edited("done_1d.h5", lambda f: replace(f, "progress/done", np.ones(8, dtype=np.uint8)))
edited("mode_shape.h5", lambda f: replace(f, "design/mode", np.array([b"direct"] * 3)))
edited("mode_number.h5", lambda f: replace(f, "design/mode", np.arange(4.0)))
# --- files of another program
with h5py.File(path("foreign.h5"), "w") as f:
    f.create_dataset("x", data=np.arange(10.0))
    f.attrs["title"] = "made by h5py"
with h5py.File(path("foreign_metrics.h5"), "w") as f:  # credere's names, no attributes
    f.create_dataset("metrics/default_rate", data=np.zeros((4, 2, 4)))
    f.create_dataset("progress/done", data=np.ones((4, 2), dtype=np.uint8))
# --- shard 2/2 with one thing wrong, merged with shard 1/2
edited("part2_no_default_rate.h5", lambda f: f.__delitem__("metrics/default_rate"), part2)
edited("part2_no_config.h5", lambda f: f.attrs.__delitem__("config"), part2)
edited("part2_metric_short.h5",
       lambda f: replace(f, "metrics/default_rate", np.zeros((4, 2, 3))), part2)
edited("part2_none_done.h5",
       lambda f: replace(f, "progress/done", np.zeros((4, 2), dtype=np.uint8)), part2)
