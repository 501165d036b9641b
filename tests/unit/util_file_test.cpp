// open_direct() opens a file with O_DIRECT where its filesystem allows it and without where not, says which, and gives -errno when it cannot open it.
#include <cerrno>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "ctl_run.hpp"
#include "util/file.hpp"

namespace {

using aether::util::Direct;
using aether::util::open_direct;

class UtilFile : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = aether::test::scratch_dir();
		std::filesystem::create_directories(dir_);
		std::ofstream(dir_ / "file") << std::string(8192, 'a');
	}
	void TearDown() override { std::filesystem::remove_all(dir_); }

	std::filesystem::path dir_;
};

TEST_F(UtilFile, OpensAFileAndSaysWhetherDirectly)
{
	for (int flags : {O_RDONLY, O_RDWR}) {
		Direct direct = Direct::kYes;
		const int fd = open_direct(dir_ / "file", flags, &direct);
		ASSERT_GE(fd, 0) << (dir_ / "file");
		const int fl = fcntl(fd, F_GETFL);
		EXPECT_EQ(fl & O_ACCMODE, flags);
		// The report matches the open that won.
		EXPECT_EQ((fl & O_DIRECT) != 0, direct == Direct::kYes);
		EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
	const int fd = open_direct(dir_ / "file", O_RDONLY); // the report is optional
	ASSERT_GE(fd, 0);
	close(fd);
}

TEST_F(UtilFile, AMissingPathIsENOENTAndReportsNothing)
{
	Direct direct = Direct::kYes;
	EXPECT_EQ(open_direct(dir_ / "missing", O_RDONLY, &direct), -ENOENT);
	EXPECT_EQ(direct, Direct::kYes);
	EXPECT_EQ(open_direct(dir_ / "no" / "such", O_RDWR), -ENOENT);
}

TEST_F(UtilFile, ADirectoryCannotBeOpenedForWriting)
{
	EXPECT_EQ(open_direct(dir_, O_RDWR), -EISDIR);
}

} // namespace
