// aether-ublk's cache writes a hit straight into a file at the position given (UBLK_F_USER_COPY's /dev/ublkcN), aligned or not, and leaves a miss to the buffer as before.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache, its blocks and the fixture

class CacheToFileTest : public CacheTest {
protected:
	void SetUp() override
	{
		CacheTest::SetUp();
		fd_ = memfd_create("dest", 0);
		ASSERT_GE(fd_, 0);
	}
	void TearDown() override
	{
		close(fd_);
		CacheTest::TearDown();
	}
	// @n bytes of the file at @pos.
	std::vector<char> file_at(off_t pos, size_t n)
	{
		std::vector<char> out(n);
		EXPECT_EQ(pread(fd_, out.data(), n, pos), static_cast<ssize_t>(n));
		return out;
	}
	int fd_ = -1;
};

TEST_F(CacheToFileTest, AHitGoesToTheFileAtItsPositionAndNotToTheBuffer)
{
	prefetch(cache, 10, 3, 77);
	std::fill(buf.begin(), buf.end(), 0);
	const Cache::ReadResult r = cache.read(10 * kCacheBlock, 3 * kCacheBlock, Cache::Dest{buf.data(), fd_, 8192}, {0, 7});
	ASSERT_EQ(r.how, Cache::Lookup::kHit);
	EXPECT_EQ(r.err, 0);
	const std::vector<char> got = file_at(8192, 3 * kCacheBlock);
	for (uint32_t i = 0; i < 3; i++)
		EXPECT_EQ(stamp_of(got.data() + size_t{i} * kCacheBlock), 77u) << i;
	EXPECT_EQ(stamp_of(buf.data()), 0u); // the buffer was not written
}

TEST_F(CacheToFileTest, AnUnalignedHitWritesExactlyItsBytes)
{
	prefetch(cache, 20, 2, 5);
	// 1 KiB into block 20, to 1 KiB before the end of block 21.
	const uint64_t off = 20 * kCacheBlock + 1024;
	const uint32_t len = 2 * kCacheBlock - 2048;
	const Cache::ReadResult r = cache.read(off, len, Cache::Dest{buf.data(), fd_, 0}, {0, 7});
	ASSERT_EQ(r.how, Cache::Lookup::kHit);
	EXPECT_EQ(r.err, 0);
	struct stat st;
	ASSERT_EQ(fstat(fd_, &st), 0);
	EXPECT_EQ(st.st_size, static_cast<off_t>(len));
	std::vector<char> want(2 * kCacheBlock);
	ASSERT_EQ(cache.read(20 * kCacheBlock, 2 * kCacheBlock, want.data(), {0, 7}).how, Cache::Lookup::kHit);
	const std::vector<char> got = file_at(0, len);
	EXPECT_EQ(0, std::memcmp(got.data(), want.data() + 1024, len));
}

TEST_F(CacheToFileTest, AMissFillsTheBufferAndWritesNothing)
{
	prefetch(cache, 30, 1, 9);
	const Cache::ReadResult r = cache.read(30 * kCacheBlock, 2 * kCacheBlock, Cache::Dest{buf.data(), fd_, 0}, {0, 7});
	ASSERT_EQ(r.how, Cache::Lookup::kMiss);
	EXPECT_EQ(stamp_of(buf.data()), 9u);
	struct stat st;
	ASSERT_EQ(fstat(fd_, &st), 0);
	EXPECT_EQ(st.st_size, 0);
}

TEST_F(CacheToFileTest, AFailedWriteIsReported)
{
	prefetch(cache, 40, 1, 3);
	const int ro = memfd_create("ro", MFD_ALLOW_SEALING);
	ASSERT_GE(ro, 0);
	ASSERT_EQ(fcntl(ro, F_ADD_SEALS, F_SEAL_WRITE), 0);
	const Cache::ReadResult r = cache.read(40 * kCacheBlock, kCacheBlock, Cache::Dest{buf.data(), ro, 0}, {0, 7});
	close(ro);
	ASSERT_EQ(r.how, Cache::Lookup::kHit);
	EXPECT_EQ(r.err, -EPERM);
}

} // namespace
