// include/uapi/aether.h only grows: every field keeps the offset it shipped with.
#include <cstddef>

#include <gtest/gtest.h>

#include <uapi/aether.h>

namespace {

TEST(UapiLayout, XrpLookupFieldsStayWhereTheyShipped)
{
	EXPECT_EQ(offsetof(aether_xrp_lookup, fd), 0u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, flags), 4u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, offset), 8u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, len), 16u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, max_hops), 20u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, scratch), 24u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, scratch_len), 32u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, hops), 36u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, status), 40u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, reserved), 44u);
	EXPECT_EQ(offsetof(aether_xrp_lookup, last_offset), 48u);
	EXPECT_EQ(sizeof(aether_xrp_lookup), 56u);
	// The size is part of the ioctl number, so a change shows there too.
	EXPECT_EQ(AETHER_IOC_XRP_LOOKUP, _IOWR(0xAE, 1, char[56]));
}

TEST(UapiLayout, XrpCtxFieldsStayWhereTheyShipped)
{
	EXPECT_EQ(offsetof(aether_xrp_ctx, offset), 0u);
	EXPECT_EQ(offsetof(aether_xrp_ctx, dev_size), 8u);
	EXPECT_EQ(offsetof(aether_xrp_ctx, len), 16u);
	EXPECT_EQ(offsetof(aether_xrp_ctx, hop), 20u);
	EXPECT_EQ(offsetof(aether_xrp_ctx, max_hops), 24u);
	EXPECT_EQ(offsetof(aether_xrp_ctx, scratch_len), 28u);
	EXPECT_EQ(sizeof(aether_xrp_ctx), 32u);
}

TEST(UapiLayout, PolicyCtxFieldsStayWhereTheyShipped)
{
	EXPECT_EQ(offsetof(aether_policy_ctx, stream), 0u);
	EXPECT_EQ(offsetof(aether_policy_ctx, index), 8u);
	EXPECT_EQ(offsetof(aether_policy_ctx, prev), 16u);
	EXPECT_EQ(offsetof(aether_policy_ctx, size), 24u);
	EXPECT_EQ(offsetof(aether_policy_ctx, len), 32u);
	EXPECT_EQ(offsetof(aether_policy_ctx, source), 36u);
	EXPECT_EQ(sizeof(aether_policy_ctx), 40u);
}

} // namespace
