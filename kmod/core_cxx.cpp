// SPDX-License-Identifier: GPL-2.0
//
// The C++ half of the core subsystem: instantiates the freestanding core for the
// kernel and exports it through the C entry points in core.h. Built with
// kmod/cxxflags.mk; it includes no kernel header and calls no kernel function.

#include "aether/selftest.hpp"

#include "core.h"

unsigned long aether_core_selftest(void)
{
	return aether::selftest::run();
}

unsigned long aether_core_vector_count(void)
{
	return aether::selftest::kVectorCount;
}
