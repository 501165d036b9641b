// The ublk control path (see ctrl.hpp).
#include "ctrl.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "user_data.hpp"

namespace aether::ublk {

Ctrl::~Ctrl()
{
	if (ring_ready_)
		io_uring_queue_exit(&ring_);
	if (fd_ >= 0)
		::close(fd_);
}

int Ctrl::open()
{
	fd_ = ::open("/dev/ublk-control", O_RDWR | O_CLOEXEC);
	if (fd_ < 0)
		return -errno;
	// Control commands carry their payload in the SQE's command area: 128-byte SQEs.
	const int ret = io_uring_queue_init(4, &ring_, IORING_SETUP_SQE128);
	if (ret < 0)
		return ret;
	ring_ready_ = true;
	return 0;
}

int Ctrl::submit(uint32_t cmd_op, uint32_t dev_id, void *buf, uint16_t len, uint64_t data0)
{
	io_uring_sqe *sqe = io_uring_get_sqe(&ring_);
	if (!sqe)
		return -EBUSY;
	std::memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd_;
	sqe->cmd_op = cmd_op;
	sqe->user_data = pack({0, static_cast<uint8_t>(_IOC_NR(cmd_op)), Origin::kUblk, 0});
	auto *cmd = reinterpret_cast<ublksrv_ctrl_cmd *>(sqe->cmd);
	cmd->dev_id = dev_id;
	cmd->queue_id = static_cast<uint16_t>(-1);
	cmd->addr = reinterpret_cast<uintptr_t>(buf);
	cmd->len = len;
	cmd->data[0] = data0;

	int ret = io_uring_submit(&ring_);
	if (ret < 0)
		return ret;
	io_uring_cqe *cqe;
	do
		ret = io_uring_wait_cqe(&ring_, &cqe);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&ring_, cqe);
	return ret;
}

int Ctrl::add_dev(ublksrv_ctrl_dev_info *info)
{
	return submit(UBLK_U_CMD_ADD_DEV, info->dev_id, info, sizeof(*info), 0);
}

int Ctrl::set_params(uint32_t dev_id, ublk_params *params)
{
	params->len = sizeof(*params);
	return submit(UBLK_U_CMD_SET_PARAMS, dev_id, params, sizeof(*params), 0);
}

int Ctrl::start_dev(uint32_t dev_id, int32_t server_pid)
{
	return submit(UBLK_U_CMD_START_DEV, dev_id, nullptr, 0, static_cast<uint64_t>(server_pid));
}

int Ctrl::stop_dev(uint32_t dev_id)
{
	return submit(UBLK_U_CMD_STOP_DEV, dev_id, nullptr, 0, 0);
}

int Ctrl::del_dev(uint32_t dev_id)
{
	return submit(UBLK_U_CMD_DEL_DEV, dev_id, nullptr, 0, 0);
}

int Ctrl::del_dev_async(uint32_t dev_id)
{
	return submit(UBLK_U_CMD_DEL_DEV_ASYNC, dev_id, nullptr, 0, 0);
}

int Ctrl::get_dev_info(uint32_t dev_id, ublksrv_ctrl_dev_info *info)
{
	return submit(UBLK_U_CMD_GET_DEV_INFO, dev_id, info, sizeof(*info), 0);
}

int Ctrl::get_params(uint32_t dev_id, ublk_params *params)
{
	params->len = sizeof(*params);
	return submit(UBLK_U_CMD_GET_PARAMS, dev_id, params, sizeof(*params), 0);
}

int Ctrl::start_user_recovery(uint32_t dev_id)
{
	return submit(UBLK_U_CMD_START_USER_RECOVERY, dev_id, nullptr, 0, 0);
}

int Ctrl::end_user_recovery(uint32_t dev_id, int32_t server_pid)
{
	return submit(UBLK_U_CMD_END_USER_RECOVERY, dev_id, nullptr, 0, static_cast<uint64_t>(server_pid));
}

} // namespace aether::ublk
