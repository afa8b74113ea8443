/* Presets: institutional guarantee schemes as waterfalls plus information settings
 * (MODEL.md section 6). Each is the `single` structure (bank + guarantee company,
 * with a re-guarantor and a government fund where the scheme has them) with its own
 * defaults; the shares come from the sources named in `sources`. Numbers marked
 * "assumed" are this toolkit's choice where the scheme leaves a range or is silent;
 * every one can be changed in the experiment file (`china_4321: {...}`). */
#include "models/lending.h"
#include "models/mode.h"

#define PRESET_COMPONENTS (CR_C_GUARANTOR | CR_C_REGUARANTOR | CR_C_GOVERNMENT)
#define PRO(h, s)                                                                                  \
    {                                                                                              \
        .holder = (h), .type = CR_LAYER_PRO_RATA, .share = (s), .of = CR_H_GUARANTOR               \
    }
#define COUNTER(h, s)                                                                              \
    {                                                                                              \
        .holder = (h), .type = CR_LAYER_COUNTER, .share = (s), .of = CR_H_GUARANTOR                \
    }
#define GC(capital, leverage, fee_, policy, margin, lo, hi, noise)                                 \
    CR_GUARANTOR_DEFAULTS(capital, leverage, fee_, policy, margin, lo, hi, noise, 0.15)
#define GUARANTOR(fee_, noise_) GC(0.05, 10.0, fee_, CR_FEE_FIXED, 0.01, 0.005, 0.03, noise_)

/* ---------------------------------------------------------------- China, Anhui 4321 */
static const cr_mode_params china_4321 = {
    .guaranteed_risk_weight = 0.2,
    .guarantor = {GUARANTOR(0.01, 0.8), .max_amount = 20.0, .public_agency = 1},
    .reguarantor = {.capital_ratio = 0.05, .fee = 0.0},
    .government = {.budget_ratio = 0.01},
    .waterfall = {.n = 3,
                  .item = {PRO(CR_H_GUARANTOR, 0.4), PRO(CR_H_REGUARANTOR, 0.3),
                           PRO(CR_H_GOVERNMENT, 0.1)}},
};

const cr_mode_type cr_preset_china_4321 = {
    .name = "china_4321",
    .summary = "Anhui '4321' scheme: guarantor 40 %, provincial re-guarantor 30 %, bank 20 %, "
               "local government 10 %",
    .channels = "home bank + city/county guarantee company; loans up to 20 million yuan",
    .loss_sharing = "pro rata: guarantor 40 %, re-guarantor 30 %, government 10 %, bank 20 %",
    .sources = "Anhui provincial government, new government-bank guarantee cooperation ('4321') "
               "scheme, 2015: city/county guarantee company 40 %, provincial re-guarantee 30 %, "
               "bank 20 %, local government 10 %; single-borrower cap 20 million yuan. Fee 1 % "
               "a year assumed (policy guarantors charge low fees).",
    .components = PRESET_COMPONENTS,
    .slot = 4,
    .defaults = &china_4321,
    .phases = CR_LENDING_PHASES,
};

/* ---------------------------------------------------------------- China, national fund */
static const cr_mode_params china_national_fund = {
    .guaranteed_risk_weight = 0.2,
    .guarantor = {GUARANTOR(0.015, 0.8), .public_agency = 1},
    .reguarantor = {.capital_ratio = 0.05, .fee = 0.005, .fee_small = 0.003, .small_limit = 5.0},
    .waterfall = {.n = 2, .item = {PRO(CR_H_GUARANTOR, 0.6), PRO(CR_H_REGUARANTOR, 0.2)}},
};

const cr_mode_type cr_preset_china_national_fund = {
    .name = "china_national_fund",
    .summary = "National Financing Guarantee Fund: fund 20 %, bank 20 %, local guarantor 60 %",
    .channels = "home bank + local guarantee company re-guaranteed by the national fund",
    .loss_sharing = "pro rata: local guarantor 60 %, national fund 20 %, bank 20 %",
    .sources = "National Financing Guarantee Fund (established 2018): re-guarantee share "
               "about 20 %, banks bear at least 20 %, the rest local guarantee institutions; "
               "re-guarantee fee 0.5 % a year, 0.3 % for loans up to 5 million yuan. Local "
               "guarantor fee 1.5 % a year assumed.",
    .components = PRESET_COMPONENTS,
    .slot = 5,
    .defaults = &china_national_fund,
    .phases = CR_LENDING_PHASES,
};

/* ---------------------------------------------------------------- Italy, confidi */
static const cr_mode_params italy_confidi = {
    .guaranteed_risk_weight = 0.2,
    .guarantor = {GUARANTOR(0.01, 0.6)},
    .reguarantor = {.capital_ratio = 0.05, .fee = 0.0},
    .waterfall = {.n = 2, .item = {PRO(CR_H_GUARANTOR, 0.8), COUNTER(CR_H_REGUARANTOR, 0.9)}},
};

const cr_mode_type cr_preset_italy_confidi = {
    .name = "italy_confidi",
    .summary = "Italian confidi guarantee 80 %, counter-guaranteed 90 % by the Fondo Centrale",
    .channels = "home bank + mutual guarantee consortium (confidi) of the SME's trade; the "
                "confidi knows its members (screening noise 0.6)",
    .loss_sharing = "confidi 80 % of the loss (net 8 %), central fund reimburses 90 % of the "
                    "confidi's calls (72 %), bank 20 %",
    .sources = "Confidi guarantees of 50-80 % (80 % used); Fondo di Garanzia per le PMI (Fondo "
               "Centrale di Garanzia, Law 662/1996) counter-guarantees up to 90 % of the confidi "
               "share. Fee 1 % a year and the confidi's better information assumed.",
    .components = PRESET_COMPONENTS,
    .slot = 6,
    .defaults = &italy_confidi,
    .phases = CR_LENDING_PHASES,
};

