// Opening backing files and devices the way aether-ctl and aether-ublk both need.
#pragma once

#include <string>

namespace aether::util {

enum class Direct { kNo, kYes };

// Opens @path with @flags (O_CLOEXEC is added), with O_DIRECT when its filesystem
// supports it and without it otherwise, so files on tmpfs work too. Returns the fd,
// or -errno of the open that failed. If @direct is given, it tells which open won.
int open_direct(const std::string &path, int flags, Direct *direct = nullptr);

} // namespace aether::util
