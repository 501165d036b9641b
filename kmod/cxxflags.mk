# Flags for C++ that runs inside the kernel, in two parts.
#
# AETHER_KCXXFLAGS is what every x86-64 kernel needs of C++, whatever its
# configuration:
#  - freestanding C++ with no runtime: no exceptions, RTTI, thread-safe statics,
#    unwind tables or libstdc++ headers; only gcc's own freestanding C headers;
#  - kernel code model and ABI: -mcmodel=kernel, no red zone, no PIC;
#  - no FPU/SIMD state in kernel context: any float/double arithmetic fails to build;
#  - the kernel's C semantics where C++ would otherwise differ (aliasing, overflow,
#    null checks).
#
# The rest depends on how the target kernel was configured: its Spectre and IBT
# mitigations (retpoline and return thunks, ENDBR landing pads, no jump tables, SLS
# hardening), function padding and alignment, and CONFIG_FRAME_WARN. Kbuild copies
# those from the target kernel's own KBUILD_CFLAGS (AETHER_KCXX_FROM_KERNEL), so the
# C++ objects match the C ones on any kernel a DKMS build meets, and objtool accepts
# them.
#
# `make check-headers` runs outside Kbuild, with no kernel configuration to read, so
# it uses what Debian's 6.12 picks (AETHER_KCXX_CHECKFLAGS). A header that compiles
# there compiles in the module built against that kernel.
AETHER_KCXX_STD := -std=gnu++20

AETHER_KCXXFLAGS := $(AETHER_KCXX_STD) -O2 -g0 -Wall -Wextra -Werror \
	-ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -nostdinc -nostdinc++ \
	-mcmodel=kernel -mno-red-zone -fno-pic -fno-pie \
	-mno-sse -mno-mmx -mno-sse2 -mno-avx -mno-80387 -mno-fp-ret-in-387 -mskip-rax-setup \
	-fno-strict-aliasing -fno-strict-overflow -fno-delete-null-pointer-checks \
	-fno-common -fno-stack-protector

# The configuration-dependent flags, as patterns over KBUILD_CFLAGS.
AETHER_KCXX_KERNEL_PATTERNS := -mindirect-branch=% -mindirect-branch-register \
	-mindirect-branch-cs-prefix -mretpoline-external-thunk -mfunction-return=% \
	-fcf-protection=% -fno-jump-tables -mharden-sls=% -fpatchable-function-entry=% \
	-falign-functions=% -fzero-call-used-regs=% -Wframe-larger-than=%
AETHER_KCXX_FROM_KERNEL = $(filter $(AETHER_KCXX_KERNEL_PATTERNS),$(KBUILD_CFLAGS))

AETHER_KCXX_CHECKFLAGS := $(AETHER_KCXXFLAGS) \
	-mindirect-branch=thunk-extern -mindirect-branch-register -mfunction-return=thunk-extern \
	-fcf-protection=branch -fno-jump-tables -Wframe-larger-than=2048
