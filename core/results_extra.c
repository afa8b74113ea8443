/* The optional parts of a results file (results.h): groups of vectors and tables
 * (/network, /analysis), the failures in /events and the panel in /panel, written
 * in pre-compressed chunks (core/zchunk.h); and the reader of one unit's panel.
 * Shares the writer's internals through results_impl.h. */
#include "core/results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "core/results_impl.h"
#include "core/zchunk.h"

static hid_t open_or_make_group(cr_i_results_ctx *c, hid_t file, const char *name)
{
    if (H5Lexists(file, name, H5P_DEFAULT) > 0)
        return H5Gopen2(file, name, H5P_DEFAULT);
    return cr_i_results_make_group(c, file, name);
}

static cr_status write_vectors_impl(cr_results *r, const char *group, size_t nvec,
                                    const cr_var_desc *vars, const double *values, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    hid_t g = open_or_make_group(&c, r->file, group);
    hid_t scale = g >= 0 ? H5Dopen2(r->file, "replication", H5P_DEFAULT) : -1;
    hsize_t dim = r->nreplications;
    for (size_t k = 0; g >= 0 && scale >= 0 && k < nvec && c.status == CR_OK; k++) {
        hid_t ds = cr_i_results_make_dataset(&c, g, group, vars[k].name, H5T_IEEE_F64LE, 1, &dim,
                                             H5P_DEFAULT, &scale, vars[k].units, vars[k].long_name);
        if (ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                values + k * r->nreplications) < 0)
            cr_i_results_note_h5(&c, CR_EHDF5, "cannot write /%s/%s", group, vars[k].name);
        if (ds >= 0)
            H5Dclose(ds);
    }
    if (scale >= 0)
        H5Dclose(scale);
    if (g >= 0)
        H5Gclose(g);
    if (c.status == CR_OK && H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0)
        cr_i_results_note_h5(&c, CR_EIO, "cannot flush /%s", group);
    return c.status;
}

cr_status cr_results_write_vectors(cr_results *r, const char *group, size_t nvec,
                                   const cr_var_desc *vars, const double *values, cr_diag *d)
{
    if (!r || !group || cr_i_results_bad_name(group) || (nvec && (!vars || !values)))
        return cr_diag_set(d, CR_EINVAL, "results: bad arguments to write_vectors");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = write_vectors_impl(r, group, nvec, vars, values, d);
    cr_i_results_quiet_end(q);
    return s;
}

static cr_status write_table_impl(cr_results *r, const char *group, const char *sub, size_t nrows,
                                  size_t ncols, const cr_var_desc *cols, const double *values,
                                  cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    hid_t g = open_or_make_group(&c, r->file, group), t = -1, scale = -1;
    if (g >= 0)
        t = cr_i_results_make_group(&c, g, sub);
    if (t >= 0) {
        /* the table's own row dimension, a scale inside its group */
        scale = cr_i_results_make_scale(&c, t, "row", nrows, "row of the table");
    }
    hsize_t dim = nrows;
    for (size_t k = 0; scale >= 0 && k < ncols && c.status == CR_OK; k++) {
        hid_t ds = cr_i_results_make_dataset(&c, t, sub, cols[k].name, H5T_IEEE_F64LE, 1, &dim,
                                             H5P_DEFAULT, &scale, cols[k].units, cols[k].long_name);
        if (ds >= 0 && nrows > 0 &&
            H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values + k * nrows) < 0)
            cr_i_results_note_h5(&c, CR_EHDF5, "cannot write /%s/%s/%s", group, sub, cols[k].name);
        if (ds >= 0)
            H5Dclose(ds);
    }
    if (scale >= 0)
        H5Dclose(scale);
    if (t >= 0)
        H5Gclose(t);
    if (g >= 0)
        H5Gclose(g);
    if (c.status == CR_OK && H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0)
        cr_i_results_note_h5(&c, CR_EIO, "cannot flush /%s/%s", group, sub);
    return c.status;
}

