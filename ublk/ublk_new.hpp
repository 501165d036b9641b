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

namespace aether::ublk {

// The SQE addr of a FETCH_REQ or COMMIT_AND_FETCH_REQ under UBLK_F_AUTO_BUF_REG: register
// the request's pages as fixed buffer @index, with no flags.
constexpr uint64_t auto_buf_reg_addr(uint16_t index) noexcept
{
	return index;
}

} // namespace aether::ublk