/* ---------------------------------------------------------------- Japan, CGC */
static const cr_mode_params japan_cgc = {
    .guaranteed_risk_weight = 0.2,
    .guarantor = {GC(0.05, 10.0, 0.01, CR_FEE_RISK_BASED, 0.0045, 0.0045, 0.019, 0.8),
                  .public_agency = 1},
    .reguarantor = {.capital_ratio = 0.05, .fee = 0.0},
    .waterfall = {.n = 2, .item = {PRO(CR_H_GUARANTOR, 0.8), COUNTER(CR_H_REGUARANTOR, 0.7)}},
};

const cr_mode_type cr_preset_japan_cgc = {
    .name = "japan_cgc",
    .summary = "Japanese Credit Guarantee Corporation 80 %, bank 20 %; CGC insured by the state",
    .channels = "home bank + prefectural Credit Guarantee Corporation; risk-based fee",
    .loss_sharing = "CGC 80 % (responsibility sharing), state credit insurance reimburses 70 % "
                    "of the CGC's calls, bank 20 %",
    .sources = "Responsibility-sharing system since October 2007: CGC 80 %, lender 20 %; CGC "
               "payouts insured by the Japan Finance Corporation (70-90 %; 70 % used); "
               "guarantee fees risk-based, about 0.45-1.9 % a year.",
    .components = PRESET_COMPONENTS,
    .slot = 7,
    .defaults = &japan_cgc,
    .phases = CR_LENDING_PHASES,
};

/* ---------------------------------------------------------------- Germany */
static const cr_mode_params germany_bb = {
    .guaranteed_risk_weight = 0.2,
    .guarantor = {GUARANTOR(0.01, 0.8)},
    .reguarantor = {.capital_ratio = 0.05, .fee = 0.0},
    .waterfall = {.n = 2, .item = {PRO(CR_H_GUARANTOR, 0.8), COUNTER(CR_H_REGUARANTOR, 0.65)}},
};

const cr_mode_type cr_preset_germany_bb = {
    .name = "germany_bb",
    .summary = "German Buergschaftsbank guarantees 80 %; federal and state counter-guarantees "
               "bear 52 % of the total risk",
    .channels = "home bank (Hausbank) + the Land's Buergschaftsbank",
    .loss_sharing = "Buergschaftsbank 80 %, counter-guarantors reimburse 65 % of its calls "
                    "(52 % of the loss), bank 20 %",
    .sources = "Buergschaftsbanken guarantee up to 80 % of a loan; the Federal Government and "
               "the Laender counter-guarantee, bearing about 52 % of the total risk (0.65 x "
               "0.8); guaranteed part risk weight 20 %. Fee about 1 % a year assumed.",
    .components = PRESET_COMPONENTS,
    .slot = 8,
    .defaults = &germany_bb,
    .phases = CR_LENDING_PHASES,
};

/* ---------------------------------------------------------------- United States, SBA 7(a) */
static const cr_mode_params us_sba7a = {
    .guaranteed_risk_weight = 0.0,
    .guarantor = {GC(1.0, 1000.0, 0.0055, CR_FEE_FIXED, 0.01, 0.005, 0.03, 1.0),
                  .coverage_small = 0.85, .small_limit = 1.07, .public_agency = 1},
    .waterfall = {.n = 1, .item = {PRO(CR_H_GUARANTOR, 0.75)}},
};

const cr_mode_type cr_preset_us_sba7a = {
    .name = "us_sba7a",
    .summary = "US SBA 7(a): 85 % of loans up to $150,000, 75 % above",
    .channels = "home bank (SBA lender) + the federal Small Business Administration",
    .loss_sharing = "SBA 85 % (loans up to 1.07 million yuan = $150,000) or 75 %, bank the rest",
    .sources = "SBA 7(a) loan program: guaranty of 85 % for loans up to $150,000 and 75 % "
               "above (converted at 7.1 yuan per dollar); federal guarantee, so ample capital "
               "and a 0 % risk weight on the guaranteed part; annual service fee 0.55 % assumed.",
    .components = PRESET_COMPONENTS,
    .slot = 9,
    .defaults = &us_sba7a,
    .phases = CR_LENDING_PHASES,
};

/* ---------------------------------------------------------------- Korea, KODIT */
static const cr_mode_params korea_kodit = {
    .guaranteed_risk_weight = 0.2,
    .guarantor = {GC(0.1, 10.0, 0.01, CR_FEE_RISK_BASED, 0.005, 0.005, 0.03, 0.8),
                  .public_agency = 1},
    .waterfall = {.n = 1, .item = {PRO(CR_H_GUARANTOR, 0.85)}},
};

const cr_mode_type cr_preset_korea_kodit = {
    .name = "korea_kodit",
    .summary = "Korea Credit Guarantee Fund: 85 % coverage, risk-based fee 0.5-3 %",
    .channels = "home bank + KODIT",
    .loss_sharing = "KODIT 85 %, bank 15 %",
    .sources = "KODIT: partial guarantees of 70-85 % (85 % used); guarantee fees 0.5-3 % a "
               "year by the borrower's rating (risk-based).",
    .components = PRESET_COMPONENTS,
    .slot = 10,
    .defaults = &korea_kodit,
    .phases = CR_LENDING_PHASES,
};