cr_status cr_results_write_table(cr_results *r, const char *group, const char *sub, size_t nrows,
                                 size_t ncols, const cr_var_desc *cols, const double *values,
                                 cr_diag *d)
{
    if (!r || !group || !sub || cr_i_results_bad_name(group) || cr_i_results_bad_name(sub) ||
        (ncols && !cols) || (nrows && ncols && !values))
        return cr_diag_set(d, CR_EINVAL, "results: bad arguments to write_table");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = write_table_impl(r, group, sub, nrows, ncols, cols, values, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* ------------------------------------------------------------------ events */

static hid_t event_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(cr_event));
    if (t < 0)
        return -1;
    H5Tinsert(t, "cell", HOFFSET(cr_event, cell), H5T_NATIVE_UINT32);
    H5Tinsert(t, "replication", HOFFSET(cr_event, replication), H5T_NATIVE_UINT32);
    H5Tinsert(t, "period", HOFFSET(cr_event, period), H5T_NATIVE_INT32);
    H5Tinsert(t, "sme", HOFFSET(cr_event, sme), H5T_NATIVE_UINT32);
    H5Tinsert(t, "cause", HOFFSET(cr_event, cause), H5T_NATIVE_UINT8);
    H5Tinsert(t, "cascade", HOFFSET(cr_event, cascade), H5T_NATIVE_UINT32);
    H5Tinsert(t, "round", HOFFSET(cr_event, round), H5T_NATIVE_INT32);
    H5Tinsert(t, "loan", HOFFSET(cr_event, loan), H5T_NATIVE_DOUBLE);
    return t;
}

static cr_status append_events_impl(cr_results *r, cr_event *ev, size_t n, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    hid_t type = event_type();
    if (type < 0)
        return cr_i_results_note_h5(&c, CR_EHDF5, "cannot make the event type"), c.status;
    if (r->events < 0) {
        hid_t g = open_or_make_group(&c, r->file, "events");
        hsize_t dim = 0, maxdim = H5S_UNLIMITED, chunk = 4096;
        hid_t sp = H5Screate_simple(1, &dim, &maxdim), dcpl = H5Pcreate(H5P_DATASET_CREATE);
        if (g >= 0 && sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0 &&
            H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, 4) >= 0)
            r->events = H5Dcreate2(g, "defaults", type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (r->events < 0)
            cr_i_results_note_h5(&c, CR_EHDF5, "cannot create /events/defaults");
        else
            cr_i_results_put_str_attr(
                &c, r->events, "long_name",
                "SME failures: cause 0 fundamental, 1 strategic, 2 contagion; cascade = "
                "root SME; round of calls (0: fundamental); loan = principal in default");
        if (dcpl >= 0)
            H5Pclose(dcpl);
        if (sp >= 0)
            H5Sclose(sp);
        if (g >= 0)
            H5Gclose(g);
    }
    if (c.status == CR_OK && n > 0) {
        hsize_t start = r->nevents, count = n, total = r->nevents + n;
        hid_t fs = -1, ms = H5Screate_simple(1, &count, NULL);
        int ok = H5Dset_extent(r->events, &total) >= 0 && (fs = H5Dget_space(r->events)) >= 0 &&
                 H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
                 H5Dwrite(r->events, type, ms, fs, H5P_DEFAULT, ev) >= 0;
        if (fs >= 0)
            H5Sclose(fs);
        if (ms >= 0)
            H5Sclose(ms);
        if (!ok)
            cr_i_results_note_h5(&c, CR_EHDF5, "cannot append to /events/defaults");
        else
            r->nevents = total;
    }
    H5Tclose(type);
    return c.status;
}

