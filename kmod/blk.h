/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_BLK_H
#define AETHER_BLK_H

/*
 * aether_blk_init() - attach to the block layer's block_rq_issue and
 * block_rq_complete tracepoints and create /sys/kernel/aether/devices/.
 *
 * Caller has initialised the sysfs subsystem. Returns 0; -ENOENT if this kernel
 * has no such tracepoints; -ENOMEM; or the -errno of sysfs or of
 * tracepoint_probe_register(). Nothing is left behind on failure.
 */
int aether_blk_init(void);

/*
 * aether_blk_uninit() - detach the probes, wait for running ones, remove the
 * devices' directories and free their state. Safe while I/O is in flight.
 */
void aether_blk_uninit(void);

#endif /* AETHER_BLK_H */
