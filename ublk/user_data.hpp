// io_uring user_data for aether-ublk: every SQE the server submits carries one of
// these, and every CQE is decoded with the same helpers.
#pragma once

#include <cstdint>

namespace aether::ublk {

// Who a completion belongs to.
enum class Origin : uint8_t {
	kUblk = 0,   // a FETCH_REQ/COMMIT_AND_FETCH_REQ on /dev/ublkcN
	kTarget = 1, // the target's I/O for a request
	kCache = 2,  // the cache tier: a prefetch fill, or a parked read woken
};

// The cache tier's ops.
enum CacheOp : uint8_t {
	kCacheFill = 0, // cookie: the fill's id
	kCacheWake = 1, // tag: a read parked on a fill that has landed
	kCachePart = 2, // tag: the blocks of a read that the cache lacked, read from the backend
	kCacheWakeSent = 3, // tag, cookie: the queue: the message that wakes that queue's read
			    // @tag; completes only if it failed (IOSQE_CQE_SKIP_SUCCESS)
};

// An op no completion handler acts on: the injected-latency timeouts linked before
// backend reads.
inline constexpr uint8_t kOpIgnore = 0xff;

struct UserData {
	uint16_t tag;  // the request's tag in its queue
	uint8_t op;    // ublk command op (kUblk) or the target's own op code (kTarget)
	Origin origin;
	uint32_t cookie; // the target's: e.g. which part of a split request
};

// Layout: tag 0..15, op 16..23, origin 24..31, cookie 32..63.
constexpr uint64_t pack(const UserData &u) noexcept
{
	return uint64_t{u.tag} | uint64_t{u.op} << 16 | uint64_t{static_cast<uint8_t>(u.origin)} << 24 |
	       uint64_t{u.cookie} << 32;
}

constexpr UserData unpack(uint64_t v) noexcept
{
	return UserData{static_cast<uint16_t>(v), static_cast<uint8_t>(v >> 16),
			static_cast<Origin>(static_cast<uint8_t>(v >> 24)), static_cast<uint32_t>(v >> 32)};
}

} // namespace aether::ublk
