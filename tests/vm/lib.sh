# Shared by tests/vm/{run,harness,shell}: where things are, the QEMU command line,
# and the job file the guest runs. Sourced, not run.
#
# Environment (all optional):
#   KERNEL             the kernel series to boot: 6.12 (default) or one that
#                      `make deps` fetched, e.g. 7.2 (see the Makefile)
#   AETHER_VM_MEM      guest memory in MiB (default 2048)
#   AETHER_VM_CPUS     guest vCPUs (default 2)
#   AETHER_VM_TCG_THREAD  single (default) or multi; see vm_qemu_cmd
#   AETHER_VM_CLOCK    real (default) or virtual. Virtual is QEMU's
#                      -icount shift=0,sleep=off: guest time is the guest's
#                      instructions at 1 ns each, plus the devices' own modelled
#                      delays, with idle time skipped. Figures then compare designs
#                      on instruction cost and latency, and host load cannot move
#                      them; TCG's real clock makes guest CPU 50-100x slower than
#                      hardware while device delays stay real. Slower in wall time
#                      for busy guests, so tests stay on real. Its CPU lacks ERMS
#                      and FSRM (see vm_cpu).
#   AETHER_VM_NOBUILD  set to 1 to skip the `make vm-ready` these tools start with
#   AETHER_VM_VERBOSE  set to 1 to print the kernel's boot messages
#   AETHER_VM_APPEND   more kernel command-line words, e.g. slub_debug=FZPU to hunt
#                      memory corruption
# AETHER_BENCH_* and AETHER_DEMO_* variables are passed on to the guest.

vm_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vm_build=${AETHER_BUILD:-$vm_top/build}
vm_series=${KERNEL:-6.12}
# Where the series' tree and builds live: 6.12's unsuffixed, any other's with -SERIES.
if [ "$vm_series" = 6.12 ]; then vm_ksuf=; else vm_ksuf=-$vm_series; fi
# The module built for the series; the job file names it even before a boot is prepared.
vm_ko=$vm_build/kmod$vm_ksuf/aether.ko

vm_die() {
	echo "aether-vm: error: $*" >&2
	exit 125
}

# Builds what a boot needs, unless the caller (make) already has.
vm_make_ready() {
	if [ "${AETHER_VM_NOBUILD:-0}" != 1 ]; then
		make -s -C "$vm_top" KERNEL="$vm_series" vm-ready >&2 || vm_die "'make KERNEL=$vm_series vm-ready' failed"
	fi
}

# vm_make_ready, then checks the boot's parts and sets their paths and the job file.
vm_prepare() {
	vm_make_ready
	[[ $vm_series =~ ^[0-9]+\.[0-9]+$ ]] || vm_die "KERNEL is '$vm_series'; name a kernel series, e.g. 6.12 or 7.2"
	vm_kver=$(cat "$vm_build/kernel$vm_ksuf/version" 2>/dev/null) ||
		vm_die "no Linux $vm_series tree in $vm_build/kernel$vm_ksuf: run 'make deps KERNELS=\"$vm_series\"'"
	vm_kroot=$vm_build/kernel$vm_ksuf/root
	vm_kernel=$vm_kroot/boot/vmlinuz-$vm_kver
	vm_initrd=$vm_build/vm/initramfs$vm_ksuf.cpio.gz
	local f
	for f in "$vm_kernel" "$vm_initrd" "$vm_ko" "$vm_build/bin/aether-ctl"; do
		[ -r "$f" ] || vm_die "$f is missing: run 'make'"
	done
	command -v qemu-system-x86_64 >/dev/null || vm_die "qemu-system-x86_64 is missing: run 'make deps'"
	case "${AETHER_VM_CLOCK:-real}" in
	real) ;;
	virtual)
		# icount counts one vCPU's instructions at a time.
		[ "${AETHER_VM_TCG_THREAD:-single}" = single ] ||
			vm_die "AETHER_VM_CLOCK=virtual needs AETHER_VM_TCG_THREAD=single"
		;;
	*) vm_die "AETHER_VM_CLOCK is '$AETHER_VM_CLOCK'; use real or virtual" ;;
	esac
	mkdir -p "$vm_build/vm/jobs"
	vm_jobdir=$(mktemp -d "$vm_build/vm/jobs/job.XXXXXX")
	vm_job=$vm_jobdir/job.sh
}

vm_cleanup() {
	# An interrupted run must not leave QEMU behind.
	[ -n "${vm_pid:-}" ] && kill "$vm_pid" 2>/dev/null
	[ -n "${vm_jobdir:-}" ] && rm -rf "$vm_jobdir"
	return 0
}

