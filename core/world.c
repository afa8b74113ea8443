#include "core/world.h"

#include <stdlib.h>
#include <string.h>

/* Every SME array with its element size: one table, so allocation, freeing and the
 * bytes-per-SME count cannot disagree. */
#define CR_SME_ARRAYS(X)                                                                           \
    X(sector)                                                                                      \
    X(region)                                                                                      \
    X(bank)                                                                                        \
    X(status)                                                                                      \
    X(flags)                                                                                       \
    X(reentry)                                                                                     \
    X(pd)                                                                                          \
    X(threshold)                                                                                   \
    X(logit_pd)                                                                                    \
    X(demand)                                                                                      \
    X(collateral)                                                                                  \
    X(equity)                                                                                      \
    X(loan)                                                                                        \
    X(rate)                                                                                        \
    X(maturity)                                                                                    \
    X(weight)                                                                                      \
    X(guaranteed)                                                                                  \
    X(fee)                                                                                         \
    X(deposit)                                                                                     \
    X(partner)                                                                                     \
    X(est_pd)                                                                                      \
    X(offer)

#define CR_BANK_ARRAYS(X)                                                                          \
    X(capital)                                                                                     \
    X(loans)                                                                                       \
    X(cash)                                                                                        \
    X(deposits)                                                                                    \
    X(rwa)                                                                                         \
    X(accept)

static void world_release(cr_world *w)
{
#define CR_X_FREE(f) free(w->sme.f);
    CR_SME_ARRAYS(CR_X_FREE)
#undef CR_X_FREE
#define CR_X_FREE(f) free(w->bank.f);
    CR_BANK_ARRAYS(CR_X_FREE)
#undef CR_X_FREE
    free(w);
}

cr_status cr_world_create(size_t nsme, size_t nbank, cr_world **out)
{
    cr_world *w = calloc(1, sizeof *w);
    if (!w)
        return CR_ENOMEM;
    w->sme.n = nsme;
    w->bank.n = nbank;
    int ok = 1;
    /* calloc(n + 1) so that a world of one agent still gets distinct, valid arrays */
#define CR_X_ALLOC(f)                                                                              \
    w->sme.f = calloc(nsme + 1, sizeof *w->sme.f);                                                 \
    ok = ok && w->sme.f;
    CR_SME_ARRAYS(CR_X_ALLOC)
#undef CR_X_ALLOC
#define CR_X_ALLOC(f)                                                                              \
    w->bank.f = calloc(nbank + 1, sizeof *w->bank.f);                                              \
    ok = ok && w->bank.f;
    CR_BANK_ARRAYS(CR_X_ALLOC)
#undef CR_X_ALLOC
    if (!ok) {
        world_release(w);
        return CR_ENOMEM;
    }
    *out = w;
    return CR_OK;
}

void cr_world_free(cr_world **w)
{
    if (w && *w) {
        world_release(*w);
        *w = NULL;
    }
}

size_t cr_world_bytes_per_sme(void)
{
    const cr_smes *s = NULL;
    size_t bytes = 0;
#define CR_X_SIZE(f) bytes += sizeof *s->f;
    CR_SME_ARRAYS(CR_X_SIZE)
#undef CR_X_SIZE
    return bytes;
}

void cr_world_permute_smes(cr_world *w, const uint32_t *perm, void *scratch)
{
    size_t n = w->sme.n;
#define CR_X_PERMUTE(f)                                                                            \
    do {                                                                                           \
        size_t es_ = sizeof *w->sme.f;                                                             \
        char *src_ = (char *)w->sme.f, *tmp_ = scratch;                                            \
        for (size_t k = 0; k < n; k++)                                                             \
            memcpy(tmp_ + k * es_, src_ + (size_t)perm[k] * es_, es_);                             \
        memcpy(src_, tmp_, n *es_);                                                                \
    } while (0);
    CR_SME_ARRAYS(CR_X_PERMUTE)
#undef CR_X_PERMUTE
}
