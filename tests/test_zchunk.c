/* Pre-compressed chunks (core/zchunk.h) against the straightforward path: the same
 * block written with H5Dwrite through HDF5's own deflate filter. The chunks' bytes
 * must be identical (H5Dread_chunk), the values read back identical, and the result
 * the same at any thread count. */
#include <hdf5.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/zchunk.h"
#include "harness.h"

/* A panel-like block: values that mostly repeat from one period to the next, some
 * zeros, some noise that does not compress. */
static double *make_block(size_t nvar, size_t nt, size_t nu)
{
    double *v = malloc(nvar * nt * nu * sizeof *v);
    unsigned long long s = 12345;
    for (size_t k = 0; k < nvar; k++)
        for (size_t t = 0; t < nt; t++)
            for (size_t u = 0; u < nu; u++) {
                s = s * 6364136223846793005ULL + 1442695040888963407ULL;
                double x;
                if (k == 0)
                    x = (double)(u % 97) / 97.0; /* constant over time */
                else if (k == 1)
                    x = ((s >> 33) % 4 == 0) ? 0.0 : 1000.0 + (double)((u * 7 + t / 3) % 11);
                else
                    x = (double)(s >> 11) * 0x1.0p-53; /* incompressible */
                v[(k * nt + t) * nu + u] = x;
            }
    return v;
}

static hid_t make_dataset(hid_t f, const char *name, size_t nt, size_t nu, int level)
{
    hsize_t dims[2] = {nt, nu};
    size_t ct, cu;
    cr_zchunk_shape(nt, nu, &ct, &cu);
    hsize_t chunk[2] = {ct, cu};
    hid_t sp = H5Screate_simple(2, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    double nan = NAN;
    H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan);
    if (level > 0)
        H5Pset_deflate(dcpl, (unsigned)level);
    hid_t ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return ds;
}

static void check_case(size_t nvar, size_t nt, size_t nu, int level)
{
    double *v = make_block(nvar, nt, nu);
    cr_zchunks z1, z2;
    CR_REQUIRE(cr_zchunks_make(&z1, v, nvar, nt, nu, level, NAN, 1) == CR_OK);
    CR_REQUIRE(cr_zchunks_make(&z2, v, nvar, nt, nu, level, NAN, 3) == CR_OK);
    size_t nk = cr_zchunks_count(&z1);
    /* the same bytes at any thread count */
    CR_CHECK(z1.off[nk] == z2.off[nk] && !memcmp(z1.buf, z2.buf, z1.off[nk]) &&
             !memcmp(z1.mask, z2.mask, nk * sizeof *z1.mask));
    /* expand is the inverse */
    double *back = malloc(nvar * nt * nu * sizeof *back);
    CR_CHECK(cr_zchunks_expand(&z1, back) == CR_OK);
    CR_CHECK(!memcmp(back, v, nvar * nt * nu * sizeof *v));
    /* pack / unpack */
    size_t plen = cr_zchunks_packed_size(&z1);
    unsigned char *pk = malloc(plen);
    CR_CHECK(cr_zchunks_pack(&z1, pk) == pk + plen);
    cr_zchunks z3;
    CR_CHECK(cr_zchunks_unpack(&z3, pk, plen) == CR_OK);
    CR_CHECK(z3.off && z3.off[nk] == z1.off[nk] && !memcmp(z3.buf, z1.buf, z1.off[nk]));
    cr_zchunks_free(&z3);
    CR_CHECK(cr_zchunks_unpack(&z3, pk, plen - 1) != CR_OK); /* truncated: nothing kept */
    CR_CHECK(!z3.off && !z3.mask && !z3.buf);

    /* against HDF5: variable 0..nvar-1 as datasets written both ways */
    char path[] = "/tmp/test_zchunk_XXXXXX";
    int fd = mkstemp(path);
    CR_REQUIRE(fd >= 0);
    close(fd);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CR_REQUIRE(f >= 0);
    for (size_t k = 0; k < nvar; k++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "plain%zu", k);
        snprintf(b, sizeof b, "chunks%zu", k);
        hid_t dp = make_dataset(f, a, nt, nu, level), dc = make_dataset(f, b, nt, nu, level);
        CR_CHECK(H5Dwrite(dp, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v + k * nt * nu) >=
                 0);
        for (size_t c = 0; c < z1.nct * z1.ncu; c++) {
            size_t idx = k * z1.nct * z1.ncu + c;
            hsize_t off[2] = {(c / z1.ncu) * z1.ct, (c % z1.ncu) * z1.cu};
            CR_CHECK(H5Dwrite_chunk(dc, H5P_DEFAULT, z1.mask[idx], off,
                                    z1.off[idx + 1] - z1.off[idx], z1.buf + z1.off[idx]) >= 0);
            /* the straightforward path's chunk bytes are ours */
            uint32_t mask = 0;
            hsize_t sz = 0;
            CR_CHECK(H5Dget_chunk_storage_size(dp, off, &sz) >= 0);
            unsigned char *raw = malloc(sz ? sz : 1);
            CR_CHECK(H5Dread_chunk(dp, H5P_DEFAULT, off, &mask, raw) >= 0);
            CR_CHECK_MSG(sz == z1.off[idx + 1] - z1.off[idx] && mask == z1.mask[idx] &&
                             !memcmp(raw, z1.buf + z1.off[idx], sz),
                         "chunk %zu of variable %zu: %llu vs %llu bytes, mask %u vs %u", c, k,
                         (unsigned long long)sz,
                         (unsigned long long)(z1.off[idx + 1] - z1.off[idx]), mask, z1.mask[idx]);
            free(raw);
        }
        double *r = malloc(nt * nu * sizeof *r);
        CR_CHECK(H5Dread(dc, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, r) >= 0);
        CR_CHECK(!memcmp(r, v + k * nt * nu, nt * nu * sizeof *r));
        free(r);
        H5Dclose(dp);
        H5Dclose(dc);
    }
    H5Fclose(f);
    remove(path);
    free(pk);
    free(back);
    free(v);
    cr_zchunks_free(&z1);
    cr_zchunks_free(&z2);
}

static void test_against_hdf5(void)
{
    check_case(3, 20, 5000, 4); /* edge chunk along units */
    check_case(3, 70, 3000, 1); /* edge chunk along periods too */
    check_case(2, 5, 100, 0);   /* no compression */
    check_case(1, 1, 1, 9);     /* one value */
}

int main(void)
{
    CR_RUN(test_against_hdf5);
    return cr_test_report();
}
