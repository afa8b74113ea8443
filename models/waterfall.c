/* The loss waterfall (models/waterfall.h): names, checks, solvent shares, batch
 * allocation with limited resources, and the description used by `credere modes`.
 *
 * One loan's passage through a layer is the same computation whether resources are
 * limited or not: the layer's request on the loan (layer_request) is scaled by its
 * holder entity's ratio (1 when solvent) and booked (layer_book). cr_waterfall_shares
 * is the solvent, single-loan case of cr_waterfall_allocate and gives bit-identical
 * numbers to an allocation with unlimited resources.
 */
#include "models/waterfall.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NH CR_HOLDER_COUNT
#define KIND_COUNT 3

/* Slack on the sum of a tier's shares: 0.4 + 0.3 + 0.2 + 0.1 is not exactly 1 in
 * binary. Requests are clamped to the loss remaining, so a sum of 1 + 1e-12 cannot
 * make any payment negative. */
#define TIER_SUM_SLACK 1e-12

/* A holder's share below this (of an exposure of 1) is not shown by describe. */
#define SHOW_MIN 1e-12

static const char *const holder_names[NH] = {
#define CR_X_NAME(e, name, doc) name,
    CR_HOLDER_LIST(CR_X_NAME)
#undef CR_X_NAME
};

static const char *const kind_names[KIND_COUNT] = {"first_loss", "pro_rata", "counter"};

static int holder_ok(cr_holder h)
{
    return (int)h >= 0 && (int)h < NH;
}

static int kind_ok(cr_layer_kind k)
{
    return (int)k >= 0 && (int)k < KIND_COUNT;
}

const char *cr_holder_name(cr_holder h)
{
    return holder_ok(h) ? holder_names[h] : NULL;
}

cr_holder cr_holder_from_name(const char *name)
{
    for (int h = 0; name && h < NH; h++)
        if (strcmp(name, holder_names[h]) == 0)
            return (cr_holder)h;
    return CR_HOLDER_COUNT;
}

const char *cr_layer_kind_name(cr_layer_kind k)
{
    return kind_ok(k) ? kind_names[k] : NULL;
}

