#include "models/mode.h"

#include <stdio.h>
#include <string.h>

#define CR_MODES_MAX 64

static const cr_mode_type *builtin[CR_MODE_SLOTS] = {
    &cr_mode_direct,          &cr_mode_single,        &cr_mode_joint_liability,
    &cr_mode_alliance,        &cr_preset_china_4321,  &cr_preset_china_national_fund,
    &cr_preset_italy_confidi, &cr_preset_japan_cgc,   &cr_preset_germany_bb,
    &cr_preset_us_sba7a,      &cr_preset_korea_kodit,
};
static const cr_mode_type *user[CR_MODES_MAX];
static size_t nuser = 0;

#define NBUILTIN (sizeof builtin / sizeof builtin[0])

const cr_mode_type *cr_mode_at(size_t i)
{
    if (i < NBUILTIN)
        return builtin[i];
    i -= NBUILTIN;
    return i < nuser ? user[i] : NULL;
}

const cr_mode_type *cr_mode_find(const char *name)
{
    for (size_t i = 0;; i++) {
        const cr_mode_type *m = cr_mode_at(i);
        if (!m)
            return NULL;
        if (strcmp(m->name, name) == 0)
            return m;
    }
}

size_t cr_mode_names(const char **names, size_t max)
{
    size_t n = 0;
    for (const cr_mode_type *m; (m = cr_mode_at(n)) != NULL; n++)
        if (n < max)
            names[n] = m->name;
    return n;
}

cr_status cr_mode_register(const cr_mode_type *mode)
{
    if (!mode || !mode->name || cr_mode_find(mode->name) || nuser >= CR_MODES_MAX)
        return CR_EINVAL;
    user[nuser++] = mode;
    return CR_OK;
}

void cr_mode_params_waterfall(const cr_mode_params *mp, cr_waterfall *w)
{
    w->n = mp->waterfall.n;
    for (int k = 0; k < mp->waterfall.n; k++) {
        w->layer[k].holder = (cr_holder)mp->waterfall.item[k].holder;
        w->layer[k].kind = (cr_layer_kind)mp->waterfall.item[k].type;
        w->layer[k].share = mp->waterfall.item[k].share;
        w->layer[k].cap = mp->waterfall.item[k].cap;
        w->layer[k].of = (cr_holder)mp->waterfall.item[k].of;
    }
}

/* "first loss: mutual_fund up to 100 %, members up to 20 %; then guarantor 40 %,
 * reguarantor 30 %, bank 20 %, government 10 %": the first-loss layers, then the
 * shares of what passes them (counter-guarantees netted) */
static void shares_line(const cr_waterfall *w, char *buf, size_t len)
{
    double sh[CR_HOLDER_COUNT];
    cr_waterfall rest = {0};
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < w->n; k++) {
        if (w->layer[k].kind == CR_LAYER_FIRST_LOSS) {
            if (o < len)
                o += (size_t)snprintf(buf + o, len - o, "%s%s up to %.4g %%",
                                      o ? ", " : "first loss: ", cr_holder_name(w->layer[k].holder),
                                      100.0 * w->layer[k].cap);
        } else {
            rest.layer[rest.n++] = w->layer[k];
        }
    }
    if (o && o < len)
        o += (size_t)snprintf(buf + o, len - o, "; then ");
    cr_waterfall_shares(&rest, 1.0, sh);
    size_t start = o;
    for (int h = 1; h <= CR_HOLDER_COUNT; h++) {
        int k = h % CR_HOLDER_COUNT; /* the bank last */
        if (sh[k] > 0.0 && o < len)
            o += (size_t)snprintf(buf + o, len - o, "%s%s %.4g %%", o > start ? ", " : "",
                                  cr_holder_name((cr_holder)k), 100.0 * sh[k]);
    }
}

void cr_mode_print(const cr_mode_type *m, const cr_mode_params *mp, int full, FILE *out)
{
    static const struct {
        unsigned bit;
        const char *name;
    } comps[] = {
        {CR_C_GUARANTOR, "guarantee company"},
        {CR_C_REGUARANTOR, "re-guarantor"},
        {CR_C_GOVERNMENT, "government fund"},
        {CR_C_ASSOCIATION, "industry association"},
        {CR_C_CORE_FIRM, "core firm"},
        {CR_C_MUTUAL_FUND, "mutual guarantee fund"},
        {CR_C_GROUPS, "groups (joint liability)"},
    };
    if (!mp)
        mp = m->defaults;
    cr_waterfall w;
    cr_mode_params_waterfall(mp, &w);
    char line[512];
    shares_line(&w, line, sizeof line);
    if (!full) {
        fprintf(out, "  %-20s %s\n  %-20s   loss: %s\n", m->name, m->summary, "", line);
        return;
    }
    fprintf(out, "mode:          %s\n", m->name);
    fprintf(out, "summary:       %s\n", m->summary);
    fprintf(out, "channels:      %s\n", m->channels);
    fprintf(out, "loss sharing:  %s\n", m->loss_sharing);
    fprintf(out, "has:           bank");
    for (size_t k = 0; k < sizeof comps / sizeof comps[0]; k++)
        if (m->components & comps[k].bit)
            fprintf(out, ", %s", comps[k].name);
    fprintf(out, "\nwaterfall (%s.waterfall):\n", m->name);
    char desc[2048];
    if (cr_waterfall_describe(&w, desc, sizeof desc) >= 0) {
        char *cut = strstr(desc, "  shares of a loss");
        if (cut)
            *cut = '\0';
        fputs(desc, out);
    }
    fprintf(out, "loss:          %s\n", line);
    if (m->components & CR_C_GUARANTOR)
        fprintf(out,
                "guarantor:     fee %.4g %% a year (%s), leverage cap %g, screening noise %g, "
                "max PD %g%s\n",
                100.0 * mp->guarantor.fee,
                mp->guarantor.fee_policy == CR_FEE_RISK_BASED ? "risk-based" : "fixed",
                mp->guarantor.leverage_cap, mp->guarantor.screening_noise, mp->guarantor.max_pd,
                mp->guarantor.shares_signal ? ", shared with the bank" : "");
    if (m->components & CR_C_GUARANTOR)
        fprintf(out, "               %s\n",
                mp->guarantor.public_agency
                    ? "a public agency: its calls net of its fees count in government_cost"
                    : "a private company: its losses are its own");
    if (m->components & CR_C_MUTUAL_FUND)
        fprintf(out, "mutual fund:   deposit %g of the loan, credit line %g x fund\n",
                mp->mutual_fund.deposit, mp->mutual_fund.leverage);
    if (m->components & CR_C_GROUPS)
        fprintf(out, "groups:        %lld members\n", (long long)mp->members.size);
    if (m->sources)
        fprintf(out, "sources:       %s\n", m->sources);
    fprintf(out, "parameters:    credere check --keys lists every key of section '%s'\n", m->name);
}
