#include "core/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#define MAGIC "CREDERE-JOURNAL\n"
#define MAGIC_LEN 16
#define VERSION 1u
#define RECORD_MAGIC 0x52435243u
#define RECORD_HEAD 24
#define MAX_PAYLOAD ((uint64_t)1 << 40)

struct cr_journal {
    int fd;
    char *path;
    uint64_t end; /* end of the last whole record: a failed append is cut back to it */
    int broken;   /* a failed append could not be cut back: no more appends */
};

/* ------------------------------------------------------------------ the testing hook */

static int errno_named(const char *s, size_t n)
{
    static const struct {
        const char *name;
        int err;
    } tab[] = {{"ENOSPC", ENOSPC}, {"EIO", EIO}, {"EFBIG", EFBIG}, {"EDQUOT", EDQUOT}};
    for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
        if (strlen(tab[k].name) == n && strncmp(s, tab[k].name, n) == 0)
            return tab[k].err;
    return ENOSPC;
}

int cr_journal_fault(const char *name, long *value, int *err)
{
    const char *spec = getenv("CREDERE_FAULT");
    size_t nlen = strlen(name);
    for (const char *q = spec; q && *q;) {
        size_t n = strcspn(q, ",");
        if (n > nlen && strncmp(q, name, nlen) == 0 && q[nlen] == ':') {
            char *end;
            long v = strtol(q + nlen + 1, &end, 10);
            if (value)
                *value = v;
            if (err)
                *err = *end == ':' ? errno_named(end + 1, (size_t)(q + n - end - 1)) : ENOSPC;
            return 1;
        }
        q += n + (q[n] == ',');
    }
    return 0;
}

static uint32_t crc(const void *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    const unsigned char *b = p;
    while (n > 0) { /* crc32 takes a uInt length */
        uInt step = n > (1u << 30) ? (1u << 30) : (uInt)n;
        c = crc32(c, b, step);
        b += step;
        n -= step;
    }
    return (uint32_t)c;
}

