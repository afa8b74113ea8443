/* What random draws are for: the `purpose` field of a stream key (core/rng.h).
 * A draw is a pure function of (seed, replication, period, purpose, entity); the
 * key never holds a mode, so every mode of a replication meets the same SMEs and
 * the same shocks (common random numbers). Values are part of the results'
 * reproducibility: append, never renumber. */
#ifndef CR_PURPOSE_H
#define CR_PURPOSE_H

enum {
    CR_P_SYSTEMIC = 1,        /* the systemic factor's innovation (entity 0) */
    CR_P_SECTOR = 2,          /* sector factors (entity: sector) */
    CR_P_REGION = 3,          /* region factors (entity: region) */
    CR_P_ENTRY = 4,           /* an entrant's characteristics (entity: SME slot) */
    CR_P_DEMAND = 5,          /* whether an SME applies this period */
    CR_P_SCREEN_BANK = 6,     /* the bank's screening signal */
    CR_P_RATION = 7,          /* random rationing among approved applicants */
    CR_P_OUTCOME = 8,         /* the idiosyncratic shock e_it */
    CR_P_SCREEN_GC = 9,       /* a guarantee company's screening signal */
    CR_P_SCREEN_ASSOC = 10,   /* the industry association's signal */
    CR_P_SCREEN_CORE = 11,    /* the core firm's signal on a partner */
    CR_P_SCREEN_MEMBERS = 12, /* fellow members' signal */
    CR_P_NETWORK = 24,        /* the guarantee network of a replication (models/netgen.h) */
    CR_P_SUPPLY = 25,         /* the supply-chain network of a replication */
    CR_P_CHANNEL = 26,        /* channel choice: the logit draw */
    CR_P_RETURN = 27,         /* a project's realised return (behaviour.repayment.return_spread) */
    CR_P_LEARN = 28,          /* imitation: revision, peer and switch draws */
    CR_P_SWITCH = 29,         /* a refused applicant's move to another bank */
    CR_P_DESIGN = 30,         /* a design's random parts (experiments/design.c; replication
                                 UINT64_MAX, entity 0: Latin hypercube, 1: Morris) */
    CR_P_CELL_SEED = 31,      /* design.streams independent: a cell's own seed (replication
                                 UINT64_MAX, entity: cell) */
    CR_PURPOSE_MAX = 32       /* bound of the prefix table (cr_model.pre) */
};

#endif
