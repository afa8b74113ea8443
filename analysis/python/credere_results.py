"""Read credere results files (HDF5, format_version 1) into xarray and tables.

The file layout is described in docs/format.md. This module reads it with h5py
(it does not depend on h5netcdf or on how the dimension scales are attached) and
builds labelled xarray objects::

    import credere_results as cr

    ds = cr.open_results("out/quickstart.h5")      # xarray.Dataset
    ds["default_rate"]                              # (cell, replication, period)
    ds["mode"]                                      # mode of each cell
    by = cr.by_mode(ds)                             # (point, mode, replication, period)

Functions:

- :func:`open_results`: every metric, with the design (modes, parameters, the
  Saltelli/Morris structure) as coordinates and the provenance as attributes;
- :func:`by_mode`: the cells split into (design point, mode), for paired comparisons;
- :func:`events`: the optional ``/events/defaults`` table;
- :func:`panel`: the optional ``/panel`` group as a long table;
- :func:`analysis`: the optional ``/analysis`` group (``credere analyze``);
- :func:`network`: the optional ``/network`` group;
- :func:`provenance`: root attributes and history lines.

Tables are ``pandas.DataFrame`` objects when pandas can be imported (it can
wherever xarray can: pandas is a dependency of xarray) and ``as_frame`` is not
False; otherwise (``as_frame=False``) a ``dict`` of column name -> 1-D numpy array.

Requirements: Python >= 3.9, numpy, h5py, xarray (Debian: python3-numpy,
python3-h5py, python3-xarray). The module keeps no state between calls: every
function opens the file, reads what it needs into memory, and closes it.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import h5py
import numpy as np
import xarray as xr

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "IncompleteResultsWarning",
    "open_results",
    "by_mode",
    "events",
    "panel",
    "analysis",
    "network",
    "provenance",
]

#: Value of the root attribute ``format`` of every credere results file.
FORMAT = "credere-results"
#: The ``format_version`` this module reads (docs/format.md, "Versions").
FORMAT_VERSION = 1

PathLike = Union[str, "os.PathLike[str]"]
Table = Any  # a pandas.DataFrame, or a dict of column name -> numpy array

# HDF5 / netCDF bookkeeping attributes that are not metadata for users.
_INTERNAL_ATTRS = frozenset(
    {"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid",
     "_Netcdf4Coordinates", "_nc3_strict", "_NCProperties"}
)
_DIMS = ("cell", "replication", "period")


class IncompleteResultsWarning(UserWarning):
    """Issued when a file's status is not ``complete`` or some units are not done."""


# --------------------------------------------------------------------------- helpers


def _text(value: Any) -> str:
    """A string attribute or element as ``str``, whether h5py gave bytes or str."""
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _strings(values: Any) -> np.ndarray:
    """A string dataset's values (bytes or str, any h5py version) as a numpy str array."""
    arr = np.asarray(values)
    out = [_text(v) for v in arr.ravel()]
    return np.array(out, dtype=str).reshape(arr.shape) if out else np.zeros(arr.shape, dtype=str)


