// aether-ublk's io_uring user_data packing round-trips every field and keeps them apart.
#include <cstdint>

#include <gtest/gtest.h>

#include "user_data.hpp"

namespace {

using aether::ublk::Origin;
using aether::ublk::pack;
using aether::ublk::unpack;
using aether::ublk::UserData;

TEST(UblkUserData, EveryFieldRoundTripsAtItsLimits)
{
	for (uint16_t tag : {uint16_t{0}, uint16_t{1}, uint16_t{4095}, uint16_t{0xffff}})
		for (uint8_t op : {uint8_t{0}, uint8_t{0x21}, uint8_t{0xff}})
			for (Origin origin : {Origin::kUblk, Origin::kTarget, Origin::kCache})
				for (uint32_t cookie : {0u, 1u, 0xdeadbeefu, 0xffffffffu}) {
					const UserData u = unpack(pack({tag, op, origin, cookie}));
					EXPECT_EQ(u.tag, tag);
					EXPECT_EQ(u.op, op);
					EXPECT_EQ(u.origin, origin);
					EXPECT_EQ(u.cookie, cookie);
				}
}

TEST(UblkUserData, FieldsDoNotOverlap)
{
	EXPECT_EQ(pack({0xffff, 0, Origin::kUblk, 0}) & pack({0, 0xff, Origin::kUblk, 0}), 0u);
	EXPECT_EQ(pack({0, 0xff, Origin::kUblk, 0}) & pack({0, 0, Origin::kTarget, 0}), 0u);
	EXPECT_EQ(pack({0, 0, Origin::kTarget, 0}) & pack({0, 0, Origin::kUblk, 0xffffffff}), 0u);
}

} // namespace
