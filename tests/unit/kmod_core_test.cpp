// aether.ko's C entry points to the core (kmod/core_cxx.cpp) stay in bounds on anything the hooks can feed them.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include <gtest/gtest.h>

#include "../../kmod/core.h"
#include "core_sim.hpp"

namespace {

// The block the module allocates per CPU, zeroed, freed by the test.
struct Block {
	explicit Block(unsigned int streams) : mem(std::calloc(1, aether_core_cpu_size(streams)), std::free) {}
	std::unique_ptr<void, decltype(&std::free)> mem;
};

// Streams as the hooks see them: many open files, each sequential, strided,
// backward or random, with prev pages before, inside and past each access, and the
// configuration changing under them as sysfs writes change it. Under ASan and
// UBSan any out-of-bounds access or overflow in the glue or the core aborts.
TEST(KmodCore, ManyStreamsAndReconfigurationStayInBounds)
{
	aether::test::XorShift next{0x9e3779b97f4a7c15ull};
	for (unsigned int streams : {8u, 128u}) {
		Block b(streams);
		aether_core_config cfg{AETHER_CORE_PRESET_ADAPTIVE, 4, 512, 70};
		aether_core_cpu *c = aether_core_cpu_init(b.mem.get(), streams, &cfg);
		uint64_t last[512] = {};
		for (int i = 0; i < 400000; i++) {
			const uint64_t r = next();
			const unsigned int k = r % (r & 1 ? 16 : 512); // a few hot files, many cold
			uint64_t index;
			switch ((r >> 9) % 5) {
			case 0: index = next(); break;
			case 1: index = last[k] + 1 + (r >> 20) % 4; break;
			case 2: index = last[k] - (r >> 20) % 8; break;
			case 3: index = last[k] + 16; break;
			default: index = (r >> 30) % 100000; break;
			}
			last[k] = index;
			const unsigned int len = (r >> 40) & 1 ? static_cast<unsigned int>(next()) : 1 + (r >> 44) % 64;
			const uint64_t prev = (r >> 50) % 3 ? index - 1 - (r >> 52) % 8 : AETHER_CORE_NO_PREV;
			aether_core_decision out[AETHER_CORE_MAX_DECISIONS];
			aether_core_result res;
			ASSERT_EQ(aether_core_cpu_access(c, 0x1000ull * k, 0, index, len, prev, out, &res), res.n);
			ASSERT_LE(res.n, static_cast<unsigned int>(AETHER_CORE_MAX_DECISIONS));
			for (unsigned int d = 0; d < res.n; d++) {
				ASSERT_GT(out[d].length, 0u);
				ASSERT_LE(out[d].confidence, 65536u);
			}
			if ((r >> 33) % 20000 == 0) {
				cfg.preset = static_cast<aether_core_preset>((r >> 3) % 3);
				cfg.min_window = 1 + (r >> 5) % 8;
				cfg.max_window = cfg.min_window + (r >> 7) % 4096;
				cfg.target_accuracy = (r >> 11) % 101; // 0: the preset's own
				aether_core_cpu_configure(c, &cfg);
			}
		}
	}
}

// A stream the table holds is known on its next access; one pushed out by many
// others is new again, and the table never mistakes one key for another.
TEST(KmodCore, StreamHistoryFollowsTheTable)
{
	Block b(8);
	aether_core_config cfg{AETHER_CORE_PRESET_ADAPTIVE, 4, 512, 70};
	aether_core_cpu *c = aether_core_cpu_init(b.mem.get(), 8, &cfg);
	aether_core_decision out[AETHER_CORE_MAX_DECISIONS];
	aether_core_result res;
	aether_core_cpu_access(c, 42, 0, 0, 1, AETHER_CORE_NO_PREV, out, &res);
	EXPECT_EQ(res.history, AETHER_CORE_HISTORY_NEW);
	aether_core_cpu_access(c, 42, 0, 1, 1, AETHER_CORE_NO_PREV, out, &res);
	EXPECT_EQ(res.history, AETHER_CORE_HISTORY_KNOWN);
	for (uint64_t k = 1000; k < 1064; k++)
		aether_core_cpu_access(c, k, 0, 0, 1, AETHER_CORE_NO_PREV, out, &res);
	aether_core_cpu_access(c, 42, 0, 2, 1, AETHER_CORE_NO_PREV, out, &res);
	EXPECT_EQ(res.history, AETHER_CORE_HISTORY_NEW);
}

} // namespace
