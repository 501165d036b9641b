# Which kernels aether.ko builds for. Kbuild reads this before anything compiles,
# so a kernel the module cannot support stops the build with one line saying why,
# not with a wall of compiler errors. It runs where Kbuild defines the target
# kernel's VERSION, PATCHLEVEL, KERNELRELEASE and CONFIG_* settings.
#
# The checks, in order: Linux 6.12 or newer (register_bpf_struct_ops() for a
# module's struct_ops, the ublk uapi); x86-64 (the C++ flags and the ftrace
# redirect are written for it); the configuration the hooks and policies need; and
# every symbol in kmod/symbols.txt exported by the kernel.
#
# Only passes that read the kernel's configuration check: `make clean` reads Kbuild
# too, without it, and must work on any kernel. CONFIG_MODULES is set in every
# kernel that can build a module at all.
#
# AETHER_SYMVERS names the Module.symvers to check against; tests point it at a
# trimmed copy.

AETHER_SYMVERS ?= $(objtree)/Module.symvers

ifeq ($(CONFIG_MODULES),y)

aether_too_old := $(shell [ "$(VERSION)" -lt 6 ] 2>/dev/null || \
	{ [ "$(VERSION)" -eq 6 ] && [ "$(PATCHLEVEL)" -lt 12 ]; } 2>/dev/null && echo y)
ifeq ($(aether_too_old),y)
$(error aether: Linux $(KERNELRELEASE) is not supported: aether.ko needs Linux 6.12 or newer)
endif

ifneq ($(CONFIG_X86_64),y)
$(error aether: Linux $(KERNELRELEASE) is not supported: aether.ko builds only for x86-64)
endif

aether_needs_config := CONFIG_DYNAMIC_FTRACE_WITH_ARGS CONFIG_BPF_SYSCALL CONFIG_BPF_JIT \
	CONFIG_DEBUG_INFO_BTF_MODULES
aether_config_missing := $(strip $(foreach c,$(aether_needs_config),$(if $(filter y,$($(c))),,$(c))))
ifneq ($(aether_config_missing),)
$(error aether: Linux $(KERNELRELEASE) is not supported: it was configured without $(aether_config_missing))
endif

aether_needs_symbols := $(shell sed -e 's/\#.*//' $(src)/kmod/symbols.txt)
aether_exported := $(shell awk '{ print $$2 }' $(AETHER_SYMVERS) 2>/dev/null)
aether_symbols_missing := $(strip $(filter-out $(aether_exported),$(aether_needs_symbols)))
ifeq ($(aether_exported),)
$(error aether: cannot read $(AETHER_SYMVERS): the headers of Linux $(KERNELRELEASE) are incomplete)
else ifneq ($(aether_symbols_missing),)
$(error aether: Linux $(KERNELRELEASE) is not supported: it does not export $(aether_symbols_missing))
endif
endif
