// Runs aether-ctl's command line in-process, as the tests of its subcommands do.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace aether::test {

// Runs `aether-ctl ARGS...` against @sysfs; clears and fills @out and @err. Returns
// the exit code.
inline int run_ctl(std::vector<std::string> args, std::ostringstream &out, std::ostringstream &err,
		   aether::ctl::Sysfs sysfs = aether::ctl::Sysfs("/nonexistent/aether"))
{
	args.insert(args.begin(), "aether-ctl");
	std::vector<const char *> argv;
	for (const std::string &a : args)
		argv.push_back(a.c_str());
	out.str("");
	err.str("");
	return aether::ctl::run(static_cast<int>(argv.size()), argv.data(), out, err, std::move(sysfs));
}

} // namespace aether::test
