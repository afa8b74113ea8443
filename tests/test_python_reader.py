"""The Python reader analysis/python/credere_results.py against h5py, on files credere writes.

Run by ctest as

    python3 test_python_reader.py CREDERE SOURCE_DIR WORK_DIR

It runs the quickstart experiment (small) into WORK_DIR to make: a plain file (the
experiment's modes, no design), a grid design with a parameter of kind names, a
Saltelli design with two modes, the first of two shards (status complete, half the
units done), a run with output.events, and a contagion run with output.network. It
checks that open_results() gives the h5py shapes and values bit for bit, the mode
and design coordinates (names as strings), the root attributes; that it refuses a
non-credere HDF5 file and a format_version 2 copy, warns on the shard file, and masks
its missing units with complete_only; and checks events(), panel() and analysis()
(on copies given a synthetic /panel and /analysis group), network() and provenance().
"""

import os
import shutil
import subprocess
import sys
import traceback
import warnings

REPLICATIONS = 3
PERIODS = 6
SMES = 300

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return bool(cond)


def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def run(credere, out, experiment, *settings):
    cmd = [credere, "run", experiment, "-o", out, "--force", "--quiet",
           "--set", "population.smes=%d" % SMES,
           "--set", "experiment.replications=%d" % REPLICATIONS,
           "--set", "experiment.periods=%d" % PERIODS, "--set", "experiment.burn_in=1"]
    for s in settings:
        cmd += ["--set", s] if not s.startswith("--") else s.split(" ", 1)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except OSError as e:
        sys.exit("FAIL: cannot run %s: %s" % (credere, e))
    if proc.returncode != 0:
        sys.exit("FAIL: %s exited with %d\nstdout:\n%s\nstderr:\n%s"
                 % (" ".join(cmd), proc.returncode, proc.stdout, proc.stderr))
    return out


