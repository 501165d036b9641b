// What newer kernels' <linux/ublk_cmd.h> has and the 6.12 uapi headers aether-ublk
// builds against lack: the same names and values, defined only where missing, so
// that building against newer headers changes nothing. The kernel says at ADD_DEV
// which of these it supports (it clears the flags it does not know), so using one is
// always behind that answer.
#pragma once

#include <cstdint>
#include <linux/ublk_cmd.h>

// The kernel registers each request's own pages in the server's io_uring as fixed
// buffer <index> before it hands the request over, and unregisters them when the
// request is committed: the server reads and writes them with READ_FIXED and
// WRITE_FIXED, and no byte is copied through its own buffers. The index comes in
// the addr of the SQE that carries FETCH_REQ or COMMIT_AND_FETCH_REQ (bits 0..15;
// flags 16..23 and the reserved bits zero), not in the command's own addr, which
// must be 0; and the ring needs a sparse buffer table that has the index.
#ifndef UBLK_F_AUTO_BUF_REG
#define UBLK_F_AUTO_BUF_REG (1ULL << 11)
#endif

// The kernel hands requests over and takes their answers in batches, one command
// per batch instead of one per request (Linux 7.0): UBLK_U_IO_PREP_IO_CMDS gives it
// a queue's tags once, a multishot UBLK_U_IO_FETCH_IO_CMDS delivers the tags of new
// requests into buffers of a provided-buffer ring (one CQE per batch), and
// UBLK_U_IO_COMMIT_IO_CMDS answers many requests at once. FETCH_REQ and
// COMMIT_AND_FETCH_REQ are refused on such a device.
#ifndef UBLK_F_BATCH_IO
#define UBLK_F_BATCH_IO (1ULL << 15)

#define UBLK_U_IO_PREP_IO_CMDS _IOWR('u', 0x25, struct ublk_batch_io)
#define UBLK_U_IO_COMMIT_IO_CMDS _IOWR('u', 0x26, struct ublk_batch_io)
#define UBLK_U_IO_FETCH_IO_CMDS _IOWR('u', 0x27, struct ublk_batch_io)

// One request in a PREP or COMMIT command's buffer; with UBLK_BATCH_F_HAS_BUF_ADDR
// an 8-byte buffer address follows it.
struct ublk_elem_header {
	__u16 tag;
	__u16 buf_index; // UBLK_F_AUTO_BUF_REG: the fixed buffer the next request's pages go to
	__s32 result;    // COMMIT: the request's result
};

#define UBLK_BATCH_F_HAS_BUF_ADDR (1 << 1)

// The command in the SQE's cmd area; the SQE's addr points at the elements.
struct ublk_batch_io {
	__u16 q_id;
	__u16 flags;
	__u16 nr_elem;
	__u8 elem_bytes;
	__u8 reserved;
	__u64 reserved2;
};
#endif

// A uring_cmd that completes more than once, each time into a buffer of its
// provided-buffer group (sqe->buf_index), with IORING_CQE_F_MORE while it stays armed.
#ifndef IORING_URING_CMD_MULTISHOT
#define IORING_URING_CMD_MULTISHOT (1U << 1)
#endif

namespace aether::ublk {

// The SQE addr of a FETCH_REQ or COMMIT_AND_FETCH_REQ under UBLK_F_AUTO_BUF_REG: register
// the request's pages as fixed buffer @index, with no flags.
constexpr uint64_t auto_buf_reg_addr(uint16_t index) noexcept
{
	return index;
}

} // namespace aether::ublk
