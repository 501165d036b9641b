// ublk-cmd: sends one ublk control command, as another ublk tool (kublk, ublksrv)
// would, for the guest tests of what aether-ublk does when its device is stopped or
// deleted from outside.
//
//   ublk-cmd stop ID   STOP_DEV
//   ublk-cmd del ID    DEL_DEV
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ctrl.hpp"

int main(int argc, char **argv)
{
	if (argc != 3 || (std::strcmp(argv[1], "stop") && std::strcmp(argv[1], "del"))) {
		std::fprintf(stderr, "usage: ublk-cmd stop|del ID\n");
		return 2;
	}
	const auto id = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
	aether::ublk::Ctrl ctrl;
	int ret = ctrl.open();
	if (ret == 0)
		ret = std::strcmp(argv[1], "stop") ? ctrl.del_dev(id) : ctrl.stop_dev(id);
	if (ret < 0) {
		std::fprintf(stderr, "ublk-cmd: %s %u: %s\n", argv[1], id, std::strerror(-ret));
		return 1;
	}
	return 0;
}
