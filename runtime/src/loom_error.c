/* SPDX-License-Identifier: Apache-2.0 */
#include "loom/loom_error.h"
#include "loom/loom_isa.h"

const char *loom_strerror(int err)
{
    switch (err) {
    case LOOM_OK: return "success";
    case LOOM_ERR_INVALID_ARG: return "invalid argument";
    case LOOM_ERR_NO_MEM: return "out of memory";
    case LOOM_ERR_NOT_SUPPORTED: return "not supported by this device";
    case LOOM_ERR_NO_DEVICE: return "no such device";
    case LOOM_ERR_VERSION: return "device ISA version not supported";
    case LOOM_ERR_TIMEOUT: return "device timed out (it was reset)";
    case LOOM_ERR_IO: return "device access failed";
    case LOOM_ERR_BAD_PROGRAM: return "command stream rejected by the validator";
    case LOOM_ERR_HW: return "device reported an error";
    case LOOM_ERR_BUSY: return "device busy";
    case LOOM_ERR_FORMAT: return "malformed input";
    case LOOM_ERR_PERMISSION: return "permission denied";
    default: return "unknown error";
    }
}

const char *loom_hw_strerror(unsigned hw_err)
{
    static const char *const docs[LOOM_HWERR_COUNT] = LOOM_HWERR_DOCS;
    return hw_err < LOOM_HWERR_COUNT ? docs[hw_err] : "unknown hardware error";
}

const char *loom_hw_errname(unsigned hw_err)
{
    static const char *const names[LOOM_HWERR_COUNT] = LOOM_HWERR_NAMES;
    return hw_err < LOOM_HWERR_COUNT ? names[hw_err] : "UNKNOWN";
}
