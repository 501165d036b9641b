// The targets, by name (see target.hpp).
#include "target.hpp"

namespace aether::ublk {

const TargetOps *find_target(const std::string &name)
{
	for (const TargetOps *ops : {&kFileTarget, &kNbdTarget})
		if (name == ops->name)
			return ops;
	return nullptr;
}

} // namespace aether::ublk
