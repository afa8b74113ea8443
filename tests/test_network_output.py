#!/usr/bin/env python3
"""The optional /network group (output.network): per-replication statistics of the
guarantee network with named dimensions, and replication 0's edge list, consistent
with each other and with the network's definition. The optional /events/defaults
table (output.events) agrees with the per-period metrics.

usage: test_network_output.py CREDERE SOURCE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import xarray as xr


def main():
    credere, src, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = os.path.join(work, "n.h5")
    cmd = [credere, "run", os.path.join(src, "experiments", "contagion.yaml"), "-o", out,
           "--quiet", "--set", "population.smes=3000", "--set", "experiment.periods=4",
           "--set", "experiment.burn_in=1", "--set", "experiment.replications=3",
           "--set", "network.generator=scale_free", "--set", "network.coverage=0.8",
           "--set", "output.network=true", "--set", "output.events=true",
           "--set", "network.debtrank=true", "--set", "network.clearing=true",
           "--set", "supply.generator=stars",
           "--set", "modes=[direct, alliance]"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.exit("FAIL: %s exited %d\n%s" % (" ".join(cmd), proc.returncode, proc.stderr))
    failures = []
    ds = xr.open_dataset(out, group="network", engine="h5netcdf")
    for name in ["edges", "mean_degree", "max_guarantors", "max_guarantees", "reciprocity",
                 "largest_component"]:
        if ds[name].dims != ("replication",):
            failures.append("%s dims %s" % (name, ds[name].dims))
        if "units" not in ds[name].attrs or "long_name" not in ds[name].attrs:
            failures.append("%s lacks units/long_name" % name)
    if not np.allclose(ds["mean_degree"].values, ds["edges"].values / 3000, rtol=1e-12):
        failures.append("mean_degree != edges / smes")
    if not ((ds["reciprocity"] >= 0).all() and (ds["reciprocity"] <= 1).all()):
        failures.append("reciprocity outside [0, 1]")
    if len(set(ds["edges"].values)) < 2:
        failures.append("the networks of different replications do not differ")
    with h5py.File(out, "r") as f:
        t = f["network/edges_replication_0"]
        g, b, s = t["guarantor"][:], t["borrower"][:], t["share"][:]
        if len(g) != int(ds["edges"].values[0]):
            failures.append("edge table has %d rows, edges[0] = %g" % (len(g), ds["edges"][0]))
        dg = f["network/degrees_replication_0"]
        if int(dg["borrowers"][:].sum()) != 3000 or int(dg["guarantors"][:].sum()) != 3000:
            failures.append("degree distributions do not count every SME once")
        if int((dg["degree"][:] * dg["borrowers"][:]).sum()) != len(g):
            failures.append("in-degree distribution does not add up to the edges")
        if (g == b).any():
            failures.append("self-loop in the edge table")
        total = np.zeros(3000)
        np.add.at(total, b.astype(int), s)
        covered = total[total > 0]
        if not np.allclose(covered, 0.8, rtol=1e-12):
            failures.append("shares per borrower do not sum to network.coverage")
    with h5py.File(out, "r") as f:
        ev = f["events/defaults"][:]
        for c in range(2):
            for name, cause in [("fundamental_defaults", 0), ("contagion_defaults", 2)]:
                metric = f["metrics"][name][c]  # [replication, period]
                for r in range(3):
                    for t in range(4):
                        sel = ev[(ev["cell"] == c) & (ev["replication"] == r) &
                                 (ev["period"] == t) & (ev["cause"] == cause) & (ev["loan"] > 0)]
                        if len(sel) != metric[r, t]:
                            failures.append("cell %d rep %d period %d: %d %s events, metric %g"
                                            % (c, r, t, len(sel), name, metric[r, t]))
        dr = f["metrics"]["debtrank"][:]
        if not ((dr >= 0).all() and (dr <= 1).all() and (dr > 0).any()):
            failures.append("debtrank outside [0, 1] or never positive")
        cd, cs = f["metrics"]["clearing_defaults"][:], f["metrics"]["clearing_shortfall"][:]
        if not ((cd >= 0).all() and (cs >= -1e-9).all() and (cd > 0).any()):
            failures.append("clearing metrics negative or never positive")
        # every SME that defaults at the clearing vector owes something it cannot pay
        if ((cd > 0) & (cs <= 0)).any():
            failures.append("clearing defaults without a shortfall")
        fund = ev[ev["cause"] == 0]
        if not (fund["round"] == 0).all() or not (fund["cascade"] == fund["sme"]).all():
            failures.append("fundamental events are not their own cascade roots in round 0")
        cont = ev[ev["cause"] == 2]
        if len(cont) == 0 or not (cont["round"] >= 1).all():
            failures.append("no contagion events, or one in round 0")
    for f_ in failures:
        print("FAIL:", f_)
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
