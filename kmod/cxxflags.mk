# Flags for C++ that runs inside the kernel. One list, used by Kbuild for the
# module's C++ translation units and by `make check-headers` for the core headers,
# so a header that compiles in the check compiles in the module.
#
# Why each group is here:
#  - freestanding C++ with no runtime: no exceptions, RTTI, thread-safe statics,
#    unwind tables or libstdc++ headers; only gcc's own freestanding C headers;
#  - kernel code model and ABI: -mcmodel=kernel, no red zone, no PIC;
#  - no FPU/SIMD state in kernel context: any float/double arithmetic fails to build;
#  - the same Spectre/IBT mitigations as the kernel's C (retpoline/rethunk thunks,
#    ENDBR landing pads, no jump tables), so objtool accepts the object;
#  - the kernel's C semantics where C++ would otherwise differ (aliasing, overflow,
#    null checks), and its stack frame limit (CONFIG_FRAME_WARN=2048 on Debian).
AETHER_KCXX_STD := -std=gnu++20

AETHER_KCXXFLAGS := $(AETHER_KCXX_STD) -O2 -g0 -Wall -Wextra -Werror \
	-ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -nostdinc -nostdinc++ \
	-mcmodel=kernel -mno-red-zone -fno-pic -fno-pie \
	-mno-sse -mno-mmx -mno-sse2 -mno-avx -mno-80387 -mno-fp-ret-in-387 -mskip-rax-setup \
	-mindirect-branch=thunk-extern -mindirect-branch-register -mfunction-return=thunk-extern \
	-fcf-protection=branch -fno-jump-tables \
	-fno-strict-aliasing -fno-strict-overflow -fno-delete-null-pointer-checks \
	-fno-common -fno-stack-protector -Wframe-larger-than=2048
