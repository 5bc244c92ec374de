/* SPDX-License-Identifier: GPL-2.0 */
/* What filter.c needs of the kernel, from libc, for host unit tests. */
#ifndef _RF_HOST_SHIM_H
#define _RF_HOST_SHIM_H
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#define BIT(n) (1UL << (n))
#define sort(base, num, size, cmp, swap) qsort(base, num, size, cmp)
#endif