int cr_layer_kind_from_name(const char *name)
{
    for (int k = 0; name && k < KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* ---------------------------------------------------------------- check */

/* One layer on its own and against the layers above it (0-based index i). */
static cr_status check_layer(const cr_waterfall *w, int i, cr_diag *d)
{
    const cr_layer *l = &w->layer[i];
    int no = i + 1;
    if (!holder_ok(l->holder))
        return cr_diag_set(d, CR_EINVAL, "layer %d: unknown holder type %d", no, (int)l->holder);
    if (l->holder == CR_H_BANK)
        return cr_diag_set(d, CR_EINVAL,
                           "layer %d: the bank is the residual holder and cannot be a layer", no);
    const char *hn = holder_names[l->holder];
    if (!kind_ok(l->kind))
        return cr_diag_set(d, CR_EINVAL, "layer %d (%s): unknown layer kind %d", no, hn,
                           (int)l->kind);
    const char *kn = kind_names[l->kind];
    if (l->kind == CR_LAYER_FIRST_LOSS) {
        if (!(l->cap >= 0.0) || !isfinite(l->cap))
            return cr_diag_set(d, CR_EINVAL,
                               "layer %d (%s %s): cap %g must be a finite number >= 0", no, hn, kn,
                               l->cap);
    } else if (!(l->share >= 0.0 && l->share <= 1.0)) {
        return cr_diag_set(d, CR_EINVAL, "layer %d (%s %s): share %g is outside [0, 1]", no, hn, kn,
                           l->share);
    }
    if (l->kind == CR_LAYER_COUNTER) {
        if (!holder_ok(l->of))
            return cr_diag_set(d, CR_EINVAL, "layer %d (%s %s): unknown 'of' holder type %d", no,
                               hn, kn, (int)l->of);
        if (l->of == l->holder)
            return cr_diag_set(d, CR_EINVAL,
                               "layer %d (%s %s): 'of: %s': a holder cannot counter-guarantee "
                               "itself",
                               no, hn, kn, hn);
        int pays = 0;
        for (int j = 0; j < i; j++)
            pays |= w->layer[j].holder == l->of;
        if (!pays)
            return cr_diag_set(d, CR_EINVAL,
                               "layer %d (%s %s): 'of: %s' must pay in an earlier layer", no, hn,
                               kn, holder_names[l->of]);
    }
    for (int j = 0; j < i; j++)
        if (w->layer[j].holder == l->holder && w->layer[j].kind == l->kind)
            return cr_diag_set(d, CR_EINVAL,
                               "layer %d (%s %s): duplicate of layer %d (at most one layer per "
                               "holder and kind)",
                               no, hn, kn, j + 1);
    return CR_OK;
}

/* Does layer i start a pro_rata tier (a run of consecutive pro_rata layers)? */
static int starts_tier(const cr_waterfall *w, int i)
{
    return w->layer[i].kind == CR_LAYER_PRO_RATA &&
           (i == 0 || w->layer[i - 1].kind != CR_LAYER_PRO_RATA);
}

/* The shares of every pro_rata tier sum to at most 1 (the layers are valid). */
static cr_status check_tiers(const cr_waterfall *w, cr_diag *d)
{
    for (int i = 0; i < w->n; i++) {
        if (!starts_tier(w, i))
            continue;
        int j = i;
        double sum = 0.0;
        for (; j < w->n && w->layer[j].kind == CR_LAYER_PRO_RATA; j++)
            sum += w->layer[j].share;
        if (sum > 1.0 + TIER_SUM_SLACK)
            return cr_diag_set(d, CR_EINVAL, "layers %d-%d (pro_rata tier): shares sum to %g > 1",
                               i + 1, j, sum);
    }
    return CR_OK;
}

cr_status cr_waterfall_check(const cr_waterfall *w, cr_diag *d)
{
    if (!w)
        return cr_diag_set(d, CR_EINVAL, "no waterfall");
    if (w->n < 0)
        return cr_diag_set(d, CR_EINVAL, "negative number of layers (%d)", w->n);
    if (w->n > CR_LAYERS_MAX)
        return cr_diag_set(d, CR_EINVAL, "more than %d layers (%d)", CR_LAYERS_MAX, w->n);
    for (int i = 0; i < w->n; i++) {
        cr_status s = check_layer(w, i, d);
        if (s != CR_OK)
            return s;
    }
    return check_tiers(w, d);
}

/* ---------------------------------------------------------------- one loan, one layer */

/* What layer l asks of its holder on one loan, before any resource limit: row is
 * the loan's payments so far (by holder type), remaining the loss not yet absorbed,
 * tier_base the loss that reached the current pro_rata tier. Never negative and, for
 * the loss-absorbing kinds, never more than remaining. */
static double layer_request(const cr_layer *l, double exposure, double remaining, double tier_base,
                            const double *row)
{
    double r;
    switch (l->kind) {
    case CR_LAYER_FIRST_LOSS:
        r = l->cap * exposure;
        return r < remaining ? r : remaining;
    case CR_LAYER_PRO_RATA:
        r = l->share * tier_base;
        return r < remaining ? r : remaining;
    case CR_LAYER_COUNTER:
        return l->share * row[l->of];
    }
    return 0.0;
}

/* Books a payment pay (<= the request) of layer l on one loan: a first_loss or
 * pro_rata payment absorbs loss; a counter-guarantee moves pay from `of` to its
 * holder and leaves the remaining loss alone. Both keep their amounts >= 0. */
static void layer_book(const cr_layer *l, double pay, double *remaining, double *row)
{
    row[l->holder] += pay;
    if (l->kind == CR_LAYER_COUNTER)
        row[l->of] -= pay;
    else
        *remaining -= pay;
}

/* The bank's entry: the loss minus every other holder's, so the row sums to the loss
 * up to rounding. Exactly it would equal the remaining loss (>= 0); a negative value
 * can only be rounding and is set to 0 so that no payment is negative. */
static void book_residual(double *row, double loss)
{
    double others = 0.0;
    for (int h = 0; h < NH; h++)
        if (h != CR_H_BANK)
            others += row[h];
    double r = loss - others;
    row[CR_H_BANK] = r > 0.0 ? r : 0.0;
}

void cr_waterfall_shares(const cr_waterfall *w, double lgd, double out[CR_HOLDER_COUNT])
{
    for (int h = 0; h < NH; h++)
        out[h] = 0.0;
    double remaining = lgd, tier_base = lgd;
    int n = w ? w->n : 0;
    n = n < 0 ? 0 : (n > CR_LAYERS_MAX ? CR_LAYERS_MAX : n);
    for (int i = 0; i < n; i++) {
        const cr_layer *l = &w->layer[i];
        /* An unchecked waterfall must not write out of bounds: skip what is invalid. */
        if (!holder_ok(l->holder) || l->holder == CR_H_BANK || !kind_ok(l->kind) ||
            (l->kind == CR_LAYER_COUNTER && !holder_ok(l->of)))
            continue;
        if (starts_tier(w, i))
            tier_base = remaining;
        layer_book(l, layer_request(l, 1.0, remaining, tier_base, out), &remaining, out);
    }
    book_residual(out, lgd);
}

/* ---------------------------------------------------------------- scratch */

void cr_waterfall_work_init(cr_waterfall_work *w)
{
    memset(w, 0, sizeof *w);
    w->remaining = w->tier_base = w->request = w->total = NULL;
}

void cr_waterfall_work_destroy(cr_waterfall_work *w)
{
    if (!w)
        return;
    free(w->remaining);
    free(w->tier_base);
    free(w->request);
    free(w->total);
    cr_waterfall_work_init(w);
}

/* The capacity to grow to: at least need, and 1.5 x the old one to amortise. */
static size_t grown(size_t cap, size_t need)
{
    size_t c = cap + cap / 2;
    return c > need ? c : need;
}

/* Reallocates *p to cap doubles; *p is unchanged on failure. */
static int regrow(double **p, size_t cap)
{
    if (cap > SIZE_MAX / sizeof(double))
        return -1;
    double *q = realloc(*p, cap * sizeof(double));
    if (!q)
        return -1;
    *p = q;
    return 0;
}

/* Makes room for n_claims claims and n_entities entities of any holder type. The
 * entity totals are kept all zero between calls (allocate_layer resets what it
 * used), so new entity slots are zeroed here. On failure the arrays that did grow
 * stay valid; the capacities say only what all of them have. */
static cr_status work_reserve(cr_waterfall_work *w, size_t n_claims, size_t n_entities)
{
    if (n_entities > w->cap_entities) {
        size_t cap = grown(w->cap_entities, n_entities);
        if (regrow(&w->total, cap) != 0)
            return CR_ENOMEM;
        for (size_t e = w->cap_entities; e < cap; e++)
            w->total[e] = 0.0;
        w->cap_entities = cap;
    }
    if (n_claims > w->cap_claims) {
        size_t cap = grown(w->cap_claims, n_claims);
        if (regrow(&w->remaining, cap) != 0 || regrow(&w->tier_base, cap) != 0 ||
            regrow(&w->request, cap) != 0)
            return CR_ENOMEM;
        w->cap_claims = cap;
    }
    return CR_OK;
}

/* ---------------------------------------------------------------- allocation */

/* What an entity can pay: nothing once failed; never negative. */
static double usable(double available, uint8_t failed)
{
    return !failed && available > 0.0 ? available : 0.0;
}

/* Validates the inputs of an allocation before anything is written: every holder
 * type the waterfall uses has its arrays and an entity for every claim; losses and
 * exposures are finite and >= 0. Sets *n_entities to the largest entity count of a
 * used holder type. */
static cr_status check_inputs(const cr_waterfall *w, const cr_claim *claims, size_t n,
                              const cr_holders *h, size_t *n_entities)
{
    int used[NH] = {0};
    *n_entities = 0;
    for (int l = 0; l < w->n; l++)
        used[w->layer[l].holder] = 1;
    for (int t = 0; t < NH; t++) {
        if (!used[t])
            continue;
        if (h->n[t] > 0 && (!h->available[t] || !h->failed[t]))
            return CR_EINVAL;
        if (h->n[t] > *n_entities)
            *n_entities = h->n[t];
    }
    for (size_t i = 0; i < n; i++) {
        const cr_claim *c = &claims[i];
        if (!(c->loss >= 0.0) || !isfinite(c->loss) || !(c->exposure >= 0.0) ||
            !isfinite(c->exposure))
            return CR_EINVAL;
        for (int t = 0; t < NH; t++)
            if (used[t] && c->entity[t] >= h->n[t])
                return CR_EINVAL;
    }
    return CR_OK;
}

/* One layer over the whole batch, in three passes over the claims in array order:
 *   1. each claim's request, summed per holder entity (deterministic order);
 *   2. each claim is paid request x ratio, ratio = usable / total when the entity's
 *      claims exceed what it can pay (pro rata), else 1;
 *   3. each entity pays its total once: it fails when the total exceeded what it
 *      could pay (its available is then 0); the totals go back to zero, which also
 *      marks the entity as done for the later claims of the pass. */
static void allocate_layer(const cr_waterfall *w, int li, const cr_claim *claims, size_t n,
                           cr_holders *h, cr_waterfall_work *work, double *paid)
{
    const cr_layer *l = &w->layer[li];
    const cr_holder hh = l->holder;
    double *avail = h->available[hh], *total = work->total, *req = work->request;
    double *rem = work->remaining, *base = work->tier_base;
    uint8_t *failed = h->failed[hh];

    if (starts_tier(w, li))
        for (size_t i = 0; i < n; i++)
            base[i] = rem[i];
    for (size_t i = 0; i < n; i++) {
        req[i] = layer_request(l, claims[i].exposure, rem[i], base[i], paid + i * NH);
        total[claims[i].entity[hh]] += req[i];
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t e = claims[i].entity[hh];
        double a = usable(avail[e], failed[e]), t = total[e];
        double ratio = t > a ? a / t : 1.0; /* t > a >= 0: no division by zero */
        layer_book(l, req[i] * ratio, &rem[i], paid + i * NH);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t e = claims[i].entity[hh];
        double t = total[e];
        if (t == 0.0)
            continue; /* no request, or already paid in this pass */
        double a = usable(avail[e], failed[e]);
        if (t > a) {
            avail[e] = 0.0;
            failed[e] = 1;
        } else {
            avail[e] = a - t; /* >= 0 since t <= a */
        }
        total[e] = 0.0;
    }
}

cr_status cr_waterfall_allocate(const cr_waterfall *w, const cr_claim *claims, size_t n,
                                cr_holders *h, cr_waterfall_work *work, double *paid)
{
    if (!w || !h || !work || (n > 0 && (!claims || !paid)))
        return CR_EINVAL;
    if (cr_waterfall_check(w, NULL) != CR_OK)
        return CR_EINVAL;
    size_t n_entities;
    cr_status s = check_inputs(w, claims, n, h, &n_entities);
    if (s == CR_OK)
        s = work_reserve(work, n, n_entities);
    if (s != CR_OK)
        return s;

    for (size_t i = 0; i < n; i++) {
        work->remaining[i] = work->tier_base[i] = claims[i].loss;
        for (int t = 0; t < NH; t++)
            paid[i * NH + t] = 0.0;
    }
    for (int li = 0; li < w->n; li++)
        allocate_layer(w, li, claims, n, h, work, paid);
    for (size_t i = 0; i < n; i++)
        book_residual(paid + i * NH, claims[i].loss);
    return CR_OK;
}

/* ---------------------------------------------------------------- description */

/* Text appended to a caller's buffer like snprintf: writes while there is room,
 * counts the full length always. */
typedef struct {
    char *buf;
    size_t len, used;
    int err;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
    size_t room = t->used < t->len ? t->len - t->used : 0;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(room ? t->buf + t->used : NULL, room, fmt, ap);
    va_end(ap);
    if (k < 0)
        t->err = 1;
    else
        t->used += (size_t)k;
}

/* "  shares of a loss: guarantor 40 %, ...": the holders in order of first
 * appearance in the layers, then the bank, sorted by decreasing share (stable). */
static void put_shares(text *t, const cr_waterfall *w)
{
    double s[NH];
    cr_waterfall_shares(w, 1.0, s);
    int order[NH], k = 0, seen[NH] = {0};
    for (int i = 0; i < w->n; i++)
        if (!seen[w->layer[i].holder]) {
            seen[w->layer[i].holder] = 1;
            order[k++] = w->layer[i].holder;
        }
    order[k++] = CR_H_BANK;
    for (int i = 1; i < k; i++) /* insertion sort: stable */
        for (int j = i; j > 0 && s[order[j]] > s[order[j - 1]]; j--) {
            int tmp = order[j];
            order[j] = order[j - 1];
            order[j - 1] = tmp;
        }
    put(t, "  shares of a loss:");
    const char *sep = " ";
    for (int i = 0; i < k; i++)
        if (s[order[i]] > SHOW_MIN) {
            put(t, "%s%s %g %%", sep, holder_names[order[i]], 100.0 * s[order[i]]);
            sep = ", ";
        }
    put(t, "\n");
}

int cr_waterfall_describe(const cr_waterfall *w, char *buf, size_t len)
{
    if (buf && len > 0)
        buf[0] = '\0';
    if ((!buf && len > 0) || cr_waterfall_check(w, NULL) != CR_OK)
        return -1;
    text t = {buf, len, 0, 0};
    for (int i = 0; i < w->n; i++) {
        const cr_layer *l = &w->layer[i];
        put(&t, "  %d. %-13s %-11s ", i + 1, holder_names[l->holder], kind_names[l->kind]);
        switch (l->kind) {
        case CR_LAYER_FIRST_LOSS:
            put(&t, "up to %g %% of the exposure\n", 100.0 * l->cap);
            break;
        case CR_LAYER_PRO_RATA:
            put(&t, "%g %% of the loss reaching the tier\n", 100.0 * l->share);
            break;
        case CR_LAYER_COUNTER:
            put(&t, "%g %% of %s's payments\n", 100.0 * l->share, holder_names[l->of]);
            break;
        }
    }
    put(&t, "     %-13s residual\n", holder_names[CR_H_BANK]);
    put_shares(&t, w);
    return t.err || t.used > INT_MAX ? -1 : (int)t.used;
}