cr_status cr_results_append_events(cr_results *r, size_t cell, size_t replication, cr_event *events,
                                   size_t n, cr_diag *d)
{
    if (!r || (n && !events))
        return cr_diag_set(d, CR_EINVAL, "results: bad arguments to append_events");
    for (size_t k = 0; k < n; k++) {
        events[k].cell = (uint32_t)cell;
        events[k].replication = (uint32_t)replication;
    }
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = append_events_impl(r, events, n, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* ------------------------------------------------------------------ panel */

/* Creates /panel on the first unit: the sampled periods and SME slots, and one
 * empty dataset [cell, replication, period_sampled, sme] per variable. */
static int create_panel(cr_i_results_ctx *c, cr_results *r, size_t nvar, const cr_var_desc *vars,
                        size_t nt, size_t nsme, const double *periods, const double *slots)
{
    hid_t g = cr_i_results_make_group(c, r->file, "panel");
    if (g < 0)
        return -1;
    hsize_t dims[4] = {r->ncells, r->nreplications, nt, nsme};
    /* chunks of up to 64 sampled periods x 2048 SMEs (core/zchunk.h), deflate
     * without shuffle: written precompressed by cr_results_write_panel_chunks */
    size_t ct, cu;
    cr_zchunk_shape(nt, nsme, &ct, &cu);
    hsize_t chunk[4] = {1, 1, ct, cu};
    double nan = NAN;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    int ok = dcpl >= 0 && H5Pset_chunk(dcpl, 4, chunk) >= 0 &&
             H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan) >= 0 &&
             H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) >= 0;
    if (ok && r->compression > 0)
        ok = H5Pset_deflate(dcpl, (unsigned)r->compression) >= 0;
    hsize_t n1 = nt, n2 = nsme;
    hid_t ds = ok ? cr_i_results_make_dataset(c, g, "panel", "period_sampled", H5T_IEEE_F64LE, 1,
                                              &n1, H5P_DEFAULT, NULL, "period",
                                              "simulation period of each sample")
                  : -1;
    ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, periods) >= 0;
    if (ds >= 0)
        H5Dclose(ds);
    ds = ok ? cr_i_results_make_dataset(c, g, "panel", "sme", H5T_IEEE_F64LE, 1, &n2, H5P_DEFAULT,
                                        NULL, "1", "slot of each sampled SME")
            : -1;
    ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, slots) >= 0;
    if (ds >= 0)
        H5Dclose(ds);
    for (size_t v = 0; ok && v < nvar; v++) {
        ds = cr_i_results_make_dataset(c, g, "panel", vars[v].name, H5T_IEEE_F64LE, 4, dims, dcpl,
                                       NULL, vars[v].units, vars[v].long_name);
        ok = ds >= 0 &&
             cr_i_results_put_str_attr(c, ds, "dims", "cell,replication,period_sampled,sme") == 0;
        if (ds >= 0)
            H5Dclose(ds);
    }
    if (!ok && c->status == CR_OK)
        cr_i_results_note_h5(c, CR_EHDF5, "cannot create /panel");
    if (dcpl >= 0)
        H5Pclose(dcpl);
    H5Gclose(g);
    return ok ? 0 : -1;
}

static cr_status write_panel_impl(cr_results *r, size_t cell, size_t rep, size_t nvar,
                                  const cr_var_desc *vars, const double *periods,
                                  const double *slots, const cr_zchunks *z, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    if (H5Lexists(r->file, "panel", H5P_DEFAULT) <= 0 &&
        create_panel(&c, r, nvar, vars, z->nt, z->nu, periods, slots) < 0)
        return c.status;
    char name[256];
    const size_t per_var = z->nct * z->ncu;
    for (size_t v = 0; v < nvar; v++) {
        snprintf(name, sizeof name, "panel/%s", vars[v].name);
        hid_t ds = H5Dopen2(r->file, name, H5P_DEFAULT);
        int ok = ds >= 0;
        for (size_t k = 0; ok && k < per_var; k++) {
            size_t i = v * per_var + k;
            hsize_t off[4] = {cell, rep, (k / z->ncu) * z->ct, (k % z->ncu) * z->cu};
            ok = H5Dwrite_chunk(ds, H5P_DEFAULT, z->mask[i], off, z->off[i + 1] - z->off[i],
                                z->buf + z->off[i]) >= 0;
        }
        /* noted before H5Dclose, which clears the error stack (the OS error) */
        if (!ok)
            cr_i_results_note_h5(&c, CR_EHDF5, "cannot write /%s", name);
        if (ds >= 0)
            H5Dclose(ds);
        if (!ok)
            return c.status;
    }
    return CR_OK;
}

