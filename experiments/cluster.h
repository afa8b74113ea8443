/* MPI for the batch runner (experiments/ is the only layer that talks MPI).
 *
 * Built with MPI (CMake CREDERE_MPI, on when an MPI library is found), `credere run`
 * started by mpirun or srun joins MPI_COMM_WORLD: rank 0 reads the journal, writes
 * the results file and runs units; the other ranks run units and send each finished
 * unit to rank 0. Started any other way, or built without MPI, it is one process of
 * rank 0 (these functions then do nothing). */
#ifndef CR_CLUSTER_H
#define CR_CLUSTER_H

#include <stddef.h>

#include "core/status.h"

/* Joins MPI when the process was started by an MPI launcher (OpenMPI, MPICH/PMI,
 * PMIx, Slurm's srun with an MPI plugin); otherwise, or without MPI, does nothing. */
void cr_cluster_init(int *argc, char ***argv);
void cr_cluster_finalize(void);
int cr_cluster_rank(void);
int cr_cluster_size(void);
/* The MPI library: "MPI 3.1" when built with MPI (after cr_cluster_init under a
 * launcher: the library's own version string), "none" without. */
const char *cr_cluster_library(void);

/* Rank 0's status after set-up (and its message) to every rank. */
void cr_cluster_bcast_status(cr_status *st, cr_diag *d);
/* n bytes from rank 0 to every rank. */
void cr_cluster_bcast_bytes(void *buf, size_t n);

/* Workers: one finished unit's record, then, once, the end of their work. */
cr_status cr_cluster_send_record(const void *buf, size_t len, cr_diag *d);
void cr_cluster_send_end(cr_status st, const cr_diag *d);

/* Rank 0: the next message from a worker: a record (returns 1, *buf grown as needed,
 * *len set), an end (returns 2, *st and d set), or nothing yet (0, only when
 * !block). */
int cr_cluster_receive(int block, unsigned char **buf, size_t *cap, size_t *len, cr_status *st,
                       cr_diag *d);

#endif