def bits_equal(np, a, b):
    """Same shape, dtype and bytes (NaN payloads included)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def open_quiet(cr, path, **kw):
    """open_results, returning (dataset, list of IncompleteResultsWarning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = cr.open_results(path, **kw)
    incomplete = [str(w.message) for w in caught
                  if issubclass(w.category, cr.IncompleteResultsWarning)]
    for w in caught:
        if not issubclass(w.category, cr.IncompleteResultsWarning):
            errors.append("%s: unexpected warning %s: %s" % (path, w.category.__name__, w.message))
    return ds, incomplete


def check_file(cr, h5py, np, path, label):
    """Everything open_results() returns against what h5py reads. Returns the Dataset."""
    ds, incomplete = open_quiet(cr, path)
    with h5py.File(path, "r") as f:
        done = f["progress/done"][...]
        status = text(f.attrs["status"])
        complete = status == "complete" and bool((done == 1).all())
        check(complete == (not incomplete),
              "%s: %d incompleteness warnings for status %r, %d of %d units done"
              % (label, len(incomplete), status, int(done.sum()), done.size))

        ncells, nreps = done.shape
        nperiods = f["period"].shape[0]
        check(dict(ds.sizes) == {"cell": ncells, "replication": nreps, "period": nperiods},
              "%s: sizes %s, h5py (%d, %d, %d)" % (label, dict(ds.sizes), ncells, nreps, nperiods))
        for dim in ("cell", "replication", "period"):
            check(bits_equal(np, ds[dim].values, f[dim][...]), "%s: coordinate %s" % (label, dim))

        names = sorted(f["metrics"].keys())
        check(sorted(ds.data_vars) == names,
              "%s: data variables %s, metrics %s" % (label, sorted(ds.data_vars), names))
        for name in names:
            if name not in ds:
                continue
            var, dset = ds[name], f["metrics"][name]
            ref = dset[...]
            check(var.dims == ("cell", "replication", "period"), "%s: %s dims %s"
                  % (label, name, var.dims))
            check(var.shape == dset.shape, "%s: %s shape %s, h5py %s"
                  % (label, name, var.shape, dset.shape))
            check(np.array_equal(var.values, ref, equal_nan=True)
                  and bits_equal(np, var.values, ref),
                  "%s: %s values differ from h5py" % (label, name))
            for a in ("units", "long_name"):
                check(var.attrs.get(a) == text(dset.attrs[a]),
                      "%s: %s attribute %s is %r" % (label, name, a, var.attrs.get(a)))

        modes = [text(m) for m in f["design/mode"][...]]
        check(ds["mode"].dims == ("cell",) and ds["mode"].values.tolist() == modes,
              "%s: mode %s, h5py %s" % (label, ds["mode"].values.tolist(), modes))
        check(all(isinstance(m, str) for m in ds["mode"].values.tolist()),
              "%s: mode values are not str" % label)
        check("done" in ds.variables and bits_equal(np, ds["done"].values, done)
              and ds["done"].dims == ("cell", "replication"), "%s: done differs" % label)

        for name, dset in f["design"].items():
            if name == "mode":
                continue
            kind = text(dset.attrs.get("kind", ""))
            role = text(dset.attrs.get("role", ""))
            ref = dset[...]
            if kind == "names":
                labels = text(dset.attrs["names"]).split("\n")
                want = [labels[int(i)] for i in ref]
                got = ds[name].values.tolist() if name in ds.coords else None
                check(got == want, "%s: names parameter %s is %s, expected %s"
                      % (label, name, got, want))
                check(name + "_index" in ds.coords
                      and bits_equal(np, ds[name + "_index"].values, ref),
                      "%s: %s_index differs from /design/%s" % (label, name, name))
            else:
                check(name in ds.coords and bits_equal(np, ds[name].values, ref),
                      "%s: design coordinate %s differs from /design/%s" % (label, name, name))
            if name in ds.coords:
                check(ds[name].dims == ("cell",) and ds[name].attrs.get("role") == role,
                      "%s: coordinate %s dims %s role %r" % (label, name, ds[name].dims,
                                                             ds[name].attrs.get("role")))

        for a in f.attrs:
            check(a in ds.attrs, "%s: root attribute %s missing from attrs" % (label, a))
        check(ds.attrs.get("seed") == int(f.attrs["seed"]),
              "%s: seed %r" % (label, ds.attrs.get("seed")))
        check(ds.attrs.get("config") == text(f.attrs["config"]) and ds.attrs["config"],
              "%s: config attribute differs" % label)
        check(ds.attrs.get("status") == status, "%s: status %r" % (label, ds.attrs.get("status")))
        check(ds.attrs.get("format_version") == 1, "%s: format_version %r"
              % (label, ds.attrs.get("format_version")))
        for a in f["design"].attrs:
            check("design_" + a in ds.attrs, "%s: design attribute %s missing" % (label, a))

        # by_mode: (point, mode) views of the same values
        nm = int(f["design"].attrs["modes_per_point"])
        b = cr.by_mode(ds)
        check(b.sizes["point"] * b.sizes["mode"] == ncells and b.sizes["mode"] == nm,
              "%s: by_mode sizes %s" % (label, dict(b.sizes)))
        check(b["mode"].values.tolist() == modes[:nm], "%s: by_mode modes" % label)
        x = f["metrics/default_rate"][...]
        check(bits_equal(np, b["default_rate"].values.reshape(x.shape), x),
              "%s: by_mode default_rate is not the cells in point-major order" % label)
        for name in f["design"]:
            if name != "mode" and name in b.coords:
                check(b[name].dims == ("point",), "%s: by_mode %s dims %s"
                      % (label, name, b[name].dims))
    return ds, incomplete


def check_refusals(cr, h5py, np, work, good):
    other = os.path.join(work, "other.h5")
    with h5py.File(other, "w") as f:
        f.attrs["format"] = "something-else"
        f["x"] = np.arange(3.0)
    bare = os.path.join(work, "bare.h5")
    with h5py.File(bare, "w") as f:
        f["x"] = np.arange(3.0)
    v2 = os.path.join(work, "v2.h5")
    shutil.copyfile(good, v2)
    with h5py.File(v2, "r+") as f:
        f.attrs["format_version"] = np.int32(2)
    for path, fn, expect in ((other, cr.open_results, "not a credere results file"),
                             (bare, cr.open_results, "not a credere results file"),
                             (v2, cr.open_results, "format_version 2 is not supported"),
                             (v2, cr.events, "format_version 2 is not supported"),
                             (v2, cr.provenance, "format_version 2 is not supported")):
        try:
            fn(path)
            errors.append("%s(%s) did not refuse the file" % (fn.__name__, path))
        except ValueError as e:
            check(expect in str(e) and path in str(e),
                  "%s(%s): message %r lacks %r" % (fn.__name__, path, str(e), expect))


def check_shard(cr, h5py, np, path, ds, incomplete):
    with h5py.File(path, "r") as f:
        done = f["progress/done"][...]
        check(text(f.attrs["status"]) == "complete" and text(f.attrs["shard"]) == "1/2",
              "shard: status %r shard %r" % (text(f.attrs["status"]), text(f.attrs["shard"])))
        check(0 < done.sum() < done.size, "shard: %d of %d units done" % (done.sum(), done.size))
        check(len(incomplete) == 1 and ("%d of %d units done" % (done.sum(), done.size))
              in incomplete[0], "shard: warning %s" % incomplete)
        full, inc2 = open_quiet(cr, path, complete_only=True)
        check(len(inc2) == 1, "shard, complete_only: %d warnings" % len(inc2))
        for name in f["metrics"]:
            ref = f["metrics"][name][...]
            v = full[name].values
            check(np.isnan(v[done == 0]).all(), "shard, complete_only: %s not NaN for a unit "
                  "not done" % name)
            check(bits_equal(np, v[done == 1], ref[done == 1]),
                  "shard, complete_only: %s of done units differ from h5py" % name)
            check(np.isfinite(v[done == 1]).all(), "shard: %s not finite for a done unit" % name)
    # credere leaves units not done NaN, so complete_only has nothing to mask in its
    # files: a copy with a value written into a unit not done shows that it masks.
    dirty = os.path.join(os.path.dirname(path), "shard_dirty.h5")
    shutil.copyfile(path, dirty)
    c, r = [int(i[0]) for i in np.nonzero(done == 0)]
    with h5py.File(dirty, "r+") as f:
        f["metrics/default_rate"][c, r, :] = 7.0
    raw, _ = open_quiet(cr, dirty)
    masked, _ = open_quiet(cr, dirty, complete_only=True)
    check((raw["default_rate"].values[c, r] == 7.0).all(),
          "dirty shard: the value written into unit (%d, %d) is not read" % (c, r))
    check(np.isnan(masked["default_rate"].values[c, r]).all(),
          "dirty shard, complete_only: unit (%d, %d) not masked" % (c, r))
    check(bits_equal(np, masked["default_rate"].values[done == 1],
                     raw["default_rate"].values[done == 1]),
          "dirty shard, complete_only: done units changed")
    with h5py.File(path, "r") as f:
        # metrics subset
        sub, _ = open_quiet(cr, path, metrics=["default_rate"])
        check(list(sub.data_vars) == ["default_rate"], "metrics=[default_rate] gives %s"
              % list(sub.data_vars))


def check_events(cr, h5py, np, path, plain):
    check(cr.events(plain) is None, "events() of a file without events is not None")
    t = cr.events(path, as_frame=False)
    with h5py.File(path, "r") as f:
        ref = f["events/defaults"][...]
        ncells, nreps = f["progress/done"].shape
        nperiods = f["period"].shape[0]
        modes = [text(m) for m in f["design/mode"][...]]
    if not check(isinstance(t, dict), "events(as_frame=False) gives %s" % type(t)):
        return
    check(len(ref) > 0, "the events run has no defaults")
    for name in ref.dtype.names:
        check(name in t and bits_equal(np, t[name], ref[name]), "events column %s differs" % name)
    cell, rep, per = t["cell"], t["replication"], t["period"]
    check(((cell >= 0) & (cell < ncells)).all(), "events: cell out of range")
    check(((rep >= 0) & (rep < nreps)).all(), "events: replication out of range")
    check(((per >= 0) & (per < nperiods)).all(), "events: period out of range")
    check(t["mode"].tolist() == [modes[c] for c in cell], "events: mode column")
    frame = cr.events(path)  # a DataFrame (pandas comes with xarray), or the dict
    check(len(frame["cell"]) == len(ref) and np.array_equal(np.asarray(frame["loan"]), ref["loan"]),
          "events(): default table differs")


def check_panel(cr, h5py, np, work, plain, shard):
    check(cr.panel(plain) is None, "panel() of a file without /panel is not None")
    rng = np.random.default_rng(1)
    results = {}
    for label, src in (("plain", plain), ("shard", shard)):
        path = os.path.join(work, "panel_%s.h5" % label)
        shutil.copyfile(src, path)
        with h5py.File(path, "r+") as f:
            ncells, nreps = f["progress/done"].shape
            g = f.create_group("panel")
            g["period_sampled"] = np.array([1, 4], dtype=np.int64)
            g["period_sampled"].make_scale("period_sampled")
            for var in ("equity", "debt"):
                g[var] = rng.random((ncells, nreps, 2, 5))
                g[var].dims[2].attach_scale(g["period_sampled"])
            arrays = {v: g[v][...] for v in ("equity", "debt")}
            done = f["progress/done"][...]
            modes = [text(m) for m in f["design/mode"][...]]
        t = cr.panel(path, as_frame=False)
        if not check(isinstance(t, dict), "panel(%s) gives %s" % (label, type(t))):
            continue
        n = int(done.sum()) * 2 * 5
        check(set(t) == {"cell", "mode", "replication", "period", "sme", "equity", "debt"},
              "panel(%s) columns %s" % (label, sorted(t)))
        check(all(len(c) == n for c in t.values()), "panel(%s): rows %s, expected %d"
              % (label, {k: len(c) for k, c in t.items()}, n))
        check(set(t["period"].tolist()) == {1, 4}, "panel(%s): periods %s"
              % (label, sorted(set(t["period"].tolist()))))
        pidx = np.where(t["period"] == 4, 1, 0)
        for v in ("equity", "debt"):
            check(bits_equal(np, t[v], arrays[v][t["cell"], t["replication"], pidx, t["sme"]]),
                  "panel(%s): %s values" % (label, v))
        check(bool(done[t["cell"], t["replication"]].all()), "panel(%s): rows of units not done"
              % label)
        check(t["mode"].tolist() == [modes[c] for c in t["cell"]], "panel(%s): modes" % label)
        results[label] = len(t["cell"])
    return results


def check_analysis(cr, h5py, np, work, plain):
    """analysis() on a synthetic /analysis group: dimension names from a dims attribute
    (as credere analyze writes them) and from attached scales, label datasets as
    coordinates, a compound table."""
    check(cr.analysis(plain) is None, "analysis() of a file without /analysis is not None")
    path = os.path.join(work, "analysis.h5")
    shutil.copyfile(plain, path)
    metrics = ["default_rate", "access_rate", "bank_profit"]
    vstr = h5py.string_dtype("utf-8")
    with h5py.File(path, "r+") as f:
        ncells = f["cell"].shape[0]
        modes = [text(m) for m in f["design/mode"][...]]
        g = f.create_group("analysis")
        g.attrs["level"] = 0.95
        g.create_dataset("metric", data=np.array(metrics, dtype=object), dtype=vstr)
        mean = np.arange(ncells * 3, dtype=np.float64).reshape(ncells, 3) / 7
        g.create_dataset("summary/mean", data=mean).attrs["dims"] = "cell,metric"
        s = g["sobol"] if "sobol" in g else g.create_group("sobol")
        s.create_dataset("parameter", data=np.array(["a.b", "c.d"], dtype=object), dtype=vstr)
        s.create_dataset("S1", data=np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]))
        s["S1"].attrs["dims"] = "parameter,metric"
        g["overall"] = np.arange(ncells, dtype=np.float64)
        g["overall"].dims[0].attach_scale(f["cell"])
        k = g.create_group("scaled")
        k["k"] = np.array([0, 1], dtype=np.int64)
        k["k"].make_scale("k")
        k["x"] = np.array([0.25, 0.5])
        k["x"].dims[0].attach_scale(k["k"])
        k["y"] = np.array([[0.3, 0.6]])
        rows = np.zeros(3, dtype=[("cell", "<u4"), ("mean", "<f8")])
        rows["cell"] = [0, 1, 2]
        rows["mean"] = [0.1, 0.2, 0.3]
        g["table"] = rows
    a = cr.analysis(path, as_frame=False)
    if not check(isinstance(a, dict), "analysis() gives %s" % type(a)):
        return
    check(set(a) == {"overall", "summary", "sobol", "scaled", "table"},
          "analysis() keys %s" % sorted(a))
    if "summary" in a:
        m = a["summary"]
        check(m["mean"].dims == ("cell", "metric") and bits_equal(np, m["mean"].values, mean),
              "analysis summary/mean %s" % m)
        check(m["metric"].values.tolist() == metrics and m["mode"].values.tolist() == modes,
              "analysis summary coordinates %s" % m.coords)
        check(m.attrs.get("analysis_level") == 0.95, "analysis attrs %s" % m.attrs)
    if "sobol" in a:
        s = a["sobol"]
        check(s["S1"].dims == ("parameter", "metric")
              and s["parameter"].values.tolist() == ["a.b", "c.d"]
              and s["metric"].values.tolist() == metrics, "analysis sobol %s" % s)
    if "overall" in a:
        check(a["overall"]["overall"].dims == ("cell",)
              and np.array_equal(a["overall"]["overall"].values, np.arange(ncells)),
              "analysis overall %s" % a["overall"])
    if "scaled" in a:
        k = a["scaled"]
        check(k["x"].dims == ("k",) and k["x"].values.tolist() == [0.25, 0.5]
              and k["k"].values.tolist() == [0, 1], "analysis scaled %s" % k)
        check(k["y"].shape == (1, 2), "analysis scaled y %s" % (k["y"].shape,))
    if "table" in a:
        check(a["table"]["mean"].tolist() == [0.1, 0.2, 0.3], "analysis table %s" % a["table"])


