/* Reproducible parallel reductions: fixed-size blocks of agents.
 *
 * Agents are processed in blocks of consecutive ids (CR_BLOCK by default; a model
 * may choose another size, e.g. a multiple of its group size so that no group
 * straddles two blocks); the block size never depends on the thread count. Each block accumulates
 * its partial sums in its own row (sequentially, in agent order), and rows are combined in block
 * order by cr_blocks_reduce. So every sum that feeds a result is bit-identical whatever the number
 * of threads.
 */
#ifndef CR_BLOCKS_H
#define CR_BLOCKS_H

#include <stddef.h>
#include <string.h>

#include "core/status.h"

#define CR_BLOCK 4096

/* Number of blocks of `block` agents covering n agents. */
static inline size_t cr_nblocks(size_t n, size_t block)
{
    return (n + block - 1) / block;
}

/* The block size that keeps groups of `group` consecutive agents whole: the largest
 * multiple of group not above CR_BLOCK (group itself when it is larger). */
static inline size_t cr_block_for_groups(size_t group)
{
    if (group <= 1)
        return CR_BLOCK;
    return group >= CR_BLOCK ? group : group * (CR_BLOCK / group);
}

/* Partial sums: nblocks rows of `width` doubles (capacity for max_blocks rows). */
typedef struct {
    size_t nblocks, max_blocks;
    size_t width;
    double *v; /* v[block * width + k] */
} cr_blocksum;

/* Allocates max_blocks rows of width doubles (CR_ENOMEM on failure); nblocks starts
 * at max_blocks. */
cr_status cr_blocksum_init(cr_blocksum *b, size_t max_blocks, size_t width);

/* Sets the number of rows in use (<= max_blocks): the blocks of the current unit. */
void cr_blocksum_set_blocks(cr_blocksum *b, size_t nblocks);
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
