#include "core/results_analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "core/results_impl.h"

struct cr_analysis_file {
    hid_t file, root;
    char *path;
};

static cr_status h5fail(const cr_analysis_file *a, cr_diag *d, const char *what, const char *name)
{
    return cr_diag_set(d, CR_EHDF5, "%s: cannot %s %s", a ? a->path : "?", what, name);
}

cr_status cr_analysis_open(const char *path, cr_analysis_file **out, cr_diag *d)
{
    *out = NULL;
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_analysis_file *a = calloc(1, sizeof *a);
    cr_status st = CR_OK;
    if (!a || !(a->path = strdup(path))) {
        free(a);
        cr_i_results_quiet_end(q);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    a->file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (a->file < 0)
        st = cr_diag_set(d, CR_EIO, "%s: cannot open for writing the analysis", path);
    if (st == CR_OK && H5Lexists(a->file, "analysis", H5P_DEFAULT) > 0 &&
        H5Ldelete(a->file, "analysis", H5P_DEFAULT) < 0)
        st = h5fail(a, d, "replace", "/analysis");
    if (st == CR_OK &&
        (a->root = H5Gcreate2(a->file, "analysis", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        st = h5fail(a, d, "create", "/analysis");
    if (st != CR_OK && a->file >= 0 && H5Fclose(a->file) < 0 && d) {
        size_t n = strlen(d->msg); /* HDF5 keeps a file it could not close */
        snprintf(d->msg + n, sizeof d->msg - n, " (and cannot close it)");
    }
    cr_i_results_quiet_end(q);
    if (st != CR_OK) {
        free(a->path);
        free(a);
        return st;
    }
    *out = a;
    return CR_OK;
}

/* The group /analysis/<group>, created when missing (caller closes). */
static hid_t group_of(cr_analysis_file *a, const char *group)
{
    if (!group || !group[0])
        return H5Gopen2(a->root, ".", H5P_DEFAULT);
    if (H5Lexists(a->root, group, H5P_DEFAULT) > 0)
        return H5Gopen2(a->root, group, H5P_DEFAULT);
    return H5Gcreate2(a->root, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

static int str_attr(hid_t obj, const char *name, const char *value)
{
    return cr_i_results_write_str_attr(obj, name, value);
}

static int num_attr(hid_t obj, const char *name, double value)
{
    return cr_i_results_write_num_attr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

cr_status cr_analysis_put(cr_analysis_file *a, const char *group, const char *name, int rank,
                          const size_t *dims, const char *dimnames, const double *values,
                          const char *units, const char *long_name, cr_diag *d)
{
    if (rank < 1 || rank > 3)
        return cr_diag_set(d, CR_EINVAL, "analysis: rank %d", rank);
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    hsize_t hd[3], n = 1;
    for (int i = 0; i < rank; i++) {
        hd[i] = dims[i];
        n *= dims[i];
    }
    hid_t g = group_of(a, group), sp = H5Screate_simple(rank, hd, NULL),
          dcpl = H5Pcreate(H5P_DATASET_CREATE);
    int ok = g >= 0 && sp >= 0 && dcpl >= 0;
    if (ok && n >= 4096) { /* large tables compressed, one chunk per leading index */
        hsize_t chunk[3];
        for (int i = 0; i < rank; i++)
            chunk[i] = i == 0 ? 1 : hd[i];
        if (rank == 1)
            chunk[0] = hd[0];
        ok = H5Pset_chunk(dcpl, rank, chunk) >= 0 && H5Pset_shuffle(dcpl) >= 0 &&
             H5Pset_deflate(dcpl, 4) >= 0;
    }
    hid_t ds = ok ? H5Dcreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT) : -1;
    ok = ds >= 0 &&
         (n == 0 || H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    ok = ok && str_attr(ds, "units", units) == 0 && str_attr(ds, "long_name", long_name) == 0 &&
         str_attr(ds, "dims", dimnames) == 0;
    if (ds >= 0)
        H5Dclose(ds);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (sp >= 0)
        H5Sclose(sp);
    if (g >= 0)
        H5Gclose(g);
    cr_i_results_quiet_end(q);
    return ok ? CR_OK : h5fail(a, d, "write", name);
}

cr_status cr_analysis_put_strings(cr_analysis_file *a, const char *group, const char *name,
                                  size_t n, const char *const *values, const char *long_name,
                                  cr_diag *d)
{
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    hsize_t hn = n;
    hid_t g = group_of(a, group), t = H5Tcopy(H5T_C_S1), sp = H5Screate_simple(1, &hn, NULL);
    int ok = g >= 0 && t >= 0 && sp >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
             H5Tset_cset(t, H5T_CSET_UTF8) >= 0;
    hid_t ds = ok ? H5Dcreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    ok = ds >= 0 && (n == 0 || H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0) &&
         str_attr(ds, "long_name", long_name) == 0;
    if (ds >= 0)
        H5Dclose(ds);
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    if (g >= 0)
        H5Gclose(g);
    cr_i_results_quiet_end(q);
    return ok ? CR_OK : h5fail(a, d, "write", name);
}

cr_status cr_analysis_attrs(cr_analysis_file *a, const char *group, const cr_attr *attrs, size_t n,
                            cr_diag *d)
{
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    hid_t g = group_of(a, group);
    int ok = g >= 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = (attrs[i].text ? str_attr(g, attrs[i].name, attrs[i].text)
                            : num_attr(g, attrs[i].name, attrs[i].number)) == 0;
    if (g >= 0)
        H5Gclose(g);
    cr_i_results_quiet_end(q);
    return ok ? CR_OK
              : h5fail(a, d, "write attributes of", group && group[0] ? group : "/analysis");
}

cr_status cr_analysis_close(cr_analysis_file **ap, cr_diag *d)
{
    cr_analysis_file *a = ap ? *ap : NULL;
    if (!a)
        return CR_OK;
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    int ok = H5Gclose(a->root) >= 0;
    ok = H5Fclose(a->file) >= 0 && ok;
    cr_i_results_quiet_end(q);
    cr_status st = ok ? CR_OK : cr_diag_set(d, CR_EHDF5, "%s: cannot close", a->path);
    free(a->path);
    free(a);
    *ap = NULL;
    return st;
}
