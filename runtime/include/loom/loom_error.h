/* SPDX-License-Identifier: Apache-2.0 */
/* Loom's error codes: every libloom call returns LOOM_OK (0) or one of these. */
#ifndef LOOM_ERROR_H
#define LOOM_ERROR_H

#define LOOM_OK 0
#define LOOM_ERR_INVALID_ARG -1   /* a NULL pointer, a zero size, a value out of range */
#define LOOM_ERR_NO_MEM -2        /* allocation failed */
#define LOOM_ERR_NOT_SUPPORTED -3 /* the backend or device cannot do this */
#define LOOM_ERR_NO_DEVICE -4     /* no such device, or it does not identify as Loom */
#define LOOM_ERR_VERSION -5       /* device ISA major version differs from this library's */
#define LOOM_ERR_TIMEOUT -6       /* the device did not finish in time; it has been reset */
#define LOOM_ERR_IO -7            /* register or transport access failed */
#define LOOM_ERR_BAD_PROGRAM -8   /* a command stream failed validation before submission */
#define LOOM_ERR_HW -9            /* the device stopped with an error: see loom_hw_error() */
#define LOOM_ERR_BUSY -10         /* the device or ring has no room now */
#define LOOM_ERR_FORMAT -11       /* malformed input file */
#define LOOM_ERR_PERMISSION -12   /* the OS denied access to the device */

/* Text for a LOOM_ERR_* code (or LOOM_OK); never NULL, never needs freeing. */
const char *loom_strerror(int err);

/* Name of a hardware error code (ERR_CODE register, LOOM_HWERR_*); never NULL. */
const char *loom_hw_strerror(unsigned hw_err);

/* Short name of a hardware error code, as in docs/isa.md ("SRAM_RANGE"); never NULL. */
const char *loom_hw_errname(unsigned hw_err);

#endif /* LOOM_ERROR_H */
