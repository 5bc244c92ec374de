# SPDX-License-Identifier: GPL-2.0
#
# regfilter top level.
#
#   make check            host unit tests, then every kernel (6.1, 6.12, 7.x)
#                         in VHE and nVHE mode in emulated arm64 KVM hosts,
#                         the debug builds of 6.12 and 7.x, the migrations;
#                         KERNELS="6.12" and MODES="vhe" run a subset
#   make shell            a shell in one emulated host (KERNEL=6.12 MODE=vhe)
#   make bless            regenerate selftests/blessed/ from the kernels
#   make bench            what the filter costs, in each kernel and mode
#   make migrate          the migration scenarios only
#   make matrix           the migration scenarios, written to
#                         Documentation/migration-matrix.md
#   make demo             6.12 -> 7.x: QEMU's failure, then the filter's fix
#   make debug-check      only the selftests in the KASAN/kmemleak/lockdep/
#                         UBSAN builds of Debian's 6.12 and 7.x (built once
#                         each and cached), which make check runs too
#   make lockup-rate      how often an emulated 7.x VHE host locks up, per
#                         emulator (REGFILTER_LOCKUP_BOOTS boots each)
#   make host-tests       the host unit tests only (TAP), make deb and
#                         make deb-test included
#   make modules          cross-build kmod/ for every kernel
#   make qemu             the patched QEMU (tools/qemu) and its trixie rootfs
#   make style            checkpatch --strict on kmod/ and tools/lib/
#   make deb              the Debian packages in build/deb/, lintian clean
#                         (needs dpkg-dev debhelper dh-dkms lintian);
#                         DEB_ARCH=arm64 cross-builds them (build/deb-arm64)
#   make deb-test         TAP: what those packages hold, and that they
#                         install and link (after make deb)
#
# Downloads are cached in $(REGFILTER_CACHE) (default ~/.cache/regfilter),
# build output goes to build/.

TESTVM := tools/testvm/testvm
KERNELS ?=
MODES ?=
KERNEL ?= 6.12
FUZZ_SECONDS ?= 20
MODE ?= vhe
TESTVM_OPTS := $(if $(KERNELS),--kernels "$(KERNELS)") $(if $(MODES),--modes "$(MODES)")

all: modules

check:
	@$(TESTVM) check $(TESTVM_OPTS)

host-tests:
	@$(MAKE) -s -C tools/lib test; rc=$$?; \
		$(MAKE) -s -C tools/lib fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) || rc=1; \
		$(MAKE) -s -C kmod test || rc=1; \
		$(MAKE) -s -C uapi check || rc=1; \
		$(MAKE) -s -C tools/profiles check || rc=1; \
		bash tools/testvm/tests/verdict_test.sh || rc=1; \
		bash tools/testvm/tests/linux_judge_test.sh || rc=1; \
		{ $(MAKE) -s -C tools/regctl && bash tools/regctl/tests/docs_test.sh; } || rc=1; \
		{ tools/deb/mkdeb.sh && bash tools/deb/deb_test.sh; } || rc=1; \
		exit $$rc

modules:
	@$(TESTVM) build $(TESTVM_OPTS)

shell:
	@$(TESTVM) shell --kernels "$(KERNEL)" --modes "$(MODE)"

bless:
	@$(TESTVM) bless $(TESTVM_OPTS)

bench:
	@$(TESTVM) bench $(TESTVM_OPTS)

qemu:
	@$(TESTVM) qemu-build

demo:
	@$(TESTVM) demo

migrate:
	@$(TESTVM) migrate $(TESTVM_OPTS)

matrix:
	@$(TESTVM) matrix

lockup-rate:
	@$(TESTVM) lockup-rate

debug-check:
	@$(TESTVM) debug-check $(TESTVM_OPTS)

# Kernel code: --strict as it is.  Userspace: the same, except that it
# uses C's own fixed-width types.
CHECKPATCH_USER_IGNORE := PREFER_KERNEL_TYPES,CAMELCASE,MACRO_ARG_REUSE
# An out-of-tree module must test versions (compat.h), and its copy of
# KVM's vcpu file_operations is made at run time, so cannot be const.
CHECKPATCH_KMOD_IGNORE := LINUX_VERSION_CODE,CONSTANT_COMPARISON,CONST_STRUCT
style:
	@cp=$$($(TESTVM) checkpatch) && \
		$$cp --strict --no-tree -q --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,$(CHECKPATCH_KMOD_IGNORE) \
			--file kmod/*.c $$(ls kmod/*.h 2>/dev/null) && \
		$$cp --strict --no-tree -q --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,$(CHECKPATCH_USER_IGNORE) \
			--file tools/lib/*.c tools/lib/*.h selftests/*.c selftests/*.h && \
		echo "style: checkpatch --strict clean"

deb:
	@tools/deb/mkdeb.sh

deb-test:
	@bash tools/deb/deb_test.sh

clean:
	rm -rf build
	@$(MAKE) -s -C tools/lib clean
	@$(MAKE) -s -C selftests clean KSFT_DIR=.

.PHONY: all check host-tests modules shell bless bench qemu demo migrate matrix lockup-rate debug-check \
	style deb deb-test clean
