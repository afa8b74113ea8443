/* The loss waterfall: how the loss on a defaulted loan is shared among holders.
 *
 * A waterfall is an ordered list of layers. Each layer names a holder type and is
 *   first_loss  absorbs the loss reaching it up to `cap` x the loan's exposure;
 *   pro_rata    absorbs `share` of the loss reaching its tier: consecutive pro_rata
 *               layers form a tier and each takes its share of the same amount (the
 *               loss that reached the tier), so 40/30/20/10 splits a loss 40/30/20/10;
 *               shares within a tier sum to at most 1;
 *   counter     a counter-guarantee: reimburses `share` of what holder `of` paid on
 *               the same loan in the layers above; a transfer between holders, it does
 *               not reduce the loss reaching later layers.
 * The lender (bank) bears whatever is left after the last layer; it is never a
 * layer itself and has no limit (its capital may turn negative).
 *
 * Holders have limited resources. A batch of defaulted loans is allocated layer by
 * layer: each holder entity's claims in the layer are summed; if they exceed what it
 * has available, it pays that pro rata to every claim (ratio = available / claims),
 * is marked failed, and the unpaid part passes down to the next layers. Every unit
 * of loss is booked on exactly one holder (counters only move it between holders).
 * The result does not depend on the order of the claims' processing except through
 * the fixed order of summation (claims are summed in array order: deterministic).
 */
#ifndef CR_WATERFALL_H
#define CR_WATERFALL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Holder types (the bank is the residual holder, not a layer). */
#define CR_HOLDER_LIST(X)                                                                          \
    X(CR_H_BANK, "bank", "the lending bank (residual)")                                            \
    X(CR_H_MUTUAL_FUND, "mutual_fund", "the alliance's mutual guarantee fund (members' deposits)") \
    X(CR_H_MEMBERS, "members", "fellow group or alliance members, up to their liquid equity")      \
    X(CR_H_GUARANTOR, "guarantor", "guarantee company")                                            \
    X(CR_H_REGUARANTOR, "reguarantor", "re-guarantee / national or central fund")                  \
    X(CR_H_GOVERNMENT, "government", "government risk-compensation fund (yearly budget)")          \
    X(CR_H_CORE_FIRM, "core_firm", "supply-chain core firm")

typedef enum {
#define CR_X_ENUM(e, name, doc) e,
    CR_HOLDER_LIST(CR_X_ENUM)
#undef CR_X_ENUM
        CR_HOLDER_COUNT
} cr_holder;

typedef enum { CR_LAYER_FIRST_LOSS = 0, CR_LAYER_PRO_RATA = 1, CR_LAYER_COUNTER = 2 } cr_layer_kind;

#define CR_LAYERS_MAX 8

typedef struct {
    cr_holder holder;
    cr_layer_kind kind;
    double share; /* pro_rata, counter: in [0, 1] */
    double cap;   /* first_loss: share of the exposure, >= 0 (may exceed 1: unlimited is 1) */
    cr_holder of; /* counter: the holder whose payments it reimburses */
} cr_layer;

typedef struct {
    int n;
    cr_layer layer[CR_LAYERS_MAX];
} cr_waterfall;

/* The name of a holder type ("guarantor"), or NULL; and the holder called name
 * (CR_HOLDER_COUNT when unknown). Same for layer kinds ("first_loss", "pro_rata",
 * "counter"). */
const char *cr_holder_name(cr_holder h);
cr_holder cr_holder_from_name(const char *name);
const char *cr_layer_kind_name(cr_layer_kind k);
/* The layer kind called name, or -1 when unknown (cr_layer_kind has no count). */
int cr_layer_kind_from_name(const char *name);

/* Checks a waterfall: known holders, no bank layer, shares in [0, 1], caps >= 0,
 * pro_rata shares of each tier summing to at most 1, a counter's `of` holder paying
 * in an earlier layer, at most one layer per (holder, kind). On failure returns
 * CR_EINVAL and writes a message naming the layer (1-based) into d. */
cr_status cr_waterfall_check(const cr_waterfall *w, cr_diag *d);

/* Share of a loss borne by each holder type when every holder is solvent and has
 * unlimited resources, for a loan whose loss given default is lgd (a share of its
 * exposure, in [0, 1]): out[h] for every holder type, summing to lgd. Used for
 * pricing (the bank's expected loss on its tranche) and for `credere modes`. */
void cr_waterfall_shares(const cr_waterfall *w, double lgd, double out[CR_HOLDER_COUNT]);

/* Writes a description of w for `credere modes` into buf, like snprintf (at most
 * len bytes, NUL-terminated when len > 0; buf may be NULL when len is 0): one line
 * per layer ("  2. guarantor     pro_rata    40 % of the loss reaching the tier"),
 * the bank as residual holder, then the share of a loss each holder bears when all
 * are solvent, for an LGD of 1 and net of counter-guarantees, largest first
 * ("  shares of a loss: guarantor 40 %, reguarantor 30 %, bank 20 %, ..."; holders
 * with a zero share omitted). Returns the length of the whole text (len - 1 or more
 * when it was truncated), or -1 when w fails cr_waterfall_check. */
int cr_waterfall_describe(const cr_waterfall *w, char *buf, size_t len);

/* One defaulted loan in a batch. */
typedef struct {
    double exposure;                  /* exposure at default (principal) */
    double loss;                      /* loss given default before the waterfall, <= exposure */
    uint32_t entity[CR_HOLDER_COUNT]; /* which entity of each holder type bears it
                                         (e.g. the group for members, the guarantor id) */
} cr_claim;

/* The holders' resources during an allocation. For each holder type h except the
 * bank: n[h] entities; available[h][e] is what entity e can still pay (in: before,
 * out: after; never negative); failed[h][e] is set to 1 when it could not pay all
 * its claims (a failed holder's available stays 0). Arrays may be NULL for holder
 * types the waterfall does not use. */
typedef struct {
    size_t n[CR_HOLDER_COUNT];
    double *available[CR_HOLDER_COUNT];
    uint8_t *failed[CR_HOLDER_COUNT];
} cr_holders;

/* Scratch space for cr_waterfall_allocate (claim-sized and entity-sized arrays),
 * reused across calls; grows as needed. */
typedef struct {
    size_t cap_claims, cap_entities;
    double *remaining, *tier_base, *request, *total;
} cr_waterfall_work;

void cr_waterfall_work_init(cr_waterfall_work *w);
void cr_waterfall_work_destroy(cr_waterfall_work *w);

/* Allocates the losses of n claims through the waterfall. paid[i * CR_HOLDER_COUNT + h]
 * receives what holder type h paid on claim i (the bank's entry is the residual);
 * for every claim the entries sum to claims[i].loss (exactly up to rounding: the
 * bank's residual is computed as loss minus the others). Cost O(n x layers).
 * CR_ENOMEM when scratch cannot grow; CR_EINVAL when an entity index is out of
 * range for a holder type the waterfall uses. */
cr_status cr_waterfall_allocate(const cr_waterfall *w, const cr_claim *claims, size_t n,
                                cr_holders *h, cr_waterfall_work *work, double *paid);

#endif