def _attr_value(value: Any) -> Any:
    """An HDF5 attribute value as a plain Python / numpy value (strings decoded)."""
    if isinstance(value, (bytes, np.bytes_, str)):
        return _text(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SUO":
            try:
                return [_text(v) for v in value.ravel()]
            except Exception:  # object references and the like
                return None
        return value
    return value


def _attrs(obj: Any) -> Dict[str, Any]:
    """The user-facing attributes of an h5py object, decoded (bookkeeping ones left out)."""
    out: Dict[str, Any] = {}
    for name in obj.attrs:
        if name in _INTERNAL_ATTRS:
            continue
        try:
            value = _attr_value(obj.attrs[name])
        except (OSError, TypeError, ValueError):  # an attribute type h5py cannot read
            continue
        if value is not None:
            out[name] = value
    return out


def _is_string_dtype(dtype: np.dtype) -> bool:
    if dtype.kind in "SU":
        return True
    check = getattr(h5py, "check_string_dtype", None)  # h5py >= 2.10
    if check is not None:
        return dtype.kind == "O" and check(dtype) is not None
    return dtype.kind == "O" and h5py.check_dtype(vlen=dtype) in (str, bytes)


def _read_values(dset: "h5py.Dataset") -> np.ndarray:
    """All values of a dataset: strings decoded to str, numbers as stored."""
    values = dset[()]
    if _is_string_dtype(dset.dtype):
        return _strings(values)
    return np.asarray(values)


def _check_format(f: "h5py.File", path: PathLike) -> None:
    """Refuse files that are not credere results files of a version this module reads."""
    fmt = f.attrs.get("format")
    if fmt is None or _text(fmt) != FORMAT:
        raise ValueError(
            "%s: not a credere results file (the root attribute 'format' is %s, expected %r)"
            % (os.fspath(path), "missing" if fmt is None else repr(_text(fmt)), FORMAT))
    version = f.attrs.get("format_version")
    try:
        v = int(version)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError("%s: format_version %r is not supported (this reader reads %d)"
                         % (os.fspath(path), version, FORMAT_VERSION)) from None
    if v != FORMAT_VERSION:
        raise ValueError("%s: format_version %d is not supported (this reader reads %d)"
                         % (os.fspath(path), v, FORMAT_VERSION))


def _open(path: PathLike) -> "h5py.File":
    f = h5py.File(path, "r")
    try:
        _check_format(f, path)
    except Exception:
        f.close()
        raise
    return f


def _scale(f: "h5py.File", name: str, size: int) -> np.ndarray:
    """A root dimension scale's values, or 0 .. size-1 when it is missing or the wrong size."""
    if name in f and isinstance(f[name], h5py.Dataset) and f[name].shape == (size,):
        return np.asarray(f[name][()])
    return np.arange(size, dtype=np.int64)


def _sizes(f: "h5py.File") -> Tuple[int, int, int]:
    """(cells, replications, periods) from the scales, /progress/done and the metrics."""
    sizes = {}
    for name in _DIMS:
        if name in f and isinstance(f[name], h5py.Dataset) and f[name].ndim == 1:
            sizes[name] = f[name].shape[0]
    if "progress/done" in f:
        shape = f["progress/done"].shape
        sizes.setdefault("cell", shape[0])
        sizes.setdefault("replication", shape[1])
    if "metrics" in f:
        for dset in f["metrics"].values():
            if isinstance(dset, h5py.Dataset) and dset.ndim == 3:
                for name, n in zip(_DIMS, dset.shape):
                    sizes.setdefault(name, n)
                break
    if "cell" not in sizes and "design/mode" in f:
        sizes["cell"] = f["design/mode"].shape[0]
    missing = [n for n in _DIMS if n not in sizes]
    if missing:
        raise ValueError("%s: cannot tell the size of dimension(s) %s"
                         % (f.filename, ", ".join(missing)))
    return sizes["cell"], sizes["replication"], sizes["period"]


def _done(f: "h5py.File", ncells: int, nreps: int) -> np.ndarray:
    if "progress/done" in f:
        return np.asarray(f["progress/done"][()], dtype=np.uint8)
    return np.zeros((ncells, nreps), dtype=np.uint8)


def _modes(f: "h5py.File", ncells: int) -> np.ndarray:
    if "design/mode" in f:
        return _strings(f["design/mode"][()])
    return np.array([""] * ncells, dtype=str)


def _names(attrs: Mapping[str, Any]) -> List[str]:
    """The ``names`` attribute of a kind=names design parameter, one name per line."""
    names = attrs.get("names", "")
    if isinstance(names, list):
        return [_text(n) for n in names]
    return [n for n in _text(names).split("\n") if n != ""]


def _design_coords(f: "h5py.File", ncells: int) -> List[Tuple[str, np.ndarray, Dict[str, Any]]]:
    """(name, values, attributes) of the per-cell datasets of /design but ``mode``.

    A parameter of kind ``names`` gives two: the names as strings under its own
    name, and the file's index under ``<name>_index``."""
    out: List[Tuple[str, np.ndarray, Dict[str, Any]]] = []
    if "design" not in f:
        return out
    for name, dset in f["design"].items():
        if name == "mode" or not isinstance(dset, h5py.Dataset) or dset.shape != (ncells,):
            continue  # /design/mode, or not a per-cell dataset
        dattrs = _attrs(dset)
        values = _read_values(dset)
        if dattrs.get("kind") == "names" and values.dtype.kind in "fiu":
            labels = _names(dattrs)
            strings = [labels[int(i)] if np.isfinite(i) and 0 <= int(i) < len(labels) else ""
                       for i in values.astype(np.float64)]
            out.append((name, np.array(strings, dtype=str), dattrs))
            out.append((name + "_index", values, dattrs))
        else:
            out.append((name, values, dattrs))
    return out


def _table(columns: Dict[str, np.ndarray], as_frame: Optional[bool]) -> Table:
    """A table as a pandas DataFrame (when wanted and importable) or a dict of arrays."""
    if as_frame is False:
        return columns
    try:
        import pandas as pd
    except ImportError:
        if as_frame:
            raise
        return columns
    return pd.DataFrame(columns)


def _compound_columns(values: np.ndarray) -> Dict[str, np.ndarray]:
    cols: Dict[str, np.ndarray] = {}
    for name in values.dtype.names or ():
        col = values[name]
        cols[name] = _strings(col) if col.dtype.kind in "SO" else np.asarray(col)
    return cols


def _dim_names(dset: "h5py.Dataset") -> List[Tuple[str, Optional[np.ndarray]]]:
    """(name, scale values or None) of each dimension of a dataset.

    The name is that of the first dimension scale attached (the scale dataset's
    name, as netCDF names dimensions); else the dataset's ``dims`` attribute (the
    dimension names, comma-separated, as ``credere analyze`` writes them); else
    ``dim_<i>``."""
    listed: List[str] = []
    if "dims" in dset.attrs:
        try:
            listed = [d.strip() for d in _text(dset.attrs["dims"]).split(",")]
        except (OSError, TypeError, ValueError):
            listed = []
        if len(listed) != dset.ndim or not all(listed):
            listed = []
    out: List[Tuple[str, Optional[np.ndarray]]] = []
    for i in range(dset.ndim):
        name, values = (listed[i] if listed else "dim_%d" % i), None
        try:
            scales = list(dset.dims[i].values()) if "DIMENSION_LIST" in dset.attrs else []
        except Exception:  # unreadable or dangling DIMENSION_LIST
            scales = []
        if scales:
            scale = scales[0]
            name = scale.name.rsplit("/", 1)[-1] if scale.name else name
            if scale.shape == (dset.shape[i],):
                values = _read_values(scale)
        out.append((name, values))
    return out


def _is_scale(dset: "h5py.Dataset") -> bool:
    cls = dset.attrs.get("CLASS")
    return cls is not None and _text(cls) == "DIMENSION_SCALE"


# An extra coordinate offered to a group: (name, dims, values, attrs).
_Extra = Tuple[str, Tuple[str, ...], np.ndarray, Dict[str, Any]]


def _group_to_dataset(group: "h5py.Group", extra: Sequence[_Extra] = (),
                      attrs: Optional[Dict[str, Any]] = None,
                      ) -> Tuple[xr.Dataset, Dict[str, "h5py.Dataset"]]:
    """The datasets directly in a group as one xarray Dataset.

    Dimension names come from the attached dimension scales or the ``dims``
    attribute (:func:`_dim_names`). Coordinates: the group's dimension scales, and
    each 1-D dataset named like a dimension of the group's other datasets (with
    that length), e.g. ``/analysis/sobol/parameter``; then each of ``extra`` whose
    dimensions the group has with the same sizes and whose name is free. Compound
    (table) datasets are not put in the Dataset but returned separately, by name."""
    plain: Dict[str, Tuple[Tuple[str, ...], "h5py.Dataset"]] = {}
    tables: Dict[str, "h5py.Dataset"] = {}
    scale_coords: Dict[str, Any] = {}
    for key, obj in group.items():
        if not isinstance(obj, h5py.Dataset):
            continue
        if obj.dtype.names is not None:
            tables[key] = obj
        elif obj.ndim == 1 and _is_scale(obj):
            scale_coords[key] = obj
        else:
            names = _dim_names(obj)
            plain[key] = (tuple(n for n, _ in names), obj)
            for n, values in names:
                if values is not None and n not in scale_coords:
                    scale_coords[n] = values

    # sizes of the dimensions the group's variables use
    sizes: Dict[str, int] = {}
    for key, (dims, obj) in plain.items():
        for d, n in zip(dims, obj.shape):
            sizes.setdefault(d, n)
    coords: Dict[str, xr.Variable] = {}
    for key, src in scale_coords.items():
        if isinstance(src, h5py.Dataset):
            coords[key] = xr.Variable((key,), _read_values(src), attrs=_attrs(src))
        elif sizes.get(key) == len(src):
            coords[key] = xr.Variable((key,), src)
    data_vars: Dict[str, xr.Variable] = {}
    for key, (dims, obj) in plain.items():
        used_by_others = any(key in d for k, (d, _) in plain.items() if k != key)
        if (obj.ndim == 1 and used_by_others and sizes.get(key) == obj.shape[0]
                and dims[0] in (key, "dim_0")):
            coords[key] = xr.Variable((key,), _read_values(obj), attrs=_attrs(obj))
            continue
        # a dimension used with two sizes cannot be one xarray dimension: rename
        dims = tuple(d if sizes.get(d) == n else "%s_%d" % (d, n) for d, n in zip(dims, obj.shape))
        data_vars[key] = xr.Variable(dims, _read_values(obj), attrs=_attrs(obj))
    for name, dims, values, eattrs in extra:
        if name in coords or name in data_vars or name in sizes and dims != (name,):
            continue
        if all(sizes.get(d) == n for d, n in zip(dims, np.shape(values))) and \
                len(dims) == np.ndim(values):
            coords[name] = xr.Variable(dims, values, attrs=eattrs)
    all_attrs = dict(attrs or {})
    all_attrs.update(_attrs(group))
    return xr.Dataset(data_vars, coords=coords, attrs=all_attrs), tables


# --------------------------------------------------------------------------- public API


def open_results(path: PathLike, complete_only: bool = False, *,
                 metrics: Optional[Sequence[str]] = None) -> xr.Dataset:
    """Open a credere results file as one labelled ``xarray.Dataset`` (read into memory).

    Contents:

    - data variables: every dataset of ``/metrics`` (or only ``metrics``, a list of
      names, to read less of a large file), float64 with dimensions
      ``(cell, replication, period)`` and the attributes ``units`` and ``long_name``;
    - dimension coordinates ``cell``, ``replication``, ``period``: the integers
      0 .. n-1 of the file's dimension scales;
    - coordinate ``mode`` (cell): the financing mode of each cell, as strings;
    - one coordinate on ``cell`` per design parameter, named by its dotted key path
      (``ds["economy.cycle_ar1"]``; dotted names need item access, not attribute
      access), holding the file's float64 values and its attributes (``role``,
      ``kind``, ``units``, ``long_name``, ``min``/``max``/``levels``/``names``). For
      a parameter of kind ``names`` the coordinate holds the names as strings and
      the file's 0-based index is kept as ``<path>_index``;
    - the structure datasets of the design (``saltelli_sample``,
      ``saltelli_matrix``, ``morris_trajectory``, ``morris_step``,
      ``morris_factor``, and any other dataset of ``/design`` of length cell) as
      coordinates on ``cell`` too;
    - coordinate ``done`` (cell, replication), uint8: 1 for the units whose metrics
      are in the file (``/progress/done``). It is a coordinate so that it stays
      attached to every metric selected from the Dataset;
    - ``ds.attrs``: every root attribute (``format``, ``format_version``, ``seed``,
      ``status``, ``shard``, ``config``, ``history``, ...; strings as ``str``, numbers
      as Python numbers) and the attributes of ``/design`` prefixed ``design_``
      (``design_method``, ``design_points``, ``design_modes_per_point``,
      ``design_parameters``, ...; numbers as stored, e.g. float64).

    The file is refused (``ValueError``) when its ``format`` attribute is not
    ``credere-results`` or its ``format_version`` is not 1. A warning
    (:class:`IncompleteResultsWarning`) says how many units are done when the
    status is not ``complete`` or when some units are not done (a ``--shard`` file,
    an interrupted run).

    complete_only: set the metrics of every unit that is not done to NaN. credere
    writes NaN there already (the datasets' fill value), so for files written by
    credere this changes nothing; it guarantees that a reader never sees values of
    a unit ``/progress/done`` does not list. Dimensions are never shortened: select
    complete units with ``ds.where(ds.done == 1)`` or drop cells with
    ``ds.sel(cell=(ds.done == 1).all("replication"))``.
    """
    with _open(path) as f:
        ncells, nreps, nperiods = _sizes(f)
        done = _done(f, ncells, nreps)
        if done.shape != (ncells, nreps):
            raise ValueError("%s: /progress/done has shape %s, expected (%d, %d)"
                             % (os.fspath(path), done.shape, ncells, nreps))
        root_attrs = _attrs(f)
        attrs = dict(root_attrs)
        if "design" in f:
            for key, value in _attrs(f["design"]).items():
                attrs["design_" + key] = value

        coords: Dict[str, Any] = {
            "cell": ("cell", _scale(f, "cell", ncells), _attrs(f["cell"]) if "cell" in f else {}),
            "replication": ("replication", _scale(f, "replication", nreps),
                            _attrs(f["replication"]) if "replication" in f else {}),
            "period": ("period", _scale(f, "period", nperiods),
                       _attrs(f["period"]) if "period" in f else {}),
            "mode": ("cell", _modes(f, ncells),
                     _attrs(f["design/mode"]) if "design/mode" in f else {}),
            "done": (("cell", "replication"), done,
                     _attrs(f["progress/done"]) if "progress/done" in f else {}),
        }

        data_vars: Dict[str, Any] = {}
        group = f["metrics"] if "metrics" in f else {}
        names = list(group.keys()) if metrics is None else list(metrics)
        for name in names:
            if name not in group:
                raise KeyError("%s: no metric %r in /metrics" % (os.fspath(path), name))
            dset = group[name]
            if not isinstance(dset, h5py.Dataset) or dset.shape != (ncells, nreps, nperiods):
                warnings.warn("%s: /metrics/%s has shape %s, not (cell, replication, period) = "
                              "(%d, %d, %d); left out" % (os.fspath(path), name,
                                                         getattr(dset, "shape", None),
                                                         ncells, nreps, nperiods),
                              stacklevel=2)
                continue
            values = np.asarray(dset[()])
            if complete_only:
                values = values.astype(np.float64, copy=True)
                values[done == 0, :] = np.nan
            data_vars[name] = (_DIMS, values, _attrs(dset))

        for name, values, dattrs in _design_coords(f, ncells):
            key = name if name not in data_vars and name not in coords else "design_" + name
            coords[key] = ("cell", values, dattrs)

    ds = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    ds.encoding["source"] = os.fspath(path)

    status = _text(root_attrs.get("status", ""))
    ndone, nunits = int(np.count_nonzero(done)), int(done.size)
    if status != "complete" or ndone < nunits:
        shard = _text(root_attrs.get("shard", ""))
        warnings.warn(
            "%s: status %r%s, %d of %d units done; the metrics of the other units are NaN"
            % (os.fspath(path), status, " (shard %s)" % shard if shard else "", ndone, nunits),
            IncompleteResultsWarning, stacklevel=2)
    return ds


def by_mode(ds: xr.Dataset) -> xr.Dataset:
    """Split the ``cell`` dimension of :func:`open_results`' Dataset into ``(point, mode)``.

    A cell is one design point run in one mode, cell = point x modes + mode index
    (docs/format.md). The result has the dimensions ``point``, ``mode`` (a string
    coordinate: ``.sel(mode="alliance")``), ``replication`` and ``period``; the
    design parameters and structure datasets become coordinates on ``point`` (they
    are the same for every mode of a point), ``done`` and the original ``cell``
    numbers coordinates on ``(point, mode[, replication])``. With common random
    streams (``design_streams == "common"``, the default) the modes of a point and
    replication share their random numbers, so differences between modes are
    paired by ``(point, replication)``.
    """
    ncells = ds.sizes["cell"]
    modes_all = np.asarray(ds["mode"].values).astype(str)
    nmodes = ds.attrs.get("design_modes_per_point")
    if nmodes is None:  # no /design attributes: the modes repeat with the period of the first
        seen: List[str] = []
        for m in modes_all:
            if m in seen:
                break
            seen.append(m)
        nmodes = len(seen)
    nmodes = int(nmodes)
    if nmodes <= 0 or ncells % nmodes != 0:
        raise ValueError("%d cells are not a whole number of points of %d modes" % (ncells, nmodes))
    npoints = ncells // nmodes
    modes = modes_all[:nmodes]
    if not (modes_all.reshape(npoints, nmodes) == modes).all():
        raise ValueError("the cells' modes do not repeat in the order %s" % list(modes))

    def split(var: xr.Variable) -> xr.Variable:
        i = var.dims.index("cell")
        shape = var.shape[:i] + (npoints, nmodes) + var.shape[i + 1:]
        dims = var.dims[:i] + ("point", "mode") + var.dims[i + 1:]
        return xr.Variable(dims, np.asarray(var.values).reshape(shape), attrs=var.attrs)

    data_vars = {name: split(v.variable) for name, v in ds.data_vars.items() if "cell" in v.dims}
    data_vars.update({name: v.variable for name, v in ds.data_vars.items() if "cell" not in v.dims})
    coords: Dict[str, xr.Variable] = {
        "point": xr.Variable(("point",), np.arange(npoints, dtype=np.int64),
                             attrs={"long_name": "design point"}),
        "mode": xr.Variable(("mode",), modes, attrs=ds["mode"].attrs),
        "cell": xr.Variable(("point", "mode"),
                            np.asarray(ds["cell"].values).reshape(npoints, nmodes),
                            attrs=ds["cell"].attrs),
    }
    for name, c in ds.coords.items():
        if name in ("cell", "mode"):
            continue
        if "cell" not in c.dims:
            coords[name] = c.variable
            continue
        v = split(c.variable)
        if c.dims == ("cell",):
            vals = np.asarray(v.values)
            same = all(np.array_equal(vals[:, 0], vals[:, k], equal_nan=vals.dtype.kind == "f")
                       for k in range(1, nmodes))
            if same:  # a property of the point: one value per point
                v = xr.Variable(("point",), vals[:, 0], attrs=c.attrs)
        coords[name] = v
    out = xr.Dataset(data_vars, coords=coords, attrs=ds.attrs)
    out.encoding.update(ds.encoding)
    return out


def events(path: PathLike, as_frame: Optional[bool] = None) -> Optional[Table]:
    """The ``/events/defaults`` table (``output.events: true``), one row per SME failure.

    Columns: the file's fields ``cell``, ``replication``, ``period``, ``sme``,
    ``cause`` (0 fundamental, 1 strategic, 2 contagion), ``cascade``, ``round``,
    ``loan`` (docs/format.md), with their stored integer and float types, and
    ``mode``, the mode of the row's cell (strings). Returns a pandas DataFrame, or a
    dict of numpy arrays when ``as_frame=False`` (or when pandas is not importable
    and ``as_frame`` is None); ``None`` when the file has no event table.
    """
    with _open(path) as f:
        if "events/defaults" not in f:
            return None
        values = f["events/defaults"][()]
        ncells = _sizes(f)[0]
        modes = _modes(f, ncells)
    cols = _compound_columns(values)
    if "cell" in cols:
        cell = cols["cell"].astype(np.int64)
        ok = (cell >= 0) & (cell < len(modes))
        mode = np.full(len(cell), "", dtype=modes.dtype if len(modes) else str)
        mode[ok] = modes[cell[ok]]
        cols["mode"] = mode
    return _table(cols, as_frame)


def panel(path: PathLike, as_frame: Optional[bool] = None) -> Optional[Table]:
    """The ``/panel`` group (SME-level panel output) as a tidy long table, or ``None``.

    credere does not write ``/panel`` yet; when it does, its layout is the one
    docs/format.md describes. This reader expects datasets ``/panel/<variable>``,
    float64 ``[cell, replication, period, sme]``, where the period axis may be a
    subset of the periods (sampled): its values come from the dimension scale
    attached to axis 2 (or from a 1-D dataset ``/panel/period`` or
    ``/panel/period_sampled`` of that length), else 0 .. n-1; likewise ``sme``.

    Returns one row per (cell, replication, period, sme) of the units that are done
    (``/progress/done``), with the columns ``cell``, ``mode``, ``replication``,
    ``period``, ``sme`` and one column per variable; a DataFrame, or a dict of numpy
    arrays with ``as_frame=False``. Variables whose shape differs from the first
    one's are left out with a warning. The table has cells x replications x periods
    x SMEs rows: select in h5py first for very large panels.
    """
    with _open(path) as f:
        if "panel" not in f:
            return None
        group = f["panel"]
        ncells, nreps, _ = _sizes(f)
        done = _done(f, ncells, nreps)
        modes = _modes(f, ncells)
        variables: Dict[str, np.ndarray] = {}
        shape: Optional[Tuple[int, ...]] = None
        axis_values: List[np.ndarray] = []
        for name, dset in group.items():
            if not isinstance(dset, h5py.Dataset) or dset.ndim != 4 or _is_scale(dset):
                continue
            if shape is None:
                shape = dset.shape
                if shape[:2] != (ncells, nreps):
                    raise ValueError("%s: /panel/%s has shape %s; expected (cell, replication, "
                                     "period, sme) with %d cells and %d replications"
                                     % (os.fspath(path), name, shape, ncells, nreps))
                dims = _dim_names(dset)
                for axis, fallbacks in ((2, ("period_sampled", "period")), (3, ("sme",))):
                    vals = dims[axis][1]
                    if vals is None:
                        for fb in fallbacks:
                            if fb in group and isinstance(group[fb], h5py.Dataset) \
                                    and group[fb].shape == (shape[axis],):
                                vals = np.asarray(group[fb][()])
                                break
                    if vals is None:
                        vals = np.arange(shape[axis], dtype=np.int64)
                    axis_values.append(np.asarray(vals))
            elif dset.shape != shape:
                warnings.warn("%s: /panel/%s has shape %s, not %s; left out"
                              % (os.fspath(path), name, dset.shape, shape), stacklevel=2)
                continue
            variables[name] = np.asarray(dset[()])
    if shape is None:
        return _table({"cell": np.zeros(0, np.int64), "mode": np.zeros(0, str),
                       "replication": np.zeros(0, np.int64), "period": np.zeros(0, np.int64),
                       "sme": np.zeros(0, np.int64)}, as_frame)
    c, r, p, s = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), np.arange(shape[2]),
                             np.arange(shape[3]), indexing="ij")
    keep = (done[c, r] != 0).ravel()
    cols: Dict[str, np.ndarray] = {
        "cell": c.ravel()[keep].astype(np.int64),
        "mode": modes[c.ravel()[keep]] if len(modes) else np.zeros(int(keep.sum()), str),
        "replication": r.ravel()[keep].astype(np.int64),
        "period": axis_values[0][p.ravel()[keep]],
        "sme": axis_values[1][s.ravel()[keep]],
    }
    for name, values in variables.items():
        cols[name] = values.ravel()[keep]
    return _table(cols, as_frame)


