/* Checks shared by the readers of results files (results_read.c; results_impl.h):
 * HDF5 paths, whether an object exists, a dataset opened with its class, rank and
 * shape checked, sizes without overflow. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "core/results_impl.h"

/* A single component of an HDF5 path: non-empty, no '/', not "." or "..". */
int cr_i_results_good_component(const char *s)
{
    return s && s[0] && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* "/a/b/c" as a malloc'd string (a, b may be NULL to leave them out). */
char *cr_i_results_join3(const char *a, const char *b, const char *c)
{
    size_t n = (a ? strlen(a) + 1 : 0) + (b ? strlen(b) + 1 : 0) + strlen(c) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s%s/%s", a ? "/" : "", a ? a : "", b ? "/" : "", b ? b : "", c);
    return p;
}

/* 1 when the object at path (absolute or from the root) exists. Each link on the
 * way is checked first: H5Lexists fails, rather than answering 0, when a group
 * before the last component is missing. */
int cr_i_results_path_exists(hid_t file, const char *path)
{
    size_t len = strlen(path);
    char *buf = malloc(len + 2);
    if (!buf)
        return 0;
    size_t n = 0; /* normalised: "/a/b", empty and "." components dropped */
    for (const char *p = path; *p;) {
        size_t k = strcspn(p, "/");
        if (k > 0 && !(k == 1 && p[0] == '.')) {
            buf[n++] = '/';
            memcpy(buf + n, p, k);
            n += k;
        }
        p += k + (p[k] == '/');
    }
    buf[n] = '\0';
    int ok = 1;
    for (size_t i = 1; ok && i <= n; i++) {
        if (i < n && buf[i] != '/')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        ok = H5Lexists(file, buf, H5P_DEFAULT) > 0;
        buf[i] = saved;
    }
    if (ok && n > 0)
        ok = H5Oexists_by_name(file, buf, H5P_DEFAULT) > 0; /* not a dangling link */
    free(buf);
    return ok;
}

const char *cr_i_results_class_text(H5T_class_t cls)
{
    switch (cls) {
    case H5T_INTEGER:
        return "integers";
    case H5T_FLOAT:
        return "floating-point numbers";
    case H5T_STRING:
        return "strings";
    case H5T_COMPOUND:
        return "compound records";
    default:
        return "values of another type";
    }
}

/* "[2, 3, 4]" */
void cr_i_results_dims_text(char *buf, size_t len, int rank, const hsize_t *dims)
{
    size_t n = (size_t)snprintf(buf, len, "[");
    for (int i = 0; i < rank && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%llu", i ? ", " : "",
                              (unsigned long long)dims[i]);
    if (n < len)
        snprintf(buf + n, len - n, "]");
}

/* Opens the dataset at path (from the root; the caller has checked that it exists):
 * it must hold values of class cls (H5T_NO_CLASS: any) in `rank` dimensions, of
 * extents exactly want[] unless want is NULL; its extents go to dims. Failures are
 * noted in c as a damaged file. */
hid_t cr_i_results_open_checked(cr_i_results_ctx *c, hid_t file, const char *path, H5T_class_t cls,
                                int rank, const hsize_t *want, hsize_t *dims)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    if (ds < 0) {
        cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot open %s", path);
        return -1;
    }
    hid_t sp = H5Dget_space(ds), t = H5Dget_type(ds);
    hsize_t got[H5S_MAX_RANK];
    int nd = sp >= 0 ? H5Sget_simple_extent_dims(sp, got, NULL) : -1;
    H5T_class_t tc = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (nd < 0 || t < 0) {
        cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot read %s", path);
    } else if (cls != H5T_NO_CLASS && tc != cls) {
        c->status =
            cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: %s holds %s, not %s", c->path,
                        path, cr_i_results_class_text(tc), cr_i_results_class_text(cls));
    } else if (nd != rank) {
        c->status =
            cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: %s has %d dimensions, not %d",
                        c->path, path, nd, rank);
    } else {
        int same = 1;
        for (int i = 0; want && i < rank; i++)
            same = same && got[i] == want[i];
        if (!same) {
            char g[128], w[128];
            cr_i_results_dims_text(g, sizeof g, rank, got);
            cr_i_results_dims_text(w, sizeof w, rank, want);
            c->status = cr_diag_set(c->d, CR_EINPUT,
                                    "%s: damaged results file: %s has shape %s, expected %s",
                                    c->path, path, g, w);
        }
    }
    for (int i = 0; c->status == CR_OK && i < rank; i++) {
        if (got[i] > SIZE_MAX / 16)
            c->status = cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: %s is too large",
                                    c->path, path);
        else
            dims[i] = got[i];
    }
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    if (c->status != CR_OK) {
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

/* Opens the dataset at path, noting "no PATH" when it is missing. */
hid_t cr_i_results_open_required(cr_i_results_ctx *c, hid_t file, const char *path, H5T_class_t cls,
                                 int rank, const hsize_t *want, hsize_t *dims)
{
    if (!cr_i_results_path_exists(file, path)) {
        c->status = cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: no %s", c->path, path);
        return -1;
    }
    return cr_i_results_open_checked(c, file, path, cls, rank, want, dims);
}

/* a * b, or 0 with *overflow set when it does not fit in a size_t. */
size_t cr_i_results_mul_size(size_t a, size_t b, int *overflow)
{
    if (b != 0 && a > SIZE_MAX / b) {
        *overflow = 1;
        return 0;
    }
    return a * b;
}

cr_status cr_i_results_out_of_memory(const char *path, cr_diag *d)
{
    return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", path);
}
