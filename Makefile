# Aether's front door. `make help` lists the targets.
#
# User space is built by CMake in $(B)/cmake (binaries land in $(B)/bin), the module
# by Kbuild in $(B)/kmod. Against the Debian 6.12 kernel that `make deps` unpacks
# into $(B)/kernel by default, or with KERNEL=7.2 against Debian's 7.2 in
# $(B)/kernel-7.2 (built into $(B)/kmod-7.2); on a real host pass
# KDIR=/lib/modules/$(uname -r)/build.

MAKEFLAGS += --no-print-directory

B        := build
TOP      := $(CURDIR)
JOBS     ?= $(shell nproc)
# KERNEL picks the kernel series to build the module for and boot the VM with: 6.12
# (the default, our base) or a newer series that `make deps` fetched (KERNELS=).
# 6.12's tree is $(B)/kernel, any other series S's is $(B)/kernel-S, and what is
# built for S goes beside 6.12's with the same suffix ($(B)/kmod-S).
KERNEL   ?= 6.12
KSUF      = $(if $(filter 6.12,$(KERNEL)),,-$(KERNEL))
KTREE     = $(B)/kernel$(KSUF)
# Recursive on purpose: the kernel version is known only after `deps` has run.
KVER      = $(shell cat $(KTREE)/version 2>/dev/null)
KVER_BASE = $(shell cat $(B)/kernel/version 2>/dev/null)
# 6.12 builds with the host's gcc 12 and make. A newer series needs the compiler and
# kbuild tools it was built with, from its own Debian root (scripts/kroot).
ifeq ($(KERNEL),6.12)
KDIR     ?= $(TOP)/$(B)/kernel/root/usr/src/linux-headers-$(KVER)
KMAKE     = $(MAKE)
else
KDIR     ?= /usr/src/linux-headers-$(KVER)
KMAKE     = $(TOP)/scripts/kroot $(TOP)/$(KTREE)/root make -j$(JOBS)
endif
# The BTF the CO-RE eBPF programs are compiled against: the base kernel's (CO-RE
# relocates them on any other at load time), else the running kernel's. User space is
# one build for every kernel series.
KBTF_DIR  = $(if $(filter 6.12,$(KERNEL)),$(KDIR),$(TOP)/$(B)/kernel/root/usr/src/linux-headers-$(KVER_BASE))
KBTF      = $(if $(wildcard $(KBTF_DIR)/vmlinux),$(KBTF_DIR)/vmlinux,/sys/kernel/btf/vmlinux)
PREFIX   ?= /usr/local
# AETHER_VERSION overrides it where there is no git: make deb's copy of the tree.
AETHER_VERSION ?= $(shell git -C $(TOP) describe --always --dirty --tags 2>/dev/null || echo unknown)
VERSION  := $(AETHER_VERSION)

include kmod/cxxflags.mk

.PHONY: all deps deps-auto module harness-module user check-headers vm-ready test run vm bench fuzz clean help \
	install uninstall dkms-source deb

all: module user

help:
	@echo "make            build aether.ko ($(B)/kmod) and user space ($(B)/bin)"
	@echo "make test       unit tests, header check, VM harness self-check, VM tests"
	@echo "make run        the demo in the VM: aether.ko on a slow disk, aether-ublk's cache off and on, XRP lookups"
	@echo "make deps       install packages and unpack Debian's newest kernel of each series in KERNELS"
	@echo "                (default \"6.12 7.2\"; idempotent)"
	@echo "KERNEL=7.2      (with make, make module, make vm, make run, make bench) build for and boot"
	@echo "                that series instead of 6.12; make test runs both"
	@echo "make vm         interactive shell in the test VM"
	@echo "make bench      benchmarks (print numbers; never part of 'make test')"
	@echo "make fuzz       the libFuzzer targets, FUZZ_SECONDS (600) each; make test runs 30"
	@echo "make install    install aether-ctl and aether-ublk in \$$PREFIX/sbin ($(PREFIX)); PREFIX=, DESTDIR="
	@echo "make uninstall  remove exactly what make install installed (same PREFIX and DESTDIR)"
	@echo "make deb        Debian packages aether-dkms and aether-tools, in $(B)/deb"
	@echo "make dkms-source  the module's source for DKMS, in \$$DESTDIR/usr/src/aether-VERSION"
	@echo "make clean      remove $(B)/ (keeps the downloaded kernel .debs)"
	@echo "tests/vm/run SCRIPT [ARGS...]   run one host script inside the VM"

