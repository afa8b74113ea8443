/* Intermediaries as agents with their own books: guarantee companies, the
 * re-guarantor, the government's risk-compensation fund, the alliances' mutual
 * funds, the members of groups (whose liquid equity pays for defaulting peers) and
 * the core firm. One cr_holder_books per holder type (models/waterfall.h), one
 * entry per entity; reset for every unit from the mode's parameters. */
#ifndef CR_INTERMEDIARIES_H
#define CR_INTERMEDIARIES_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "models/waterfall.h"

typedef struct {
    size_t n, max;      /* entities in use, allocated */
    double *net_assets; /* guarantor, reguarantor: equity; government: budget left this
                           year; mutual fund: its cash */
    double *exposure;   /* guarantor: guaranteed amounts outstanding; mutual fund:
                           members' deposits it owes back */
    double *accept;     /* guarantor: acceptance ratio of this period (leverage cap) */
    double *available;  /* what it can pay in this period's loss allocation */
    uint8_t *failed;    /* 1 once it could not pay a call (pays nothing afterwards) */
    double *flow;       /* guarantor: [entity * CR_G_COUNT + k] the period's flows */
} cr_holder_books;

/* Flows of one guarantor entity in a period (summed over its SMEs in block order). */
enum {
    CR_G_DEMAND,   /* guaranteed amount of approved applications */
    CR_G_NEW,      /* newly guaranteed amount */
    CR_G_RELEASED, /* guarantees released (repaid or defaulted loans) */
    CR_G_FEES,     /* guarantee fees received */
    CR_G_REFEES,   /* re-guarantee fees paid to the re-guarantor */
    CR_G_OUT_SME,  /* guarantees outstanding at period end, counted on the SME side */
    CR_G_COUNT
};

typedef struct {
    cr_holder_books h[CR_HOLDER_COUNT];
} cr_intermediaries;

/* Allocates books for at most max[h] entities of each holder type. */
cr_status cr_intermediaries_init(cr_intermediaries *im, const size_t max[CR_HOLDER_COUNT]);
void cr_intermediaries_destroy(cr_intermediaries *im);

/* Clears every entity's books and sets the number of entities in use. */
void cr_intermediaries_reset(cr_intermediaries *im, const size_t n[CR_HOLDER_COUNT]);

#endif
