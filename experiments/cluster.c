#include "experiments/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CREDERE_HAVE_MPI
#include <mpi.h>

enum { TAG_RECORD = 1, TAG_END = 2 };

#define CR_STR2(x) #x
#define CR_STR(x) CR_STR2(x)

static int active = 0, rank = 0, size = 1;
static char library[64] = "MPI " CR_STR(MPI_VERSION) "." CR_STR(MPI_SUBVERSION);

void cr_cluster_init(int *argc, char ***argv)
{
    static const char *const launcher_vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                                                "MPI_LOCALNRANKS", "PMI_RANK"};
    int launched = 0;
    for (size_t i = 0; i < sizeof launcher_vars / sizeof launcher_vars[0]; i++)
        launched |= getenv(launcher_vars[i]) != NULL;
    if (!launched)
        return;
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int major = 0, minor = 0;
    MPI_Get_version(&major, &minor);
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(v, &len);
    v[strcspn(v, ",\n")] = '\0';
    snprintf(library, sizeof library, "%.40s (MPI %d.%d)", v, major, minor);
    active = 1;
}

void cr_cluster_finalize(void)
{
    if (active)
        MPI_Finalize();
    active = 0;
}

int cr_cluster_rank(void)
{
    return rank;
}

int cr_cluster_size(void)
{
    return size;
}

const char *cr_cluster_library(void)
{
    return library;
}

void cr_cluster_bcast_status(cr_status *st, cr_diag *d)
{
    if (!active || size == 1)
        return;
    int s = (int)*st;
    MPI_Bcast(&s, 1, MPI_INT, 0, MPI_COMM_WORLD);
    *st = (cr_status)s;
    MPI_Bcast(d->msg, (int)sizeof d->msg, MPI_CHAR, 0, MPI_COMM_WORLD);
}

void cr_cluster_bcast_bytes(void *buf, size_t n)
{
    if (!active || size == 1)
        return;
    char *b = buf;
    while (n > 0) {
        int step = n > (1u << 30) ? (1 << 30) : (int)n;
        MPI_Bcast(b, step, MPI_BYTE, 0, MPI_COMM_WORLD);
        b += step;
        n -= (size_t)step;
    }
}

cr_status cr_cluster_send_record(const void *buf, size_t len, cr_diag *d)
{
    if (len > (size_t)1 << 31)
        return cr_diag_set(d, CR_EINVAL, "a unit's record (%zu bytes) is too large for MPI", len);
    MPI_Send(buf, (int)len, MPI_BYTE, 0, TAG_RECORD, MPI_COMM_WORLD);
    return CR_OK;
}

void cr_cluster_send_end(cr_status st, const cr_diag *d)
{
    char msg[sizeof d->msg + sizeof(int)];
    int s = (int)st;
    memcpy(msg, &s, sizeof s);
    memcpy(msg + sizeof s, d->msg, sizeof d->msg);
    MPI_Send(msg, (int)sizeof msg, MPI_BYTE, 0, TAG_END, MPI_COMM_WORLD);
}

int cr_cluster_receive(int block, unsigned char **buf, size_t *cap, size_t *len, cr_status *st,
                       cr_diag *d)
{
    if (!active || size == 1)
        return 0;
    MPI_Status ms;
    int flag = 1;
    if (block)
        MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
    else
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &ms);
    if (!flag)
        return 0;
    int count = 0;
    MPI_Get_count(&ms, MPI_BYTE, &count);
    size_t need = (size_t)count + 1;
    if (need > *cap) {
        unsigned char *nb = realloc(*buf, need);
        if (!nb) { /* cannot happen in practice; take the message and report it */
            char tmp[1];
            MPI_Recv(tmp, 0, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            *st = cr_diag_set(d, CR_ENOMEM, "out of memory receiving a unit");
            return 2;
        }
        *buf = nb;
        *cap = need;
    }
    MPI_Recv(*buf, count, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *len = (size_t)count;
    if (ms.MPI_TAG == TAG_RECORD)
        return 1;
    int s = 0;
    memcpy(&s, *buf, sizeof s);
    *st = (cr_status)s;
    snprintf(d->msg, sizeof d->msg, "%s", (const char *)*buf + sizeof s);
    return 2;
}

#else /* no MPI: one process */

void cr_cluster_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void cr_cluster_finalize(void) {}

int cr_cluster_rank(void)
{
    return 0;
}

int cr_cluster_size(void)
{
    return 1;
}

const char *cr_cluster_library(void)
{
    return "none";
}

void cr_cluster_bcast_status(cr_status *st, cr_diag *d)
{
    (void)st;
    (void)d;
}

void cr_cluster_bcast_bytes(void *buf, size_t n)
{
    (void)buf;
    (void)n;
}

cr_status cr_cluster_send_record(const void *buf, size_t len, cr_diag *d)
{
    (void)buf;
    (void)len;
    return cr_diag_set(d, CR_EINVAL, "built without MPI");
}

void cr_cluster_send_end(cr_status st, const cr_diag *d)
{
    (void)st;
    (void)d;
}

int cr_cluster_receive(int block, unsigned char **buf, size_t *cap, size_t *len, cr_status *st,
                       cr_diag *d)
{
    (void)block;
    (void)buf;
    (void)cap;
    (void)len;
    (void)st;
    (void)d;
    return 0;
}

#endif
