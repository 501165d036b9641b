// The io_uring walk of the XRP B+tree (see xrp_uring_user.hpp and xrp_uring.h).
#include "xrp_uring_user.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <linux/io_uring.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "util/errors.hpp"
#include "xrp_uring.h"
// After xrp_uring.h: the skeleton names its global's type without defining it.
#include "xrp_uring.skel.h"

namespace aether::ctl {

using util::errstr;

namespace {

// Linux 6.13's parameter region (IORING_REGISTER_MEM_REGION), which bookworm's
// <linux/io_uring.h> predates: the same layout, under our own names.
constexpr unsigned kRegisterMemRegion = 34;
constexpr uint32_t kMemRegionTypeUser = 1;
struct RegionDesc {
	uint64_t user_addr;
	uint64_t size;
	uint32_t flags;
	uint32_t id;
	uint64_t mmap_offset;
	uint64_t resv[4];
};
struct MemRegionReg {
	uint64_t region_uptr;
	uint64_t flags;
	uint64_t resv[2];
};
static_assert(sizeof(RegionDesc) == 64 && sizeof(MemRegionReg) == 32, "the kernel's layout");

#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16)
#endif

} // namespace

int uring_walk_supported(std::string *why)
{
	btf *vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		*why = std::string("cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): ") + errstr(errno);
		return -EOPNOTSUPP;
	}
	const int id = btf__find_by_name_kind(vmlinux, "io_uring_bpf_ops", BTF_KIND_STRUCT);
	btf__free(vmlinux);
	if (id < 0) {
		*why = "this kernel has no io_uring BPF struct_ops (io_uring_bpf_ops: Linux 7.x built with "
		       "CONFIG_IO_URING_BPF_OPS); walk in aether.ko (the default) or from user space (--user)";
		return -EOPNOTSUPP;
	}
	return 0;
}

UringWalker::~UringWalker()
{
	if (link_)
		bpf_link__destroy(link_);
	if (skel_)
		xrp_uring__destroy(skel_);
	if (ring_fd_ >= 0)
		::close(ring_fd_);
	std::free(node_);
}

int UringWalker::open(const BtreeReader &tree, std::string *why)
{
	int ret = uring_walk_supported(why);
	if (ret < 0)
		return ret;
	tree_ = &tree;
	if (posix_memalign(&node_, AETHER_BTREE_BLOCK, AETHER_BTREE_BLOCK)) {
		*why = "out of memory";
		return -ENOMEM;
	}
	std::memset(node_, 0, AETHER_BTREE_BLOCK);

	// The loop runs only on a DEFER_TASKRUN ring (so only its one task completes its
	// requests), and without an SQ array an SQE's index is the SQ tail.
	io_uring_params p{};
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_NO_SQARRAY |
		  IORING_SETUP_CQSIZE;
	p.cq_entries = AETHER_XRP_URING_ENTRIES;
	ring_fd_ = static_cast<int>(syscall(__NR_io_uring_setup, AETHER_XRP_URING_ENTRIES, &p));
	if (ring_fd_ < 0) {
		ring_fd_ = -1;
		ret = -errno;
		*why = "io_uring_setup(SINGLE_ISSUER | DEFER_TASKRUN | NO_SQARRAY): " + errstr(-ret);
		return ret;
	}
	if (p.sq_entries != AETHER_XRP_URING_ENTRIES || p.cq_entries != AETHER_XRP_URING_ENTRIES) {
		*why = "io_uring_setup gave " + std::to_string(p.sq_entries) + " SQEs and " +
		       std::to_string(p.cq_entries) + " CQEs, not " + std::to_string(AETHER_XRP_URING_ENTRIES);
		return -EINVAL;
	}
	// Reads land in the parameter region, the one piece of user memory the program can read.
	RegionDesc rd{};
	rd.user_addr = reinterpret_cast<uintptr_t>(node_);
	rd.size = AETHER_BTREE_BLOCK;
	rd.flags = kMemRegionTypeUser;
	MemRegionReg reg{};
	reg.region_uptr = reinterpret_cast<uintptr_t>(&rd);
	if (syscall(__NR_io_uring_register, ring_fd_, kRegisterMemRegion, &reg, 1) < 0) {
		ret = -errno;
		*why = "IORING_REGISTER_MEM_REGION: " + errstr(-ret);
		return ret;
	}

	// The tree (opened O_DIRECT where it allows) as fixed file 0 and the node as fixed
	// buffer 0, so that no hop looks the file up or pins the page again.
	const int fd = tree.fd();
	const iovec iov{node_, AETHER_BTREE_BLOCK};
	if (syscall(__NR_io_uring_register, ring_fd_, IORING_REGISTER_FILES, &fd, 1) < 0 ||
	    syscall(__NR_io_uring_register, ring_fd_, IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
		ret = -errno;
		*why = "registering the device and the node buffer with the ring: " + errstr(-ret);
		return ret;
	}

	skel_ = xrp_uring__open();
	if (!skel_) {
		ret = -errno;
		*why = "opening the xrp_uring program: " + errstr(-ret);
		return ret;
	}
	skel_->rodata->sq_tail_off = p.sq_off.tail;
	skel_->rodata->cq_head_off = p.cq_off.head;
	skel_->rodata->cq_tail_off = p.cq_off.tail;
	skel_->rodata->cqes_off = p.cq_off.cqes;
	skel_->struct_ops.xrp_uring->ring_fd = static_cast<uint32_t>(ring_fd_);
	ret = xrp_uring__load(skel_);
	if (ret == -EPERM) {
		*why = "loading the xrp_uring program needs root (CAP_BPF and CAP_SYS_ADMIN)";
		return ret;
	}
	if (ret < 0) {
		*why = "loading the xrp_uring program: " + errstr(-ret) + " (libbpf's messages above say why)";
		return ret;
	}
	link_ = bpf_map__attach_struct_ops(skel_->maps.xrp_uring);
	if (!link_) {
		ret = -errno;
		*why = "attaching xrp_uring to the ring: " + errstr(-ret);
		return ret;
	}
	aether_xrp_uring_lookup &l = skel_->bss->lookup;
	l.root = tree.super().root;
	l.dev_size = tree.size();
	l.node_addr = reinterpret_cast<uintptr_t>(node_);
	l.max_hops = tree.super().depth;
	l.state = AETHER_XRP_URING_IDLE;
	return 0;
}

int UringWalker::lookup(uint64_t key, BtreeResult *out, std::string *why)
{
	*out = BtreeResult{};
	aether_xrp_uring_lookup &l = skel_->bss->lookup;
	l.key = key;
	// The loop returns 0 once the program stops it, -EINTR on a signal with the
	// lookup where it was (the next call goes on from there).
	long ret;
	do
		ret = syscall(__NR_io_uring_enter, ring_fd_, 0, 0, 0, nullptr, 0);
	while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		const int e = errno;
		*why = "io_uring_enter: " + errstr(e);
		return -e;
	}
	out->hops = l.hops;
	switch (l.error) {
	case 0:
		if (l.found) {
			out->how = BtreeResult::How::kFound;
			out->value = l.value;
		}
		return 0;
	case -ELOOP:
		*why = btree_why_cycle(l.hops, tree_->super().depth);
		return -ELOOP;
	case -EUCLEAN:
		// The program stops at a child it may not read, or at a block it read that is no node.
		*why = tree_->holds_node(l.bad_off) ? btree_why_not_node(l.bad_off) : btree_why_outside(l.bad_off);
		return -EUCLEAN;
	default:
		*why = btree_why_read(l.bad_off, -l.error);
		return l.error;
	}
}

} // namespace aether::ctl
