/* One completed unit of work, as the journal and MPI messages carry it: the unit's
 * metrics and, when the experiment asks, its failures (events) and its
 * replication's network statistics and tables, and its panel (compressed). A flat byte layout with
 * explicit fields (no struct padding): the same bytes whatever thread or rank produced it. */
#ifndef CR_UNITREC_H
#define CR_UNITREC_H

#include <stddef.h>
#include <stdint.h>

#include "core/results.h"
#include "core/status.h"
#include "core/zchunk.h"

enum { CR_REC_UNIT = 1, CR_REC_NOTE = 2 };

typedef struct {
    uint32_t cell, replication;
    uint32_t nmetrics, nperiods;
    double *values; /* [nmetrics * nperiods] */
    size_t nevents;
    cr_event *events;
    size_t nnet;
    double *net; /* the replication's network statistics (0: none) */
    size_t edge_rows, degree_rows;
    double *edges, *degrees; /* 3-column tables, column-major (0 rows: none) */
    int has_panel;
    cr_zchunks panel; /* the unit's panel (models/panel.h), compressed in chunks */
} cr_unitrec;

/* Serialises u into *buf (grown with realloc as needed; *cap its size); *len bytes. */
cr_status cr_unitrec_pack(const cr_unitrec *u, unsigned char **buf, size_t *cap, size_t *len,
                          cr_diag *d);

/* Reads a record back; its arrays are malloc'd (cr_unitrec_free). CR_EINPUT when the
 * bytes are not a whole record. */
cr_status cr_unitrec_unpack(const void *buf, size_t len, cr_unitrec *u, cr_diag *d);
void cr_unitrec_free(cr_unitrec *u);

#endif
