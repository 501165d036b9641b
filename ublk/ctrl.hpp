// The ublk control path: one io_uring on /dev/ublk-control, one submit helper, and a
// wrapper per control command.
#pragma once

#include <cstdint>
#include <liburing.h>
#include <linux/ublk_cmd.h>

namespace aether::ublk {

class Ctrl {
public:
	Ctrl() = default;
	Ctrl(const Ctrl &) = delete;
	Ctrl &operator=(const Ctrl &) = delete;
	~Ctrl();

	// Opens /dev/ublk-control. Returns 0 or -errno (-ENOENT: ublk_drv is not loaded).
	int open();

	// Each returns the command's result: 0 (ADD_DEV: 0 with @info filled) or -errno.
	int add_dev(ublksrv_ctrl_dev_info *info);
	int set_params(uint32_t dev_id, ublk_params *params);
	int start_dev(uint32_t dev_id, int32_t server_pid);
	int stop_dev(uint32_t dev_id);
	// DEL_DEV returns once the device is freed, which waits for every opener of
	// /dev/ublkbN to close it (a filesystem mounted on it, until its umount);
	// DEL_DEV_ASYNC returns at once, and the kernel frees the device when the last
	// opener goes.
	int del_dev(uint32_t dev_id);
	int del_dev_async(uint32_t dev_id);
	int get_dev_info(uint32_t dev_id, ublksrv_ctrl_dev_info *info);
	int get_params(uint32_t dev_id, ublk_params *params);
	// User recovery of a device added with UBLK_F_USER_RECOVERY whose server died.
	// START returns -EBUSY until the dead server's /dev/ublkcN is released and the
	// kernel has quiesced the device; END waits for every queue of the new server
	// to fetch, then makes it the device's server and releases the held I/O.
	int start_user_recovery(uint32_t dev_id);
	int end_user_recovery(uint32_t dev_id, int32_t server_pid);

private:
	// Sends one control command and waits for it. Returns its result, or -errno.
	int submit(uint32_t cmd_op, uint32_t dev_id, void *buf, uint16_t len, uint64_t data0);

	int fd_ = -1;
	bool ring_ready_ = false;
	io_uring ring_{};
};

} // namespace aether::ublk
