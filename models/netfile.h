/* The `file` guarantee-network generator: an empirical edge list read from a CSV
 * file or an HDF5 dataset, so that a run can study a real guarantee network.
 *
 * The source is cr_netgen_params.path (experiment key network.edges):
 *
 *   EDGES.csv          a CSV file with the header  guarantor,borrower,amount
 *                      (columns in any order, each exactly once; no other columns)
 *   FILE.h5:/dataset   an HDF5 dataset (a name ending in .h5 or .hdf5, a colon, then
 *                      the absolute dataset path) holding the same three columns:
 *                      either a 2-D numeric dataset of shape [m, 3] whose columns
 *                      are guarantor, borrower, amount in that order, or a 1-D
 *                      compound dataset with numeric members named guarantor,
 *                      borrower and amount (others are ignored). Values of any
 *                      numeric type are read as float64 (indices must be integral).
 *
 * guarantor and borrower are SME slot indices, integers in 0..n-1 where n is the
 * number of SMEs of the run (population.smes); each row says that the guarantor
 * guarantees (part of) the borrower's loans. amount >= 0 is the guaranteed amount
 * (million yuan) or any non-negative weight: the run uses amounts only through
 * their shares, each guarantor of a borrower covering
 *     its amount / the sum of the amounts on that borrower
 * of the borrower's guaranteed loss; when every amount on a borrower is zero its
 * guarantors share equally. (Rows with amount 0 therefore still create edges.)
 *
 * The generated edges are guarantor -> borrower with weight = amount. Duplicate
 * rows (the same guarantor and borrower) are summed into one edge, their amounts
 * added in file order; the edges are returned sorted by guarantor, then borrower
 * (the order of core/graph.h), so like every generator this one makes no
 * duplicate edges. Self-loops (an SME guaranteeing itself) are rejected. The
 * network ignores the random streams: it is the same in every replication. The
 * file is read on every call (once per replication), in O(file size + n) time.
 *
 * CSV details: blank lines, a UTF-8 byte-order mark, Windows line ends, spaces
 * around fields and one pair of double quotes around a field are accepted; fields
 * cannot contain commas. A file with only its header is an empty network.
 *
 * Errors are CR_ECONFIG for a missing path (validate) and CR_EINPUT for a bad file,
 * "FILE:LINE: ..." for CSV and "FILE:/dataset[ROW]: ..." (ROW from 0) for HDF5:
 *   net.csv: cannot open: No such file or directory
 *   net.csv:1: empty file (expected the header 'guarantor,borrower,amount')
 *   net.csv:1: no header: the first line must be 'guarantor,borrower,amount', got '0,1,2.5'
 *   net.csv:1: unknown column 'lender' (expected the header 'guarantor,borrower,amount')
 *   net.csv:1: missing column 'amount' (expected the header 'guarantor,borrower,amount')
 *   net.csv:1: column 'borrower' appears twice
 *   net.csv:4: expected 3 fields (guarantor,borrower,amount), got 2
 *   net.csv:5: column 'guarantor': expected an SME index (an integer), got 'x7'
 *   net.csv:6: column 'borrower': SME 12000 is outside 0..9999 (population.smes)
 *   net.csv:7: self-loop: SME 3 guarantees itself (not allowed)
 *   net.csv:8: column 'amount': expected a number, got 'abc'
 *   net.csv:9: column 'amount': must not be negative, got -5
 *   net.h5: cannot open: No such file or directory
 *   net.h5: not an HDF5 file
 *   net.h5:/edges: no such dataset
 *   net.h5:/edges: expected a 2-D numeric dataset of shape [m, 3] (guarantor, borrower,
 *       amount) or a compound dataset with those members, got ...
 *   net.h5:/edges[3]: column 'borrower': SME 12000 is outside 0..9999 (population.smes)
 */
#ifndef CR_NETFILE_H
#define CR_NETFILE_H

#include <stddef.h>

#include "core/graph.h"
#include "core/status.h"
#include "models/netgen.h"

/* The header of an edge-list CSV file. */
#define CR_NETFILE_HEADER "guarantor,borrower,amount"

/* The generator "file" (also declared in models/netgen.h). Its validate rejects a
 * NULL or empty path (CR_ECONFIG, "network.edges: ..."). */
extern const cr_netgen_type cr_netgen_file;

/* Whether path names an HDF5 dataset ("FILE.h5:/dataset" or "FILE.hdf5:/dataset").
 * A plain "FILE.h5" is also treated as HDF5 (and fails for lack of a dataset). */
int cr_netfile_is_h5(const char *path);

/* Reads the edge list at path for n SMEs: *edges (malloc'd, free() it; NULL when
 * there are none) and *nedges, duplicates summed and sorted as described above.
 * Errors: CR_EINVAL (NULL arguments), CR_EINPUT (bad file), CR_ENOMEM; on failure
 * the outputs are untouched. */
cr_status cr_netfile_read(const char *path, size_t n, cr_edge **edges, size_t *nedges, cr_diag *d);

#endif
