// aether-ctl: the operator's tool for Aether.
#include <iostream>

#include "cli.hpp"

int main(int argc, char **argv)
{
	return aether::ctl::run(argc, argv, std::cout, std::cerr);
}
