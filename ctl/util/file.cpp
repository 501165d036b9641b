// Opening backing files and devices the way aether-ctl and aether-ublk both need.
#include "file.hpp"

#include <cerrno>

#include <fcntl.h>

namespace aether::util {

int open_direct(const std::string &path, int flags, Direct *direct)
{
	int fd = ::open(path.c_str(), flags | O_DIRECT | O_CLOEXEC);
	Direct how = Direct::kYes;
	if (fd < 0 && errno == EINVAL) { // the filesystem has no O_DIRECT: use the page cache
		fd = ::open(path.c_str(), flags | O_CLOEXEC);
		how = Direct::kNo;
	}
	if (fd < 0)
		return -errno;
	if (direct)
		*direct = how;
	return fd;
}

} // namespace aether::util