def _collect(group: "h5py.Group", prefix: str, out: Dict[str, Any], as_frame: Optional[bool],
             extra: Sequence[_Extra] = (), attrs: Optional[Dict[str, Any]] = None) -> None:
    """Put a subgroup (as one Dataset), its tables and its subgroups into ``out``."""
    ds, tables = _group_to_dataset(group, extra, attrs)
    if ds.data_vars or ds.coords:
        out[prefix.rstrip("/")] = ds
    for name, dset in tables.items():
        out[prefix + name] = _table(_compound_columns(dset[()]), as_frame)
    for name, sub in group.items():
        if isinstance(sub, h5py.Group):
            _collect(sub, prefix + name + "/", out, as_frame, extra, attrs)


def analysis(path: PathLike, as_frame: Optional[bool] = None) -> Optional[Dict[str, Any]]:
    """The ``/analysis`` group (written by ``credere analyze``), or ``None`` when absent.

    Returns a dict, name -> object, of whatever the group holds, read generically:

    - each subgroup (``/analysis/<name>``, e.g. ``summary``, ``paired``, ``sobol``;
      nested ones as ``<name>/<sub>``) -> an ``xarray.Dataset`` of its datasets.
      Dimensions are named by the attached dimension scales or by each dataset's
      ``dims`` attribute (``"cell,metric"``), else ``dim_<i>``. Coordinates: a 1-D
      dataset named like a dimension (``sobol/parameter``, ``sobol/mode``, or the
      group-wide ``/analysis/metric``); on a ``cell`` dimension of the file's
      length, ``cell``, ``mode`` and the design parameters as in
      :func:`open_results`. Attributes: the subgroup's, and those of ``/analysis``
      prefixed ``analysis_`` (``analysis_burn_in``, ``analysis_level``, ...);
    - each other dataset directly in ``/analysis`` -> a one-variable
      ``xarray.Dataset`` named like it (1-D datasets without a ``dims`` attribute,
      like ``/analysis/metric``, serve as coordinates and are not listed);
    - each compound (table) dataset, anywhere below -> a table (DataFrame, or dict
      of numpy arrays with ``as_frame=False``) under its path below ``/analysis``.
    """
    with _open(path) as f:
        if "analysis" not in f:
            return None
        group = f["analysis"]
        ncells = _sizes(f)[0]
        attrs = {"analysis_" + k: v for k, v in _attrs(group).items()}
        extra: List[_Extra] = []
        labels = set()
        for name, dset in group.items():
            if isinstance(dset, h5py.Dataset) and dset.ndim == 1 and dset.dtype.names is None \
                    and _dim_names(dset)[0][0] in (name, "dim_0"):
                extra.append((name, (name,), _read_values(dset), _attrs(dset)))
                labels.add(name)
        extra.append(("cell", ("cell",), _scale(f, "cell", ncells),
                      _attrs(f["cell"]) if "cell" in f else {}))
        extra.append(("mode", ("cell",), _modes(f, ncells),
                      _attrs(f["design/mode"]) if "design/mode" in f else {}))
        extra.extend((name, ("cell",), values, a) for name, values, a in _design_coords(f, ncells))

        out: Dict[str, Any] = {}
        ds, tables = _group_to_dataset(group, extra, attrs)
        for name in ds.data_vars:
            if name not in labels:
                out[name] = ds[[name]]
        for name, dset in tables.items():
            out[name] = _table(_compound_columns(dset[()]), as_frame)
        for name, sub in group.items():
            if isinstance(sub, h5py.Group):
                _collect(sub, name + "/", out, as_frame, extra, attrs)
        return out


