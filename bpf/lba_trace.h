/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What lba_trace.bpf.c sends user space through its ring buffer: one event per
 * read or write request a disk is about to start (block_rq_issue). Read by
 * `aether-ctl trace record`, which writes them as the generic trace CSV that
 * `aether-ctl replay` reads.
 */
#ifndef AETHER_LBA_TRACE_H
#define AETHER_LBA_TRACE_H

enum aether_lba_op {
	AETHER_LBA_READ = 0,
	AETHER_LBA_WRITE = 1,
};

struct aether_lba_event {
	__u64 ns;     /* bpf_ktime_get_ns() at issue */
	__u64 sector; /* first 512-byte sector */
	__u32 bytes;  /* > 0 */
	__u32 dev;    /* the kernel's dev_t: major << 20 | minor */
	__u32 op;     /* enum aether_lba_op */
	__u32 pad;
};

/* The kernel's dev_t encoding, which the tracepoint reports. */
#define AETHER_LBA_DEV(major, minor) (((major) << 20) | (minor))

#endif /* AETHER_LBA_TRACE_H */
