# Feature probes of the target kernel, for what its version alone would say only by
# a guess: each greps the kernel's own headers for the feature and passes the result
# to the compiler as AETHER_HAVE_<FEATURE>. kmod/compat.h is the only reader of
# these macros. Kbuild reads this where $(srctree) is the target kernel's source
# (for Debian's headers packages, the -common tree).
#
# $(call aether_probe,MACRO,WORD,HEADER): -DMACRO when HEADER names WORD.
aether_probe = $(if $(shell grep -qw '$(2)' $(srctree)/$(3) 2>/dev/null && echo y),-D$(1))

# WQ_PERCPU: newer kernels want every workqueue to say whether it is per-CPU or
# unbound, and warn at alloc_workqueue() when it says neither.
ccflags-y += $(call aether_probe,AETHER_HAVE_WQ_PERCPU,WQ_PERCPU,include/linux/workqueue.h)
