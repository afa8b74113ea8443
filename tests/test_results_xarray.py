"""The results file as Python users read it: xarray with the h5netcdf engine, and h5py.

Run by ctest as

    python3 test_results_xarray.py CREDERE SOURCE_DIR WORK_DIR

It runs the quickstart experiment (small) into WORK_DIR/q.h5 and checks that every
group opens in xarray with named dimensions (ARCHITECTURE.md, "HDF5 results file").

For development, CR_CHECK_FILE=/path/file.h5 checks an existing file instead (for
example one kept by test_results with CR_KEEP_RESULTS): the layout checks run, but
not those that need a finished run (status "complete", every unit done, finite values).
"""

import os
import subprocess
import sys

REPLICATIONS = 2
PERIODS = 6
METRIC_DIMS = ("cell", "replication", "period")

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def has_text_attr(attrs, name):
    return isinstance(attrs.get(name), str)


def run_quickstart(credere, source_dir, work_dir):
    os.makedirs(work_dir, exist_ok=True)
    path = os.path.join(work_dir, "q.h5")
    cmd = [credere, "run", os.path.join(source_dir, "experiments", "quickstart.yaml"),
           "-o", path, "--force", "--quiet",
           "--set", "experiment.replications=%d" % REPLICATIONS,
           "--set", "experiment.periods=%d" % PERIODS, "--set", "experiment.burn_in=1",
           "--set", "population.smes=2000"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except OSError as e:
        sys.exit("FAIL: cannot run %s: %s" % (credere, e))
    if proc.returncode != 0:
        sys.exit("FAIL: %s exited with %d\nstdout:\n%s\nstderr:\n%s"
                 % (" ".join(cmd), proc.returncode, proc.stdout, proc.stderr))
    return path


def check_root(h5py, path, finished):
    with h5py.File(path, "r") as f:
        a = f.attrs
        check(a.get("format") == "credere-results",
              "root format attribute is %r" % (a.get("format"),))
        check(isinstance(a.get("format"), str), "format is not read as str")
        v = a.get("format_version")
        check(v is not None and int(v) == 1 and v.dtype.kind == "i",
              "format_version is %r" % (v,))
        for name in ("software_version", "git_revision", "compiler", "compile_flags",
                     "library_versions", "created", "host", "command_line", "config",
                     "status"):
            check(has_text_attr(a, name), "root attribute %s missing or not str" % name)
        for name in ("seed", "threads"):
            check(name in a and a[name].dtype.kind in "iu", "root attribute %s not integer" % name)
        if finished:
            check(a.get("status") == "complete", "status is %r" % (a.get("status"),))
        done = f["progress/done"][...]
        return done.shape


def check_groups(xr, np, path, finished):
    root = xr.open_dataset(path, engine="h5netcdf")
    for dim in METRIC_DIMS:
        check(dim in root.coords, "root has no coordinate %s" % dim)
    sizes = dict(root.sizes)
    root.close()

    design = xr.open_dataset(path, group="design", engine="h5netcdf")
    check("mode" in design, "design has no mode")
    if "mode" in design:
        mode = design["mode"]
        check(mode.dims == ("cell",), "design/mode dims %s" % (mode.dims,))
        values = mode.values.tolist()
        check(all(isinstance(m, str) and m for m in values), "design/mode values %r" % values)
        check(len(values) == sizes.get("cell"), "design/mode has %d cells" % len(values))
    for name, var in design.variables.items():
        check(var.dims == ("cell",), "design/%s dims %s" % (name, var.dims))
        check("units" in var.attrs and has_text_attr(var.attrs, "long_name"),
              "design/%s lacks units or long_name" % name)
    design.close()

    metrics = xr.open_dataset(path, group="metrics", engine="h5netcdf")
    check(len(metrics.data_vars) > 0, "no metrics")
    for name, var in metrics.data_vars.items():
        check(var.dims == METRIC_DIMS, "metrics/%s dims %s" % (name, var.dims))
        check(var.dtype == np.float64, "metrics/%s dtype %s" % (name, var.dtype))
        check(has_text_attr(var.attrs, "units") and has_text_attr(var.attrs, "long_name"),
              "metrics/%s lacks units or long_name: %r" % (name, dict(var.attrs)))
        check(tuple(var.shape) == tuple(sizes.get(d) for d in METRIC_DIMS),
              "metrics/%s shape %s, dimension sizes %s" % (name, var.shape, sizes))
        if finished:
            check(bool(np.isfinite(var.values).all()), "metrics/%s has non-finite values" % name)
    metrics.close()

    progress = xr.open_dataset(path, group="progress", engine="h5netcdf")
    check("done" in progress, "progress has no done")
    if "done" in progress:
        done = progress["done"]
        check(done.dims == ("cell", "replication"), "progress/done dims %s" % (done.dims,))
        check(has_text_attr(done.attrs, "units") and has_text_attr(done.attrs, "long_name"),
              "progress/done lacks units or long_name")
        if finished:
            check(bool((done.values == 1).all()), "not every unit is done")
    progress.close()
    return sizes


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: test_results_xarray.py CREDERE SOURCE_DIR WORK_DIR")
    try:
        import h5py
        import numpy as np
        import xarray as xr
        import h5netcdf  # noqa: F401  (the engine must be importable)
    except ImportError as e:
        sys.exit("FAIL: this test needs h5py, numpy, xarray and h5netcdf (%s); "
                 "use Debian's /usr/bin/python3" % e)

    path = os.environ.get("CR_CHECK_FILE")
    finished = not path
    if finished:
        path = run_quickstart(*sys.argv[1:4])

    done_shape = check_root(h5py, path, finished)
    sizes = check_groups(xr, np, path, finished)
    check(done_shape == (sizes.get("cell"), sizes.get("replication")),
          "progress/done shape %s, dimension sizes %s" % (done_shape, sizes))
    if finished:
        check(sizes.get("replication") == REPLICATIONS, "replications %s" % sizes.get("replication"))
        check(sizes.get("period") == PERIODS, "periods %s" % sizes.get("period"))

    if errors:
        print("FAIL: %s" % path)
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("ok: %s (%s)" % (path, ", ".join("%s=%d" % kv for kv in sorted(sizes.items()))))


if __name__ == "__main__":
    main()
