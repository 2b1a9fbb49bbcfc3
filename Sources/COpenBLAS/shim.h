#ifndef PROUTER_COPENBLAS_SHIM_H
#define PROUTER_COPENBLAS_SHIM_H
/* Debian installs cblas.h under the alternatives-managed multiarch include dir,
   and pkg-config's openblas.pc adds the openblas-pthread directory. */
#include <cblas.h>
#endif
