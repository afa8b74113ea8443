/* Reproducible parallel reductions: fixed-size blocks of agents.
 *
 * Agents are processed in blocks of CR_BLOCK consecutive ids; the block size does
 * not depend on the thread count. Each block accumulates its partial sums in its
 * own row (sequentially, in agent order), and rows are combined in block order by
 * cr_blocks_reduce. So every sum that feeds a result is bit-identical whatever the
 * number of threads.
 */
#ifndef CR_BLOCKS_H
#define CR_BLOCKS_H

#include <stddef.h>
#include <string.h>

#include "core/status.h"

#define CR_BLOCK 4096

/* Number of blocks covering n agents. */
static inline size_t cr_nblocks(size_t n)
{
    return (n + CR_BLOCK - 1) / CR_BLOCK;
}

/* Partial sums: nblocks rows of `width` doubles. */
typedef struct {
    size_t nblocks;
    size_t width;
    double *v; /* v[block * width + k] */
} cr_blocksum;

/* Allocates rows for the blocks of nagents agents (CR_ENOMEM on failure). */
cr_status cr_blocksum_init(cr_blocksum *b, size_t nagents, size_t width);
void cr_blocksum_destroy(cr_blocksum *b);

/* The row of one block. */
static inline double *cr_blocksum_row(const cr_blocksum *b, size_t block)
{
    return b->v + block * b->width;
}

/* Zeroes every row. O(nblocks * width). */
void cr_blocksum_zero(cr_blocksum *b);

/* out[k] = sum over blocks, in block order, of row[k]. O(nblocks * width). */
void cr_blocksum_reduce(const cr_blocksum *b, double *out);

#endif
