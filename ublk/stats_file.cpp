// /run/aether/ublk<N>.stats (see stats_file.hpp).
#include "stats_file.hpp"

#include "util/histogram.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace aether::ublk {

StatsWriter::~StatsWriter()
{
	if (!f_)
		return;
	unlink(path_.c_str());
	munmap(f_, sizeof(StatsFile));
}

int StatsWriter::create(const StatsHeader &head, std::string *why)
{
	const std::string dir = run_dir();
	path_ = stats_path(head.dev_id);
	if (mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) {
		const int err = errno;
		*why = dir + ": " + std::strerror(err);
		return -err;
	}
	// A file left by a server that was killed is replaced, not reused: a reader that
	// still maps the old one keeps seeing the old device.
	unlink(path_.c_str());
	const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		const int err = errno;
		*why = path_ + ": " + std::strerror(err);
		return -err;
	}
	void *p = MAP_FAILED;
	if (ftruncate(fd, sizeof(StatsFile)) == 0)
		p = mmap(nullptr, sizeof(StatsFile), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	const int err = errno;
	::close(fd);
	if (p == MAP_FAILED) {
		*why = path_ + ": " + std::strerror(err);
		unlink(path_.c_str());
		return -err;
	}
	f_ = static_cast<StatsFile *>(p);
	// The file is all zeroes: the counters start at 0. The magic goes last, so a
	// reader never takes a half-written header for a valid one.
	StatsHeader h = head;
	std::memset(h.magic, 0, sizeof(h.magic));
	h.version = kStatsVersion;
	h.bytes = sizeof(StatsFile);
	f_->h = h;
	std::atomic_thread_fence(std::memory_order_release);
	std::memcpy(f_->h.magic, kStatsMagic, sizeof(kStatsMagic));
	return 0;
}

StatsView::~StatsView()
{
	if (f_)
		munmap(const_cast<StatsFile *>(f_), sizeof(StatsFile));
}

int StatsView::open(const std::string &path, std::string *why)
{
	const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		const int err = errno;
		*why = path + ": " + std::strerror(err);
		return -err;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size < static_cast<off_t>(sizeof(StatsFile))) {
		::close(fd);
		*why = path + ": not an aether-ublk stats file (too short)";
		return -EINVAL;
	}
	void *p = mmap(nullptr, sizeof(StatsFile), PROT_READ, MAP_SHARED, fd, 0);
	const int err = errno;
	::close(fd);
	if (p == MAP_FAILED) {
		*why = path + ": " + std::strerror(err);
		return -err;
	}
	const auto *f = static_cast<const StatsFile *>(p);
	if (std::memcmp(f->h.magic, kStatsMagic, sizeof(kStatsMagic)) || f->h.version != kStatsVersion) {
		munmap(p, sizeof(StatsFile));
		*why = path + ": not an aether-ublk stats file of version " + std::to_string(kStatsVersion);
		return -EINVAL;
	}
	std::atomic_thread_fence(std::memory_order_acquire);
	f_ = f;
	return 0;
}

std::string latency_bucket_name(unsigned k)
{
	if (k == 0)
		return "<1us";
	if (k + 1 == kLatencyBuckets)
		return ">=" + std::to_string(1ull << (k - 1)) + "us";
	return std::to_string(1ull << (k - 1)) + "-" + std::to_string(1ull << k) + "us";
}

int latency_percentile(const uint64_t (&counts)[kLatencyBuckets], unsigned pct)
{
	return util::percentile_index(counts, kLatencyBuckets, pct);
}

} // namespace aether::ublk
