#include "core/blocks.h"

#include <stdlib.h>

cr_status cr_blocksum_init(cr_blocksum *b, size_t max_blocks, size_t width)
{
    size_t nb = max_blocks;
    double *v = calloc(nb * width + 1, sizeof *v);
    if (!v)
        return CR_ENOMEM;
    b->nblocks = b->max_blocks = nb;
    b->width = width;
    b->v = v;
    return CR_OK;
}

void cr_blocksum_destroy(cr_blocksum *b)
{
    free(b->v);
    b->v = NULL;
    b->nblocks = b->max_blocks = b->width = 0;
}

void cr_blocksum_set_blocks(cr_blocksum *b, size_t nblocks)
{
    b->nblocks = nblocks <= b->max_blocks ? nblocks : b->max_blocks;
}

void cr_blocksum_zero(cr_blocksum *b)
{
    memset(b->v, 0, b->nblocks * b->width * sizeof *b->v);
}

void cr_blocksum_reduce(const cr_blocksum *b, double *out)
{
    for (size_t k = 0; k < b->width; k++)
        out[k] = 0.0;
    for (size_t blk = 0; blk < b->nblocks; blk++) {
        const double *row = b->v + blk * b->width;
        for (size_t k = 0; k < b->width; k++)
            out[k] += row[k];
    }
}
