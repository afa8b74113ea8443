/* Agent storage: structure-of-arrays for SMEs and banks.
 *
 * One array per attribute, indexed by agent id, allocated once per world and
 * reused across replications (cr_world_create / cr_world_free). The engine knows
 * what an SME and a bank hold, never which financing mode they are in: fields
 * that only some modes use (groups, guarantors, networks) are added by those
 * modes' own storage in models/.
 *
 * Bytes of state per SME: cr_world_bytes_per_sme() (about 100; target <= 200).
 */
#ifndef CR_WORLD_H
#define CR_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* SME status. */
enum { CR_SME_ACTIVE = 0, CR_SME_EXCLUDED = 1 };

/* Per-period event flags of an SME (cr_smes.flags), cleared at each period start. */
enum {
    CR_F_APPLIED = 1u << 0,   /* applied for a loan this period */
    CR_F_APPROVED = 1u << 1,  /* passed screening (estimated PD, rate, collateral) */
    CR_F_GRANTED = 1u << 2,   /* a new loan was originated this period */
    CR_F_AT_RISK = 1u << 3,   /* had a loan outstanding during this period */
    CR_F_DEFAULTED = 1u << 4, /* defaulted on its loan this period */
    CR_F_FAILED = 1u << 5,    /* its business failed this period (borrower or not) */
    CR_F_MATURED = 1u << 6,   /* repaid its loan's principal this period */
    CR_F_CONTAGION = 1u << 7, /* failed because it could not pay guarantee calls */
};

typedef struct {
    size_t n;
    /* identity */
    uint16_t *sector;
    uint16_t *region;
    uint32_t *bank;   /* home bank, where it applies */
    uint8_t *status;  /* CR_SME_ACTIVE / CR_SME_EXCLUDED */
    uint8_t *flags;   /* CR_F_* events of the current period */
    int32_t *reentry; /* period at which an excluded slot gets a new entrant */
    /* fundamentals, hidden from lenders */
    double *pd;        /* baseline annual default probability (hidden) */
    double *threshold; /* Phi^-1(per-period PD): the project fails when X_it < it */
    double *logit_pd;  /* logit(per-period PD), what screeners see with noise */
    /* observable */
    double *demand;     /* loan demand L_i */
    double *collateral; /* collateral as a share of the loan, c_i */
    double *equity;     /* liquid equity E_i */
    /* the loan (principal 0: none) */
    double *loan;       /* outstanding principal */
    double *rate;       /* contract rate per period */
    int32_t *maturity;  /* periods left until the bullet repayment */
    double *weight;     /* the loan's risk weight for its bank's capital */
    double *guaranteed; /* exposure a guarantee company covers (0: none) */
    double *fee;        /* guarantee fee per period, on `guaranteed` */
    double *deposit;    /* deposit withheld into a mutual fund (0: none) */
    uint8_t *partner;   /* 1: a supply-chain partner of a core firm */
    /* the current application */
    double *est_pd; /* lender's estimated PD per period */
    double *offer;  /* offered rate per period */
} cr_smes;

typedef struct {
    size_t n;
    double *capital;  /* equity K_b */
    double *loans;    /* loans outstanding (ledger) */
    double *cash;     /* liquid assets */
    double *deposits; /* funding liabilities */
    double *rwa;      /* risk-weighted loans (ledger) */
    double *accept;   /* this period's acceptance probability of approved applicants */
} cr_banks;

typedef struct {
    cr_smes sme;
    cr_banks bank;
} cr_world;

/* Allocates a world of nsme SMEs and nbank banks (all arrays zeroed).
 * Returns CR_ENOMEM (and *out untouched) when out of memory. */
cr_status cr_world_create(size_t nsme, size_t nbank, cr_world **out);

/* Frees the world and sets *w to NULL. Safe on NULL. */
void cr_world_free(cr_world **w);

/* Moves every SME's state: slot k receives what slot perm[k] held (perm is a
 * permutation of 0..n-1); scratch holds n doubles. */
void cr_world_permute_smes(cr_world *w, const uint32_t *perm, void *scratch);

/* Bytes of per-SME state (sum of the element sizes of the SME arrays). */
size_t cr_world_bytes_per_sme(void);

#endif