def network(path: PathLike, as_frame: Optional[bool] = None) -> Optional[Dict[str, Any]]:
    """The ``/network`` group (``output.network: true``), or ``None`` when absent.

    Returns a dict: ``"statistics"`` -> ``xarray.Dataset`` of the per-replication
    statistics (``edges``, ``mean_degree``, ...; dimension ``replication``), and one
    ``xarray.Dataset`` per subgroup (``"edges_replication_0"``,
    ``"degrees_replication_0"``: columns on the dimension ``row``).
    """
    with _open(path) as f:
        if "network" not in f:
            return None
        group = f["network"]
        ds, tables = _group_to_dataset(group)
        out: Dict[str, Any] = {"statistics": ds}
        for name, dset in tables.items():
            out[name] = _table(_compound_columns(dset[()]), as_frame)
        for name, sub in group.items():
            if isinstance(sub, h5py.Group):
                _collect(sub, name + "/", out, as_frame)
        return out


def provenance(path: PathLike) -> Dict[str, Any]:
    """Where a results file comes from.

    Returns a dict with:

    - ``"attributes"``: every root attribute, decoded (``software_version``,
      ``git_revision``, ``compiler``, ``command_line``, ``created``, ``host``,
      ``seed``, ``status``, ``shard``, ``config``, ``history``, ...);
    - ``"history"``: the ``history`` attribute as a list of lines (merged parts'
      own histories keep their indentation);
    - ``"design"``: the attributes of the ``/design`` group (empty when absent);
    - ``"units_done"`` and ``"units"``: units done (``/progress/done``) and in all.
    """
    with _open(path) as f:
        attrs = _attrs(f)
        design = _attrs(f["design"]) if "design" in f else {}
        ncells, nreps, _ = _sizes(f)
        done = _done(f, ncells, nreps)
    history = [line for line in _text(attrs.get("history", "")).split("\n") if line.strip()]
    return {"attributes": attrs, "history": history, "design": design,
            "units_done": int(np.count_nonzero(done)), "units": int(done.size)}