# Writes the job file: the guest runs `tests/vm/guest MODE ARGS...` in the chroot.
vm_write_job() {
	{
		echo "# Written by tests/vm/lib.sh; run by the VM's /init inside the chroot."
		printf 'export AETHER_ROOT=%q AETHER_BUILD=%q TERM=%q\n' "$vm_top" "$vm_build" "${TERM:-linux}"
		# The series booted, and what was built for it: the module, the harness's
		# test module, and the kernel tree (for DKMS).
		printf 'export AETHER_KERNEL=%q AETHER_KO=%q AETHER_HARNESS_DIR=%q AETHER_KTREE=%q\n' \
			"$vm_series" "$vm_ko" "$vm_build/harness$vm_ksuf" "$vm_build/kernel$vm_ksuf"
		printf 'export AETHER_TEST_TIMEOUT=%q\n' "${AETHER_TEST_TIMEOUT:-120}"
		# Which clock times the guest, for scripts that report timings.
		printf 'export AETHER_VM_CLOCK=%q\n' "${AETHER_VM_CLOCK:-real}"
		# The benchmarks' and the demo's knobs, so that they work from the host.
		local v
		for v in $(compgen -e); do
			case "$v" in
			AETHER_BENCH_* | AETHER_DEMO_*) printf 'export %s=%q\n' "$v" "${!v}" ;;
			esac
		done
		printf 'exec %q' "$vm_top/tests/vm/guest"
		printf ' %q' "$@"
		echo
	} >"$vm_job"
}

# Prints the QEMU command line, one word per line (use with mapfile). @1 is the
# console log level; @2 the serial device spec.
#
# TCG runs the vCPUs on one host thread by default. Multi-threaded TCG in
# bookworm's QEMU 7.2 lets a vCPU run stale translated code after the kernel's
# text_poke_bp() has restored an instruction and IPI-synced every CPU, so live
# patching under load dies with "Oops: int3". Stock ftrace shows it without this
# project: enabling and disabling the function tracer on page_cache_sync_ra 80
# times under three fio readers oopsed 3 runs of 3 with thread=multi and 0 of 3
# with thread=single. Guests still have AETHER_VM_CPUS CPUs, IPIs and preemption.
# Under 7.2 with thread=single, the module's load/unload test also double-faulted
# twice (once in CI) with no module frame on the stack; 440 more load/unload
# cycles under load, with and without slub_debug, did not reproduce it, so the
# cause is unknown. scripts/deps.sh installs QEMU 10 (bookworm-backports), with
# three years of TCG fixes; thread=multi has not been retried on it.
# The guest CPU: TCG's max, and on the virtual clock without ERMS and FSRM. icount
# charges every iteration of a rep-prefixed instruction as one instruction, so with
# them glibc's memcpy and the kernel's copy_user, which then copy with rep movsb,
# cost 1 ns per byte: 4.1 us per 4 KiB, against 0.5 us by rep movsq and about 0.1
# us on the host. Without them both copy 8 bytes or more per counted instruction,
# and a design that copies more is charged about what hardware would charge.
vm_cpu() {
	if [ "${AETHER_VM_CLOCK:-real}" = virtual ]; then
		echo max,erms=off,fsrm=off
	else
		echo max
	fi
}

vm_qemu_cmd() {
	local loglevel=$1 serial=$2
	[ "${AETHER_VM_VERBOSE:-0}" = 1 ] && loglevel=7
	printf '%s\n' qemu-system-x86_64 \
		-nodefaults -no-user-config -no-reboot \
		-machine pc -accel "tcg,thread=${AETHER_VM_TCG_THREAD:-single}" -cpu "$(vm_cpu)" \
		$([ "${AETHER_VM_CLOCK:-real}" = virtual ] && printf '%s\n' -icount shift=0,sleep=off) \
		-smp "${AETHER_VM_CPUS:-2}" -m "${AETHER_VM_MEM:-2048}" \
		-display none -monitor none -serial "$serial" \
		-kernel "$vm_kernel" -initrd "$vm_initrd" \
		-append "console=ttyS0 loglevel=$loglevel panic=-1 ${AETHER_VM_APPEND:+$AETHER_VM_APPEND }AETHER_JOB=$vm_job AETHER_KROOT=$vm_kroot" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-device virtio-rng-pci
}

# Starts QEMU (the command in the array named @1) in the background with its
# console on a pipe, and sets vm_fd (read end) and vm_pid. Not a coproc: bash
# unsets a coproc's VM[] and VM_PID the moment it reaps it, so a guest that dies
# quickly (a panic) would turn the next read into an "unbound variable" error and
# lose the console lines still buffered in the pipe.
vm_start() {
	local -n cmd=$1
	exec {vm_fd}< <(exec "${cmd[@]}" </dev/null 2>&1)
	vm_pid=$!
}

# Waits up to 5 s for the QEMU process @1 to exit after the guest's power-off, then
# kills it: a guest that is wedged must not outlive its run.
vm_reap() {
	local pid=$1
	[ -n "$pid" ] || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# Reaped: vm_cleanup must not signal a recycled PID.
	[ "$pid" = "${vm_pid:-}" ] && vm_pid=
	return 0
}