cr_status cr_results_write_panel_chunks(cr_results *r, size_t cell, size_t replication, size_t nvar,
                                        const cr_var_desc *vars, size_t nt, size_t nsme,
                                        const double *periods, const double *slots,
                                        const cr_zchunks *z, cr_diag *d)
{
    if (!r || cell >= r->ncells || replication >= r->nreplications || !nvar || !nt || !nsme)
        return cr_diag_set(d, CR_EINVAL, "results: bad panel write");
    if (z->nvar != nvar || z->nt != nt || z->nu != nsme || z->level != r->compression)
        return cr_diag_set(d, CR_EINVAL,
                           "results: a panel compressed as %zu x %zu x %zu at level %d, not "
                           "%zu x %zu x %zu at level %d",
                           z->nvar, z->nt, z->nu, z->level, nvar, nt, nsme, r->compression);
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status st = write_panel_impl(r, cell, replication, nvar, vars, periods, slots, z, d);
    cr_i_results_quiet_end(q);
    return st;
}

cr_status cr_results_write_panel(cr_results *r, size_t cell, size_t replication, size_t nvar,
                                 const cr_var_desc *vars, size_t nt, size_t nsme,
                                 const double *periods, const double *slots, const double *values,
                                 cr_diag *d)
{
    if (!r)
        return cr_diag_set(d, CR_EINVAL, "results: bad panel write");
    cr_zchunks z;
    cr_status st = cr_zchunks_make(&z, values, nvar, nt, nsme, r->compression, NAN, 1);
    if (st != CR_OK)
        return cr_diag_set(d, st, "out of memory for the panel");
    st = cr_results_write_panel_chunks(r, cell, replication, nvar, vars, nt, nsme, periods, slots,
                                       &z, d);
    cr_zchunks_free(&z);
    return st;
}

cr_status cr_results_read_panel_unit(const char *path, size_t cell, size_t replication, size_t nvar,
                                     const cr_var_desc *vars, size_t nt, size_t nsme,
                                     double *values, cr_diag *d)
{
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_status st = f >= 0 ? CR_OK : cr_diag_set(d, CR_EINPUT, "%s: cannot open", path);
    hsize_t start[4] = {cell, replication, 0, 0}, count[4] = {1, 1, nt, nsme};
    hsize_t mdim = (hsize_t)(nt * nsme);
    char name[256];
    for (size_t v = 0; st == CR_OK && v < nvar; v++) {
        snprintf(name, sizeof name, "panel/%s", vars[v].name);
        hid_t ds = H5Lexists(f, "panel", H5P_DEFAULT) > 0 && H5Lexists(f, name, H5P_DEFAULT) > 0
                       ? H5Dopen2(f, name, H5P_DEFAULT)
                       : -1;
        hid_t fsp = ds >= 0 ? H5Dget_space(ds) : -1, msp = H5Screate_simple(1, &mdim, NULL);
        hsize_t dims[4] = {0, 0, 0, 0};
        int ok = fsp >= 0 && msp >= 0 && H5Sget_simple_extent_ndims(fsp) == 4 &&
                 H5Sget_simple_extent_dims(fsp, dims, NULL) == 4 && dims[0] > cell &&
                 dims[1] > replication && dims[2] == nt && dims[3] == nsme &&
                 H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                 H5Dread(ds, H5T_NATIVE_DOUBLE, msp, fsp, H5P_DEFAULT, values + v * nt * nsme) >= 0;
        if (!ok)
            st = cr_diag_set(d, CR_EINPUT, "%s: /%s is missing or has the wrong shape", path, name);
        if (msp >= 0)
            H5Sclose(msp);
        if (fsp >= 0)
            H5Sclose(fsp);
        if (ds >= 0)
            H5Dclose(ds);
    }
    if (f >= 0)
        H5Fclose(f);
    cr_i_results_quiet_end(q);
    return st;
}