/* Writes all n bytes (retrying short writes and EINTR). */
static int write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes; 0 on success, 1 at a short read (end of file), -1 on error. */
static int read_all(int fd, void *p, size_t n)
{
    char *b = p;
    while (n > 0) {
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static size_t header_size(size_t idlen)
{
    return MAGIC_LEN + 4 + 4 + 8 + idlen + 4;
}

cr_status cr_journal_create(const char *path, const char *identity, cr_journal **out, cr_diag *d)
{
    *out = NULL;
    size_t idlen = strlen(identity), n = header_size(idlen);
    char *h = malloc(n);
    cr_journal *j = calloc(1, sizeof *j);
    char *p = strdup(path);
    if (!h || !j || !p) {
        free(h);
        free(j);
        free(p);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    uint32_t v = VERSION, zero = 0, c = crc(identity, idlen);
    uint64_t len = idlen;
    memcpy(h, MAGIC, MAGIC_LEN);
    memcpy(h + 16, &v, 4);
    memcpy(h + 20, &zero, 4);
    memcpy(h + 24, &len, 8);
    memcpy(h + 32, identity, idlen);
    memcpy(h + 32 + idlen, &c, 4);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0 && write_all(fd, h, n) == 0 && fsync(fd) == 0;
    int err = errno;
    free(h);
    if (!ok) {
        if (fd >= 0) { /* a journal without its whole header would stop the next run */
            close(fd);
            unlink(path);
        }
        free(j);
        free(p);
        return cr_diag_set(d, CR_EIO, "%s: cannot create the run's journal: %s", path,
                           strerror(err));
    }
    j->fd = fd;
    j->path = p;
    j->end = n;
    *out = j;
    return CR_OK;
}

/* The first line where a and b differ, for the message. */
static void first_difference(const char *a, const char *b, char *buf, size_t len)
{
    int line = 1;
    const char *la = a, *lb = b;
    while (*a && *a == *b) {
        if (*a == '\n') {
            line++;
            la = a + 1;
            lb = b + 1;
        }
        a++;
        b++;
    }
    int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
    snprintf(buf, len, "resolved line %d: the run has '%.*s', now '%.*s'", line, na > 80 ? 80 : na,
             la, nb > 80 ? 80 : nb, lb);
}

/* Opens path and reads its header; *ident gets the identity (malloc'd). */
static cr_status read_header(const char *path, int flags, int *fdp, char **ident, uint64_t *end,
                             cr_diag *d)
{
    *fdp = -1;
    *ident = NULL;
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return cr_diag_set(d, errno == ENOENT ? CR_EINPUT : CR_EIO, "%s: cannot open: %s", path,
                           strerror(errno));
    char h[32];
    uint32_t v;
    uint64_t len;
    int r = read_all(fd, h, sizeof h);
    if (r == 0) {
        memcpy(&v, h + 16, 4);
        memcpy(&len, h + 24, 8);
    }
    if (r != 0 || memcmp(h, MAGIC, MAGIC_LEN) != 0 || v != VERSION || len > (1u << 30)) {
        close(fd);
        return cr_diag_set(d, CR_EINPUT, "%s: not a credere journal (or of another version)", path);
    }
    char *id = malloc(len + 1);
    uint32_t c = 0;
    if (!id || read_all(fd, id, len) != 0 || read_all(fd, &c, 4) != 0 || crc(id, len) != c) {
        free(id);
        close(fd);
        return cr_diag_set(d, CR_EINPUT, "%s: the journal's header is damaged", path);
    }
    id[len] = '\0';
    *fdp = fd;
    *ident = id;
    *end = header_size(len);
    return CR_OK;
}

static cr_status scan_fd(int fd, const char *path, uint64_t start, cr_journal_visit fn, void *ctx,
                         uint64_t *valid_end, int *torn, cr_diag *d)
{
    uint64_t off = start;
    void *buf = NULL;
    size_t cap = 0;
    cr_status st = CR_OK;
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return cr_diag_set(d, CR_EIO, "%s: %s", path, strerror(errno));
    for (;;) {
        unsigned char h[RECORD_HEAD];
        if (lseek(fd, (off_t)off, SEEK_SET) < 0 || read_all(fd, h, sizeof h) != 0)
            break;
        uint32_t magic, type, c;
        uint64_t len;
        memcpy(&magic, h, 4);
        memcpy(&type, h + 4, 4);
        memcpy(&len, h + 8, 8);
        memcpy(&c, h + 16, 4);
        if (magic != RECORD_MAGIC || len > MAX_PAYLOAD ||
            off + RECORD_HEAD + len > (uint64_t)sb.st_size)
            break;
        if (len + 1 > cap) {
            void *nb = realloc(buf, len + 1);
            if (!nb) {
                st = cr_diag_set(d, CR_ENOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
            cap = len + 1;
        }
        if (read_all(fd, buf, len) != 0 || crc(buf, len) != c)
            break;
        if (fn && fn(ctx, off, type, buf, len))
            break;
        off += RECORD_HEAD + len;
    }
    free(buf);
    if (valid_end)
        *valid_end = off;
    if (torn)
        *torn = st == CR_OK && (uint64_t)sb.st_size > off;
    return st;
}

static cr_status check_identity(const char *path, const char *have, const char *want, cr_diag *d)
{
    if (!want || strcmp(have, want) == 0)
        return CR_OK;
    char diff[256];
    first_difference(have, want, diff, sizeof diff);
    return cr_diag_set(d, CR_ECONFIG,
                       "%s: the experiment differs from the one this run started with (%s); "
                       "resume with the same experiment file, --set options and --shard, or "
                       "start over with --force",
                       path, diff);
}

cr_status cr_journal_scan(const char *path, const char *identity, cr_journal_visit fn, void *ctx,
                          uint64_t *valid_end, int *torn, cr_diag *d)
{
    int fd;
    char *id;
    uint64_t start;
    cr_status st = read_header(path, O_RDONLY, &fd, &id, &start, d);
    if (st != CR_OK)
        return st;
    st = check_identity(path, id, identity, d);
    if (st == CR_OK)
        st = scan_fd(fd, path, start, fn, ctx, valid_end, torn, d);
    free(id);
    close(fd);
    return st;
}

cr_status cr_journal_identity(const char *path, char **identity, cr_diag *d)
{
    int fd;
    uint64_t start;
    cr_status st = read_header(path, O_RDONLY, &fd, identity, &start, d);
    if (st == CR_OK)
        close(fd);
    return st;
}

cr_status cr_journal_open(const char *path, const char *identity, cr_journal **out, cr_diag *d)
{
    *out = NULL;
    int fd;
    char *id;
    uint64_t start, end = 0;
    cr_status st = read_header(path, O_RDWR, &fd, &id, &start, d);
    if (st != CR_OK)
        return st;
    st = check_identity(path, id, identity, d);
    free(id);
    int torn = 0;
    if (st == CR_OK)
        st = scan_fd(fd, path, start, NULL, NULL, &end, &torn, d);
    if (st == CR_OK && torn && ftruncate(fd, (off_t)end) != 0)
        st = cr_diag_set(d, CR_EIO, "%s: cannot cut off a torn record: %s", path, strerror(errno));
    if (st == CR_OK && lseek(fd, (off_t)end, SEEK_SET) < 0)
        st = cr_diag_set(d, CR_EIO, "%s: %s", path, strerror(errno));
    cr_journal *j = st == CR_OK ? calloc(1, sizeof *j) : NULL;
    char *p = j ? strdup(path) : NULL;
    if (st == CR_OK && (!j || !p))
        st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    if (st != CR_OK) {
        free(j);
        free(p);
        close(fd);
        return st;
    }
    j->fd = fd;
    j->path = p;
    j->end = end;
    *out = j;
    return CR_OK;
}

cr_status cr_journal_append(cr_journal *j, uint32_t type, const void *payload, size_t len,
                            cr_diag *d)
{
    size_t n = RECORD_HEAD + len;
    unsigned char *b = malloc(n);
    if (!b)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    uint32_t magic = RECORD_MAGIC, c = crc(payload, len), zero = 0;
    uint64_t l = len;
    memcpy(b, &magic, 4);
    memcpy(b + 4, &type, 4);
    memcpy(b + 8, &l, 8);
    memcpy(b + 16, &c, 4);
    memcpy(b + 20, &zero, 4);
    memcpy(b + RECORD_HEAD, payload, len);
    static unsigned long appends; /* for the testing hook; appends are never concurrent */
    long nth = 0;
    int fault = 0, ok, err;
    if (j->broken) {
        free(b);
        return cr_diag_set(d, CR_EIO,
                           "%s: the journal ends in a torn record after a failed write; "
                           "--resume cuts it off",
                           j->path);
    }
    if (cr_journal_fault("journal_write", &nth, &fault) && (long)++appends == nth) {
        (void)write_all(j->fd, b, n / 2); /* a write torn half-way */
        ok = 0;
        err = fault;
    } else {
        ok = write_all(j->fd, b, n) == 0;
        err = errno;
    }
    free(b);
    if (ok) {
        j->end += n;
        return CR_OK;
    }
    /* cut a partial record off, so that the records appended later stay readable */
    if (ftruncate(j->fd, (off_t)j->end) != 0 || lseek(j->fd, (off_t)j->end, SEEK_SET) < 0)
        j->broken = 1;
    return cr_diag_set(d, CR_EIO, "%s: cannot append to the journal: %s", j->path, strerror(err));
}

cr_status cr_journal_read_at(const char *path, uint64_t offset, void **payload, size_t *len,
                             uint32_t *type, cr_diag *d)
{
    *payload = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cr_diag_set(d, CR_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char h[RECORD_HEAD];
    uint32_t magic = 0, c = 0;
    uint64_t l = 0;
    int ok = lseek(fd, (off_t)offset, SEEK_SET) >= 0 && read_all(fd, h, sizeof h) == 0;
    if (ok) {
        memcpy(&magic, h, 4);
        memcpy(type, h + 4, 4);
        memcpy(&l, h + 8, 8);
        memcpy(&c, h + 16, 4);
        ok = magic == RECORD_MAGIC && l <= MAX_PAYLOAD;
    }
    void *b = ok ? malloc(l + 1) : NULL;
    ok = b && read_all(fd, b, l) == 0 && crc(b, l) == c;
    close(fd);
    if (!ok) {
        free(b);
        return cr_diag_set(d, CR_EIO, "%s: cannot read the record at byte %llu", path,
                           (unsigned long long)offset);
    }
    *payload = b;
    *len = l;
    return CR_OK;
}

cr_status cr_journal_close(cr_journal **jp, cr_diag *d)
{
    cr_journal *j = jp ? *jp : NULL;
    if (!j)
        return CR_OK;
    cr_status st = CR_OK;
    if (fsync(j->fd) != 0 && errno != EINVAL)
        st = cr_diag_set(d, CR_EIO, "%s: %s", j->path, strerror(errno));
    if (close(j->fd) != 0 && st == CR_OK)
        st = cr_diag_set(d, CR_EIO, "%s: %s", j->path, strerror(errno));
    free(j->path);
    free(j);
    *jp = NULL;
    return st;
}
