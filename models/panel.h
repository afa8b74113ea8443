/* Panel data for econometrics (output.panel): the state of a fixed sample of SMEs
 * every k periods. The sample is the slots floor(j N / n), j = 0..n-1: evenly
 * spread, the same in every mode and replication (a slot holds the same SME in
 * every mode of a replication until it fails; its entrant after that). */
#ifndef CR_PANEL_H
#define CR_PANEL_H

#include <stddef.h>

#include "core/results.h"

struct cr_model;

enum {
    CR_PV_PD,          /* the SME's true annual PD */
    CR_PV_PD_ESTIMATE, /* its lender's estimated PD per period (0 without a loan) */
    CR_PV_DEBT,        /* outstanding principal */
    CR_PV_RATE,        /* contract rate per period (0 without a loan) */
    CR_PV_EQUITY,      /* liquid equity */
    CR_PV_STATUS,      /* 0 active, 1 failed and excluded (the slot is empty) */
    CR_PV_CHANNEL,     /* 0 no loan, 1 a loan without a guarantee, 2 a guaranteed loan */
    CR_PV_GROUP,       /* its group or alliance (slot / group size), -1 without one */
    CR_PV_COUNT
};

/* Name, units and long name of every panel variable (index CR_PV_*). */
const cr_var_desc *cr_panel_vars(void);

/* The index of a variable name, or -1. */
int cr_panel_var_find(const char *name);

/* Records period t of the model's unit into m->panel when t is a panel period
 * (with up to `threads` threads). */
void cr_panel_record(struct cr_model *m, int t, int threads);

#endif
