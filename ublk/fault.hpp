// Fault injection for tests, in the spirit of the kernel's fail_* attributes: the
// paths that must survive a full submission queue, a failed wake-up message or a
// transient ring error are driven through those failures on demand, since a healthy
// machine produces them too rarely to test. Off unless $AETHER_UBLK_FAULTS is set at
// start, e.g. "commit=5,wake=3,msg=4,ring=7": each named site fails the first time
// it is reached and every Nth time after (0 or absent: never), but "dead" and "gone"
// only once, at their Nth. N must be at least 2 where a failure is retried, or the retries fail
// for ever.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace aether::ublk {

enum class FaultSite : uint8_t {
	kCommit, // no SQE for a request's COMMIT_AND_FETCH_REQ
	kWake,   // no SQE for the message that wakes a read parked on another queue
	kMsg,    // that message fails (sent to a ring fd that is not one)
	kRing,   // io_uring_submit_and_wait fails with -EBUSY
	kDead,   // io_uring_submit_and_wait fails (-EBADR: completions lost), once, at the Nth call
	kFetch,  // a FETCH_REQ (or PREP_IO_CMDS) names a queue the device lacks, which the kernel refuses
	// From the Nth io_uring_submit_and_wait on, those of the queue that made it fail
	// (-EBADF): its ring is gone for good.
	kGone,
	kCount
};

inline constexpr const char *kFaultSiteNames[] = {"commit", "wake", "msg", "ring", "dead", "fetch", "gone"};

class Faults {
public:
	// Reads $AETHER_UBLK_FAULTS. Returns 0, or -EINVAL if it names an unknown site
	// or a value that is not a number; then no fault is armed.
	int init()
	{
		const char *spec = std::getenv("AETHER_UBLK_FAULTS");
		if (!spec || !*spec)
			return 0;
		uint32_t every[static_cast<size_t>(FaultSite::kCount)] = {};
		for (const char *p = spec; *p;) {
			const char *eq = std::strchr(p, '=');
			if (!eq)
				return -EINVAL;
			size_t site = 0;
			while (site < static_cast<size_t>(FaultSite::kCount) &&
			       (std::strlen(kFaultSiteNames[site]) != static_cast<size_t>(eq - p) ||
				std::strncmp(kFaultSiteNames[site], p, static_cast<size_t>(eq - p))))
				site++;
			char *end;
			const unsigned long n = std::strtoul(eq + 1, &end, 10);
			if (site == static_cast<size_t>(FaultSite::kCount) || end == eq + 1 || (*end && *end != ',') ||
			    n > UINT32_MAX)
				return -EINVAL;
			every[site] = static_cast<uint32_t>(n);
			p = *end ? end + 1 : end;
		}
		for (size_t i = 0; i < static_cast<size_t>(FaultSite::kCount); i++)
			every_[i] = every[i];
		return 0;
	}

	// Whether @site fails this time: its 1st, N+1th, 2N+1th... call (kDead, kGone:
	// its Nth).
	bool fail(FaultSite site)
	{
		const size_t i = static_cast<size_t>(site);
		if (!every_[i])
			return false;
		const uint64_t call = calls_[i].fetch_add(1, std::memory_order_relaxed);
		if (site == FaultSite::kDead || site == FaultSite::kGone ? call + 1 != every_[i] : call % every_[i])
			return false;
		injected_[i].fetch_add(1, std::memory_order_relaxed);
		return true;
	}

	// How many failures were injected at @site.
	uint64_t injected(FaultSite site) const
	{
		return injected_[static_cast<size_t>(site)].load(std::memory_order_relaxed);
	}

	bool armed() const
	{
		for (uint32_t e : every_)
			if (e)
				return true;
		return false;
	}

private:
	uint32_t every_[static_cast<size_t>(FaultSite::kCount)] = {};
	std::atomic<uint64_t> calls_[static_cast<size_t>(FaultSite::kCount)] = {};
	std::atomic<uint64_t> injected_[static_cast<size_t>(FaultSite::kCount)] = {};
};

} // namespace aether::ublk
