#ifndef PROUTER_CJANSSON_SHIM_H
#define PROUTER_CJANSSON_SHIM_H
#include <jansson.h>

/// Swift cannot call jansson's reference-counting macros; these wrap them.
static inline void cjansson_decref(json_t *json) { json_decref(json); }
static inline int cjansson_type(const json_t *json) { return (int)json_typeof(json); }
#endif
