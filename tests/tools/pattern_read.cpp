// pattern-read: reads a file in one access pattern and writes what it read to stdout.
//
// Usage: pattern-read [--time] [--sequential] FILE PATTERN [BLOCK_KB]
//   --time:  when done, print "BYTES NANOSECONDS" for the reads alone on stderr, so a
//            benchmark's throughput leaves out starting the process
//   --sequential: posix_fadvise(POSIX_FADV_SEQUENTIAL) first, which doubles the
//            file's readahead window
//   PATTERN: seq | stride:N (one block, then skip to N blocks further) | reverse |
//            random:SEED[:PERCENT] (every block, or PERCENT of them, once each in a
//            seeded shuffle; a part leaves blocks unread, so readahead can waste)
//
// The guest tests pipe the output into sha256sum, so two runs of one pattern must
// print the same digest whatever the module did to readahead. fio covers sequential
// and strided reads but not reverse or every-block-once random ones, hence this.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {

int usage()
{
	std::fprintf(stderr, "usage: pattern-read [--time] [--sequential] FILE seq|stride:N|reverse|random:SEED[:PERCENT] [BLOCK_KB]\n");
	return 2;
}

bool parse_u64(const char *s, uint64_t &out)
{
	char *end = nullptr;
	errno = 0;
	unsigned long long v = std::strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return false;
	out = v;
	return true;
}

bool write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = ::write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= static_cast<size_t>(w);
	}
	return true;
}

uint64_t now_ns()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

} // namespace

int main(int argc, char **argv)
{
	bool timed = false, sequential = false;
	for (; argc > 1 && std::strncmp(argv[1], "--", 2) == 0; argc--, argv++) {
		if (std::strcmp(argv[1], "--time") == 0)
			timed = true;
		else if (std::strcmp(argv[1], "--sequential") == 0)
			sequential = true;
		else
			return usage();
	}
	if (argc < 3 || argc > 4)
		return usage();
	uint64_t block_kb = 4;
	if (argc == 4 && (!parse_u64(argv[3], block_kb) || block_kb == 0 || block_kb > 1024))
		return usage();
	const uint64_t bs = block_kb * 1024;

	int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || ::fstat(fd, &st) < 0) {
		std::fprintf(stderr, "pattern-read: %s: %s\n", argv[1], std::strerror(errno));
		return 1;
	}
	if (sequential && (errno = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL))) {
		std::fprintf(stderr, "pattern-read: %s: posix_fadvise: %s\n", argv[1], std::strerror(errno));
		return 1;
	}
	const uint64_t blocks = (static_cast<uint64_t>(st.st_size) + bs - 1) / bs;

	std::vector<uint64_t> order;
	const std::string pat = argv[2];
	uint64_t n = 0;
	if (pat == "seq" || pat == "reverse") {
		for (uint64_t b = 0; b < blocks; b++)
			order.push_back(pat == "seq" ? b : blocks - 1 - b);
	} else if (pat.rfind("stride:", 0) == 0 && parse_u64(pat.c_str() + 7, n) && n > 0) {
		for (uint64_t b = 0; b < blocks; b += n)
			order.push_back(b);
	} else if (pat.rfind("random:", 0) == 0) {
		std::string seed = pat.substr(7);
		uint64_t percent = 100;
		if (size_t colon = seed.find(':'); colon != std::string::npos) {
			if (!parse_u64(seed.c_str() + colon + 1, percent) || percent == 0 || percent > 100)
				return usage();
			seed.resize(colon);
		}
		if (!parse_u64(seed.c_str(), n))
			return usage();
		for (uint64_t b = 0; b < blocks; b++)
			order.push_back(b);
		// Fisher-Yates with a 64-bit LCG, so a seed means the same order everywhere.
		uint64_t x = n * 6364136223846793005ULL + 1442695040888963407ULL;
		for (uint64_t i = blocks; i > 1; i--) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			std::swap(order[i - 1], order[(x >> 33) % i]);
		}
		order.resize(blocks * percent / 100);
	} else {
		return usage();
	}

	std::vector<char> buf(bs);
	uint64_t total = 0;
	const uint64_t t0 = now_ns();
	for (uint64_t b : order) {
		ssize_t r = ::pread(fd, buf.data(), bs, static_cast<off_t>(b * bs));
		if (r < 0) {
			std::fprintf(stderr, "pattern-read: %s: block %llu: %s\n", argv[1],
				     static_cast<unsigned long long>(b), std::strerror(errno));
			return 1;
		}
		if (!write_all(buf.data(), static_cast<size_t>(r))) {
			std::fprintf(stderr, "pattern-read: stdout: %s\n", std::strerror(errno));
			return 1;
		}
		total += static_cast<uint64_t>(r);
	}
	if (timed)
		std::fprintf(stderr, "%llu %llu\n", static_cast<unsigned long long>(total),
			     static_cast<unsigned long long>(now_ns() - t0));
	::close(fd);
	return 0;
}
