// SPDX-License-Identifier: GPL-2.0
/*
 * lba_trace: every read and write request one disk is about to start, from the
 * block_rq_issue tracepoint, into a ring buffer. The tracepoint's record is read
 * through CO-RE (vmlinux.h from the target kernel's BTF), so one object serves
 * kernels whose layouts differ.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "lba_trace.h"

char LICENSE[] SEC("license") = "GPL";

/* The disk to trace, as the kernel's dev_t (set by the loader). */
const volatile __u32 target_dev = 0;

/* Events the ring buffer had no room for. */
__u64 dropped = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

SEC("tp/block/block_rq_issue")
int lba_trace_issue(struct trace_event_raw_block_rq *tp)
{
	struct aether_lba_event *e;
	char rwbs[2];
	__u32 dev = BPF_CORE_READ(tp, dev);
	__u32 bytes = BPF_CORE_READ(tp, nr_sector) << 9;
	__u32 op;

	if (dev != target_dev || !bytes)
		return 0;
	/* rwbs is "[F]R..." or "[F]W...": a preflush flag, then the operation. */
	BPF_CORE_READ_INTO(&rwbs, tp, rwbs);
	switch (rwbs[0] == 'F' ? rwbs[1] : rwbs[0]) {
	case 'R':
		op = AETHER_LBA_READ;
		break;
	case 'W':
		op = AETHER_LBA_WRITE;
		break;
	default:
		return 0; /* discards, flushes and the like move no data */
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	e->ns = bpf_ktime_get_ns();
	e->sector = BPF_CORE_READ(tp, sector);
	e->bytes = bytes;
	e->dev = dev;
	e->op = op;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