deps:
	@scripts/deps.sh

# Runs `make deps` only when something is missing, so a built tree stays offline.
deps-auto:
	@KERNELS='$(KERNEL)' scripts/deps.sh --check 2>/dev/null || KERNELS='$(KERNEL)' scripts/deps.sh

# The version string is a file that changes only when `git describe` does, so it can
# be a prerequisite without forcing rebuilds.
$(B)/version: FORCE
	@mkdir -p $(B)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@

# Kbuild writes its objects next to its sources, so modules are built in trees of
# symlinks under $(B) and the source tree stays clean.
# $(call kbuild,SRCDIR,FILES,OUTDIR): link SRCDIR/FILES into OUTDIR and run Kbuild there.
define kbuild
	@mkdir -p $(3)
	@find $(3) -type l ! -exec test -e {} \; -delete
	@cd $(1) && for f in $(2); do mkdir -p $(TOP)/$(3)/$$(dirname $$f); \
		ln -sfn $(abspath $(1))/$$f $(TOP)/$(3)/$$f; done
	$(KMAKE) -C $(KDIR) M=$(TOP)/$(3) AETHER_VERSION=$(VERSION) modules
endef

# The module's sources: what Kbuild reads, here and in a DKMS tree.
KMOD_SOURCES := Kbuild include kmod/*.c kmod/*.cpp kmod/*.h kmod/*.mk kmod/symbols.txt

module: deps-auto $(B)/version
	$(call kbuild,.,$(KMOD_SOURCES),$(B)/kmod$(KSUF))

# The WARN_ON module that proves the VM harness catches kernel warnings.
harness-module: deps-auto
	$(call kbuild,tests/harness,Kbuild *.c,$(B)/harness$(KSUF))

user: deps-auto $(B)/version
	@cmake -S . -B $(B)/cmake -DAETHER_VERSION=$(VERSION) -DAETHER_KERNEL_BTF=$(KBTF) >/dev/null
	@cmake --build $(B)/cmake -j$(JOBS)

# Every core header must compile on its own, both as host C++ and as kernel C++; and
# the kernel flags must keep rejecting floating point in the core.
KCXX         := g++-12
HOST_HDRFLAGS := -std=c++20 -Wall -Wextra -Werror -pedantic
KERN_HDRFLAGS := $(AETHER_KCXX_CHECKFLAGS) -isystem $(shell $(KCXX) -print-file-name=include)
check-headers:
	@fail=0; pass=0; \
	for h in include/aether/*.hpp; do \
		n=$${h#include/}; \
		if printf '#include "%s"\n' "$$n" | $(CXX) $(HOST_HDRFLAGS) -Iinclude -x c++ -fsyntax-only -; \
		then pass=$$((pass+1)); echo "ok - $$n (host flags)"; \
		else fail=$$((fail+1)); echo "not ok - $$n (host flags)"; fi; \
		if printf '#include "%s"\n' "$$n" | $(KCXX) $(KERN_HDRFLAGS) -Iinclude -x c++ -c -o /dev/null -; \
		then pass=$$((pass+1)); echo "ok - $$n (kernel flags)"; \
		else fail=$$((fail+1)); echo "not ok - $$n (kernel flags)"; fi; \
	done; \
	if printf 'double f(double a, double b) { return a * b; }\n' | \
		$(KCXX) $(KERN_HDRFLAGS) -x c++ -c -o /dev/null - 2>/dev/null; \
	then fail=$$((fail+1)); echo "not ok - kernel flags accept floating point"; \
	else pass=$$((pass+1)); echo "ok - kernel flags reject floating point"; fi; \
	echo "check-headers: $$pass passed, $$fail failed"; \
	[ $$fail = 0 ]

$(B)/vm/initramfs$(KSUF).cpio.gz: tests/vm/mkinitramfs tests/vm/init $(KTREE)/version
	tests/vm/mkinitramfs $@ $(KTREE)

# Everything a VM boot needs.
vm-ready: module user
	@$(MAKE) --no-print-directory $(B)/vm/initramfs$(KSUF).cpio.gz

# scripts/test.sh builds first (vm-ready, harness-module) so its wall time covers it.
test: deps-auto
	@scripts/test.sh

# The demo compares timings, so it runs on the instruction clock (tests/vm/run --help).
run: vm-ready
	@KERNEL='$(KERNEL)' AETHER_VM_NOBUILD=1 AETHER_VM_CLOCK=$${AETHER_VM_CLOCK:-virtual} tests/vm/run scripts/demo.sh

vm: vm-ready
	@KERNEL='$(KERNEL)' AETHER_VM_NOBUILD=1 tests/vm/shell

# Every series of KERNELS, side by side (scripts/bench.sh).
KERNELS ?= 6.12 7.2
bench: vm-ready
	@for k in $(filter-out $(KERNEL),$(KERNELS)); do $(MAKE) KERNEL=$$k vm-ready || exit 1; done
	@KERNELS='$(KERNELS)' scripts/bench.sh

# Each libFuzzer target for FUZZ_SECONDS (scripts/fuzz.sh --help); make test runs 30.
FUZZ_SECONDS ?= 600
fuzz: deps-auto
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# Installs what `make` built, and builds nothing: `sudo make install` must not leave
# root-owned files in the build tree.
install:
	@for f in bin/aether-ctl bin/aether-ublk cmake/man/aether-ctl.8 cmake/man/aether-ublk.8; do \
		[ -s $(B)/$$f ] || { echo "make install: $(B)/$$f is not built; run make first" >&2; exit 1; }; done
	@DESTDIR='$(DESTDIR)' cmake --install $(B)/cmake --prefix '$(PREFIX)'

uninstall:
	@scripts/uninstall.sh '$(B)/cmake' '$(PREFIX)' '$(DESTDIR)'

# The module's source tree as DKMS builds it, in $(DESTDIR)/usr/src/aether-VERSION
# with its dkms.conf: then `dkms install aether/VERSION` builds and installs aether.ko
# for a kernel. The aether-dkms package is this tree. The module reports the same
# version as the tools built from this tree (kmod/version), whatever DKMS calls it.
DKMS_VERSION ?= $(VERSION)
dkms-source:
	@d='$(DESTDIR)/usr/src/aether-$(DKMS_VERSION)'; \
	if [ -e "$$d" ]; then echo "make dkms-source: $$d exists; remove it first" >&2; exit 1; fi; \
	mkdir -p "$$d" && cp -r --parents $(KMOD_SOURCES) "$$d" && \
	echo '$(VERSION)' >"$$d/kmod/version" && \
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' kmod/dkms.conf >"$$d/dkms.conf" && \
	echo "make dkms-source: $$d"

# Debian packages aether-dkms and aether-tools in $(B)/deb, built by dpkg-buildpackage
# from what `make` built (scripts/deb.sh).
deb: module user
	@scripts/deb.sh '$(B)'

clean:
	rm -rf $(B)/cmake $(B)/kmod $(B)/kmod-* $(B)/harness $(B)/harness-* $(B)/bin $(B)/vm $(B)/version

FORCE:
