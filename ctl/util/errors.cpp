// errstr(): the one way aether-ctl and aether-ublk turn an errno into text.
#include "errors.hpp"

#include <cstring>

namespace aether::util {

std::string errstr(int err)
{
	return std::strerror(err < 0 ? -err : err);
}

} // namespace aether::util