def check_credere_analyze(cr, h5py, np, credere, work, src_file):
    """analysis() on the /analysis group credere analyze writes, when this credere has
    the command (reported in the summary line either way). Returns what was done."""
    probe = subprocess.run([credere, "analyze", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        return "credere analyze not in this binary: synthetic /analysis only"
    path = os.path.join(work, "analyzed.h5")
    shutil.copyfile(src_file, path)
    proc = subprocess.run([credere, "analyze", path, "--quiet", "--bootstrap", "50"],
                          capture_output=True, text=True, timeout=600)
    if not check(proc.returncode == 0, "credere analyze exited %d: %s"
                 % (proc.returncode, proc.stderr)):
        return "credere analyze failed"
    a = cr.analysis(path)
    nvars = 0
    with h5py.File(path, "r") as f:
        labels = [text(m) for m in f["analysis/metric"][...]] if "analysis/metric" in f else None
        for gname, g in f["analysis"].items():
            if not isinstance(g, h5py.Group):
                continue
            if not check(gname in a, "analysis() lacks /analysis/%s" % gname):
                continue
            ds = a[gname]
            for name, dset in g.items():
                if "dims" not in dset.attrs:
                    continue
                dims = tuple(text(dset.attrs["dims"]).split(","))
                got = ds[name] if name in ds else None
                check(got is not None and got.dims == dims
                      and bits_equal(np, got.values, dset[...]),
                      "analysis %s/%s: dims %s, h5py %s" % (gname, name,
                                                           None if got is None else got.dims, dims))
                nvars += 1
            if labels is not None and "metric" in ds.dims:
                check(ds["metric"].values.tolist() == labels, "analysis %s: metric labels" % gname)
    return "credere analyze: %d datasets in %s" % (nvars, sorted(a))


def check_network(cr, h5py, np, path, plain):
    check(cr.network(plain) is None, "network() of a file without /network is not None")
    n = cr.network(path)
    with h5py.File(path, "r") as f:
        for name in ("edges", "mean_degree", "reciprocity"):
            v = n["statistics"][name]
            check(v.dims == ("replication",) and bits_equal(np, v.values, f["network"][name][...]),
                  "network %s: dims %s" % (name, v.dims))
        e = n.get("edges_replication_0")
        check(e is not None and e["guarantor"].dims == ("row",)
              and bits_equal(np, e["share"].values, f["network/edges_replication_0/share"][...]),
              "network edges_replication_0 %s" % e)


def check_provenance(cr, h5py, path):
    p = cr.provenance(path)
    with h5py.File(path, "r") as f:
        history = text(f.attrs["history"])
        check(p["attributes"].get("seed") == int(f.attrs["seed"]), "provenance seed")
        check(p["attributes"].get("command_line") == text(f.attrs["command_line"]),
              "provenance command_line")
        check(p["history"] == [l for l in history.split("\n") if l.strip()] and p["history"],
              "provenance history %r" % p["history"])
        check(p["units_done"] == int(f["progress/done"][...].sum())
              and p["units"] == f["progress/done"].size, "provenance units")
        check(p["design"].get("method") == text(f["design"].attrs["method"]), "provenance design")


def guarded(label, fn, *args):
    """fn(*args), an exception being one more failed check (the others still run)."""
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001  (reported, never swallowed)
        errors.append("%s: %s raised\n%s" % (label, fn.__name__, traceback.format_exc()))
        return None


def check_one(cr, h5py, np, label, path):
    """check_file, and what is particular to each of the test's files."""
    ds, incomplete = check_file(cr, h5py, np, path, label)
    if label == "plain":
        check(ds.attrs.get("design_method") == "none"
              and set(ds.coords) == {"cell", "replication", "period", "mode", "done"},
              "plain: coordinates %s" % sorted(ds.coords))
    if label == "grid":
        check(set(ds["bank.capital_rule"].values.tolist()) == {"irb", "standardised"}
              and ds["bank.capital_rule"].values.dtype.kind == "U",
              "grid: bank.capital_rule %s" % ds["bank.capital_rule"].values)
        check(ds["bank.pricing"].values.tolist() == ["break_even"] * ds.sizes["cell"],
              "grid: bank.pricing %s" % ds["bank.pricing"].values)
        sel = ds.sel(cell=(ds["bank.capital_rule"] == "irb").values)
        check(sel.sizes["cell"] == ds.sizes["cell"] // 2, "grid: selecting irb cells")
    if label == "saltelli":
        check(ds["mode"].values.tolist() == ["direct", "single"] * (ds.sizes["cell"] // 2),
              "saltelli: modes %s" % ds["mode"].values.tolist())
        for s in ("saltelli_sample", "saltelli_matrix"):
            check(s in ds.coords and ds[s].attrs.get("role") == "structure",
                  "saltelli: structure coordinate %s" % s)
        check(cr.by_mode(ds).sizes["point"] == int(ds.attrs["design_points"]),
              "saltelli: by_mode points")
    if label == "shard":
        check_shard(cr, h5py, np, path, ds, incomplete)
    return "%s %s" % (label, "x".join(str(ds.sizes[d]) for d in ds.dims))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: test_python_reader.py CREDERE SOURCE_DIR WORK_DIR")
    credere, src, work = sys.argv[1:4]
    try:
        import h5py
        import numpy as np
        import xarray  # noqa: F401
    except ImportError as e:
        sys.exit("FAIL: this test needs h5py, numpy and xarray (%s); use Debian's /usr/bin/python3"
                 % e)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.join(src, "analysis", "python"))
    try:
        import credere_results as cr
    except ImportError as e:
        sys.exit("FAIL: cannot import credere_results from %s/analysis/python: %s" % (src, e))

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    quick = os.path.join(src, "experiments", "quickstart.yaml")
    w = lambda name: os.path.join(work, name)  # noqa: E731
    plain = run(credere, w("plain.h5"), quick)
    grid = run(credere, w("grid.h5"), quick, "design.method=grid",
               "design.parameters={economy.cycle_ar1: [0.5, 0.9], bank.pricing: [break_even], "
               "bank.capital_rule: [irb, standardised]}", "modes=[direct, alliance]")
    salt = run(credere, w("saltelli.h5"), quick, "design.method=saltelli", "design.samples=4",
               "design.parameters={loans.recovery: [0.2, 0.6], economy.cycle_ar1: [0.3, 0.9]}",
               "modes=[direct, single]")
    shard = run(credere, w("shard.h5"), quick, "--shard 1/2")
    ev = run(credere, w("events.h5"), quick, "output.events=true")
    net = run(credere, w("network.h5"), os.path.join(src, "experiments", "contagion.yaml"),
              "experiment.replications=2", "network.generator=scale_free",
              "output.network=true", "modes=[direct, alliance]")

    summary = []
    for label, path in (("plain", plain), ("grid", grid), ("saltelli", salt), ("shard", shard),
                        ("events", ev), ("network", net)):
        summary.append(guarded(label, check_one, cr, h5py, np, label, path))
    guarded("refusals", check_refusals, cr, h5py, np, work, plain)
    guarded("events", check_events, cr, h5py, np, ev, plain)
    rows = guarded("panel", check_panel, cr, h5py, np, work, plain, shard)
    guarded("analysis", check_analysis, cr, h5py, np, work, plain)
    analyzed = guarded("credere analyze", check_credere_analyze, cr, h5py, np, credere, work,
                       salt)
    guarded("network", check_network, cr, h5py, np, net, plain)
    guarded("provenance", check_provenance, cr, h5py, shard)

    if errors:
        print("FAIL: %d check(s) failed" % len(errors))
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("ok: %s; refusals, shard warning and complete_only, events, panel rows %s, analysis "
          "(%s), network, provenance" % (", ".join(summary), rows, analyzed))


if __name__ == "__main__":
    main()
