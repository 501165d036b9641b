// Freestanding integer types and tiny helpers shared by every core header.
//
// The core is compiled into the kernel (gcc -ffreestanding -nostdinc++), the ublk
// server, aether-ctl and the unit tests. Only gcc's freestanding C headers are
// available in all of them, so this is the one place that includes them.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace aether {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i32 = int32_t;
using i64 = int64_t;

} // namespace aether
