// race-rw: concurrent writers and sequential readers over one region of a block
// device, with O_DIRECT; fails if any read returns a block older than its last
// acknowledged write.
//
//   race-rw DEV [--blocks N] [--writers W] [--readers R] [--seconds S] [--read-kb K]
//
// Every 4 KiB block holds (block number, version) repeated. Writer w owns the blocks
// b with b % W == w and rewrites them one at a time, so each block has at most one
// write in flight and its last acknowledged version is well defined. Around each
// write it publishes begun[b] (before) and acked[b] (after the write returned).
//
// A reader takes lo = acked[b] before its read and hi = begun[b] after it. A whole
// block must carry a version v with lo <= v <= hi; a block mixing two versions is
// allowed only if a write to it was in flight during the read (hi > lo). After the
// writers stop, one last pass must find every block exactly at acked[b].
//
// Prints one line of counts; exits 0 if every check held, 1 if one failed, 2 on a
// usage or I/O error.
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "aether/xorshift.hpp"

namespace {

constexpr size_t kBlock = 4096;

struct Shared {
	std::vector<std::atomic<uint64_t>> begun, acked;
	std::atomic<bool> stop{false};
	std::atomic<uint64_t> reads{0}, blocks_checked{0}, newer{0}, torn{0}, stale{0}, writes{0}, io_errors{0};
	explicit Shared(size_t n) : begun(n), acked(n) {}
};

void fill(char *p, uint64_t block, uint64_t version)
{
	for (size_t i = 0; i < kBlock; i += 16) {
		std::memcpy(p + i, &block, 8);
		std::memcpy(p + i + 8, &version, 8);
	}
}

// The version @p holds for @block, or false if it is not one whole version of it.
bool parse(const char *p, uint64_t block, uint64_t *version)
{
	uint64_t b, v;
	std::memcpy(&b, p, 8);
	std::memcpy(&v, p + 8, 8);
	if (b != block && !(b == 0 && v == 0 && block != 0))
		return false;
	for (size_t i = 16; i < kBlock; i += 16)
		if (std::memcmp(p + i, p, 16))
			return false;
	*version = b == block ? v : 0; // an all-zero block is version 0
	return true;
}

void writer(int fd, Shared &s, unsigned id, unsigned writers, size_t blocks)
{
	char *buf = static_cast<char *>(std::aligned_alloc(kBlock, kBlock));
	uint64_t seed = 0x9e3779b97f4a7c15ull * (id + 1);
	while (!s.stop.load(std::memory_order_relaxed)) {
		seed = aether::xorshift64(seed);
		const size_t b = (seed % (blocks / writers)) * writers + id;
		if (b >= blocks)
			continue;
		const uint64_t v = s.acked[b].load() + 1;
		fill(buf, b, v);
		s.begun[b].store(v);
		if (pwrite(fd, buf, kBlock, static_cast<off_t>(b * kBlock)) != static_cast<ssize_t>(kBlock)) {
			s.io_errors++;
			break;
		}
		s.acked[b].store(v);
		s.writes++;
	}
	std::free(buf);
}

// Checks the blocks [first, first + n) just read into @buf, given the acked versions
// @lo taken before the read.
void check(Shared &s, const char *buf, size_t first, size_t n, const std::vector<uint64_t> &lo, bool final_pass)
{
	for (size_t i = 0; i < n; i++) {
		const size_t b = first + i;
		const uint64_t hi = s.begun[b].load();
		uint64_t v;
		s.blocks_checked++;
		if (!parse(buf + i * kBlock, b, &v)) {
			if (hi > lo[i] && !final_pass) {
				s.torn++;
				continue;
			}
			s.stale++;
			std::fprintf(stderr, "race-rw: block %zu holds no whole version (acked %llu)\n", b,
				     (unsigned long long)lo[i]);
			continue;
		}
		if (v < lo[i] || v > hi || (final_pass && v != lo[i])) {
			s.stale++;
			std::fprintf(stderr, "race-rw: block %zu read version %llu, acknowledged %llu, begun %llu\n", b,
				     (unsigned long long)v, (unsigned long long)lo[i], (unsigned long long)hi);
		} else if (v > lo[i]) {
			s.newer++;
		}
	}
}

void reader(int fd, Shared &s, size_t blocks, size_t per_read, bool final_pass)
{
	char *buf = static_cast<char *>(std::aligned_alloc(kBlock, per_read * kBlock));
	std::vector<uint64_t> lo(per_read);
	do {
		for (size_t b = 0; b < blocks && (final_pass || !s.stop.load(std::memory_order_relaxed)); b += per_read) {
			const size_t n = std::min(per_read, blocks - b);
			for (size_t i = 0; i < n; i++)
				lo[i] = s.acked[b + i].load();
			if (pread(fd, buf, n * kBlock, static_cast<off_t>(b * kBlock)) != static_cast<ssize_t>(n * kBlock)) {
				s.io_errors++;
				s.stop = true;
				break;
			}
			s.reads++;
			check(s, buf, b, n, lo, final_pass);
		}
	} while (!final_pass && !s.stop.load(std::memory_order_relaxed));
	std::free(buf);
}

int usage()
{
	std::fprintf(stderr, "usage: race-rw DEV [--blocks N] [--writers W] [--readers R] [--seconds S] [--read-kb K]\n");
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return usage();
	size_t blocks = 8192, per_read = 16;
	unsigned writers = 4, readers = 2, seconds = 20;
	for (int i = 2; i + 1 < argc; i += 2) {
		const std::string opt = argv[i];
		char *end;
		const unsigned long v = std::strtoul(argv[i + 1], &end, 10);
		if (*end || !v)
			return usage();
		if (opt == "--blocks")
			blocks = v;
		else if (opt == "--writers")
			writers = static_cast<unsigned>(v);
		else if (opt == "--readers")
			readers = static_cast<unsigned>(v);
		else if (opt == "--seconds")
			seconds = static_cast<unsigned>(v);
		else if (opt == "--read-kb" && v % 4 == 0)
			per_read = v / 4;
		else
			return usage();
	}
	if (argc % 2 || blocks < writers)
		return usage();
	const int fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		std::fprintf(stderr, "race-rw: %s: %s\n", argv[1], std::strerror(errno));
		return 2;
	}
	// Start from a known state: every block at version 0 (all zeroes).
	{
		constexpr size_t kChunk = 1 << 20;
		char *z = static_cast<char *>(std::aligned_alloc(kBlock, kChunk));
		std::memset(z, 0, kChunk);
		for (size_t off = 0; off < blocks * kBlock; off += kChunk)
			if (pwrite(fd, z, std::min(kChunk, blocks * kBlock - off), static_cast<off_t>(off)) < 0) {
				std::fprintf(stderr, "race-rw: zeroing %s: %s\n", argv[1], std::strerror(errno));
				return 2;
			}
		std::free(z);
	}
	Shared s(blocks);
	std::vector<std::thread> threads;
	for (unsigned w = 0; w < writers; w++)
		threads.emplace_back(writer, fd, std::ref(s), w, writers, blocks);
	for (unsigned r = 0; r < readers; r++)
		threads.emplace_back(reader, fd, std::ref(s), blocks, per_read, false);
	sleep(seconds);
	s.stop = true;
	for (std::thread &t : threads)
		t.join();
	reader(fd, s, blocks, per_read, true);
	close(fd);
	std::printf("race-rw: writes %llu reads %llu blocks %llu newer %llu torn %llu stale %llu io_errors %llu\n",
		    (unsigned long long)s.writes, (unsigned long long)s.reads, (unsigned long long)s.blocks_checked,
		    (unsigned long long)s.newer, (unsigned long long)s.torn, (unsigned long long)s.stale,
		    (unsigned long long)s.io_errors);
	if (s.io_errors)
		return 2;
	return s.stale ? 1 : 0;
}
