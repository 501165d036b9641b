// The user-space half of xrp_uring.bpf.c: an io_uring over an open B+tree whose
// BPF loop_step walks the tree, one io_uring_enter() per lookup, with no aether.ko.
// It needs io_uring's BPF struct_ops (io_uring_bpf_ops), which Linux 7.x has with
// CONFIG_IO_URING_BPF_OPS; on older kernels open() says so and changes nothing.
#pragma once

#include <cstdint>
#include <string>

#include "xrp_btree_user.hpp"

struct xrp_uring;
struct bpf_link;

namespace aether::ctl {

// Returns 0 if the running kernel's BTF has struct io_uring_bpf_ops, or
// -EOPNOTSUPP with the reason in *@why.
int uring_walk_supported(std::string *why);

class UringWalker {
public:
	UringWalker() = default;
	UringWalker(const UringWalker &) = delete;
	UringWalker &operator=(const UringWalker &) = delete;
	// Detaches the program (the link goes with the process anyway) and closes the ring.
	~UringWalker();

	// Sets up the ring over @tree's device, and loads and attaches xrp_uring to it.
	// @tree must stay open while this lives. Returns 0, or -errno with the reason in
	// *@why: -EOPNOTSUPP if the kernel lacks io_uring_bpf_ops; a verifier refusal
	// goes to libbpf's print callback, as bpf load's does.
	int open(const BtreeReader &tree, std::string *why);

	// Looks @key up with one io_uring_enter(): the program reads the root and each
	// child in turn. Returns what BtreeReader::lookup() returns for the same tree
	// (0, -ELOOP, -EUCLEAN or the -errno of a failed read), with *@why saying which.
	int lookup(uint64_t key, BtreeResult *out, std::string *why);

private:
	const BtreeReader *tree_ = nullptr;
	int ring_fd_ = -1;
	void *node_ = nullptr; // the ring's parameter region: where every hop's read lands
	xrp_uring *skel_ = nullptr;
	bpf_link *link_ = nullptr;
};

} // namespace aether::ctl
