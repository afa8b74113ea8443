#include "models/intermediaries.h"

#include <stdlib.h>
#include <string.h>

cr_status cr_intermediaries_init(cr_intermediaries *im, const size_t max[CR_HOLDER_COUNT])
{
    memset(im, 0, sizeof *im);
    for (int h = 0; h < CR_HOLDER_COUNT; h++) {
        cr_holder_books *b = &im->h[h];
        size_t n = max[h] + 1;
        b->max = max[h];
        b->net_assets = calloc(n, sizeof *b->net_assets);
        b->exposure = calloc(n, sizeof *b->exposure);
        b->accept = calloc(n, sizeof *b->accept);
        b->available = calloc(n, sizeof *b->available);
        b->failed = calloc(n, sizeof *b->failed);
        b->flow = calloc(n * CR_G_COUNT, sizeof *b->flow);
        if (!b->net_assets || !b->exposure || !b->accept || !b->available || !b->failed ||
            !b->flow) {
            cr_intermediaries_destroy(im);
            return CR_ENOMEM;
        }
    }
    return CR_OK;
}

void cr_intermediaries_destroy(cr_intermediaries *im)
{
    for (int h = 0; h < CR_HOLDER_COUNT; h++) {
        cr_holder_books *b = &im->h[h];
        free(b->net_assets);
        free(b->exposure);
        free(b->accept);
        free(b->available);
        free(b->failed);
        free(b->flow);
    }
    memset(im, 0, sizeof *im);
}

void cr_intermediaries_reset(cr_intermediaries *im, const size_t n[CR_HOLDER_COUNT])
{
    for (int h = 0; h < CR_HOLDER_COUNT; h++) {
        cr_holder_books *b = &im->h[h];
        b->n = n[h] < b->max ? n[h] : b->max;
        size_t m = b->max + 1;
        memset(b->net_assets, 0, m * sizeof *b->net_assets);
        memset(b->exposure, 0, m * sizeof *b->exposure);
        memset(b->available, 0, m * sizeof *b->available);
        memset(b->failed, 0, m * sizeof *b->failed);
        memset(b->flow, 0, m * CR_G_COUNT * sizeof *b->flow);
        for (size_t e = 0; e < m; e++)
            b->accept[e] = 1.0;
    }
}
