// errstr(): the one way aether-ctl and aether-ublk turn an errno into text.
#pragma once

#include <string>

namespace aether::util {

// strerror()'s text for @err, which may be given as errno or as -errno.
std::string errstr(int err);

} // namespace aether::util
