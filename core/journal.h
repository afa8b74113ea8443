/* The journal of a run: an append-only file of checksummed records, the part of a
 * run that survives any kill.
 *
 * Every completed unit of work is appended as one record (written with one
 * write(2) call; the kernel keeps it when the process is killed, even with
 * SIGKILL). A kill in the middle of an append leaves a torn last record: its
 * length or CRC-32 does not match, and reading stops there (opening the journal to
 * append cuts it off). The results file is assembled from the journal, so a kill at
 * any instant loses at most the units in flight.
 *
 *   header:  "CREDERE-JOURNAL\n" (16 bytes), uint32 version (1), uint32 0,
 *            uint64 identity length, identity text, uint32 CRC-32 of the identity
 *   record:  uint32 0x52435243 ("CRCR" read little-endian), uint32 type,
 *            uint64 payload length, uint32 CRC-32 of the payload, uint32 0, payload
 *
 * Numbers are in the machine's byte order: a journal is read back by the program
 * that wrote it (on a cluster, all nodes of one architecture). The identity is a
 * text naming what the run computes (the resolved experiment, the shard); a journal
 * is only ever continued by a run with the same identity.
 */
#ifndef CR_JOURNAL_H
#define CR_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct cr_journal cr_journal;

/* Creates (or truncates) the journal at path with this identity, ready to append.
 * When its header cannot be written the file is removed. */
cr_status cr_journal_create(const char *path, const char *identity, cr_journal **out, cr_diag *d);

/* Called for each valid record in file order: offset of the record, its type and
 * payload. A nonzero return stops the scan (the scan then returns CR_OK). */
typedef int (*cr_journal_visit)(void *ctx, uint64_t offset, uint32_t type, const void *payload,
                                size_t len);

/* Reads the journal at path: checks its header and that its identity equals
 * `identity` (else CR_ECONFIG, the message showing the first line that differs;
 * identity NULL: not checked), then visits every valid record (fn may be NULL).
 * *valid_end (may be NULL) is the end of the last valid record; *torn is set when
 * bytes after it were cut off by a kill. A file that is not a journal is CR_EINPUT. */
cr_status cr_journal_scan(const char *path, const char *identity, cr_journal_visit fn, void *ctx,
                          uint64_t *valid_end, int *torn, cr_diag *d);

/* Opens an existing journal to append, after checking it as cr_journal_scan does and
 * cutting off a torn last record. */
cr_status cr_journal_open(const char *path, const char *identity, cr_journal **out, cr_diag *d);

/* Appends one record (one write call) and returns once the kernel has it. When the
 * write fails (a full disk, a file-size limit), the partial record is cut off again,
 * so the journal keeps every record appended before and after. */
cr_status cr_journal_append(cr_journal *j, uint32_t type, const void *payload, size_t len,
                            cr_diag *d);

/* Reads the record at offset (from a scan) into *payload (malloc'd, caller frees). */
cr_status cr_journal_read_at(const char *path, uint64_t offset, void **payload, size_t *len,
                             uint32_t *type, cr_diag *d);

/* The identity text stored in the journal at path (malloc'd; caller frees). */
cr_status cr_journal_identity(const char *path, char **identity, cr_diag *d);

/* Testing hook (docs/reliability.md): faults injected on purpose, for the tests of
 * what a run does when a write fails. The environment variable CREDERE_FAULT holds a
 * comma-separated list of NAME:N or NAME:N:ERRNO (ERRNO one of ENOSPC, the default,
 * EIO, EFBIG, EDQUOT). Returns 1 and sets *value and *err (either may be NULL) when
 * NAME is listed, else 0. Unset, it costs one getenv per call. The faults:
 *   journal_write:N   the N-th journal append of the process writes half its record
 *                     and fails with ERRNO (the first append is the run's note)
 *   assembly_write:N  the N-th unit written into a results file fails (core/results.h)
 *   slow_assembly:MS, slow_unit:MS  the runner sleeps MS ms after each unit it writes
 *                     into the results file, or appends to the journal (to make these
 *                     windows wide enough for a test to send a signal in them) */
int cr_journal_fault(const char *name, long *value, int *err);

/* Flushes to disk (fsync) and closes; *j becomes NULL. Safe on NULL. */
cr_status cr_journal_close(cr_journal **j, cr_diag *d);

#endif
