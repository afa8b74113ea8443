#include "models/metrics.h"

static const cr_var_desc table[CR_METRIC_COUNT] = {
#define CR_X_ROW(e, name, units, long_name) [e] = {name, units, long_name},
    CR_METRIC_LIST(CR_X_ROW)
#undef CR_X_ROW
};

const cr_var_desc *cr_metric_table(void)
{
    return table;
}
