#ifndef PROUTER_COPENBLAS_SHIM_H
#define PROUTER_COPENBLAS_SHIM_H
/* Debian installs cblas.h under the alternatives-managed multiarch include dir,
   and pkg-config's openblas.pc adds the openblas-pthread directory. */
#include <cblas.h>
#include <stddef.h>

/* LAPACK's symmetric eigensolver, which Debian's OpenBLAS exports (its LAPACK is built
   with gfortran: the two trailing arguments are the lengths of the character arguments). */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_length, size_t uplo_length);
#endif
