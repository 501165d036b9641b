// aether-ctl trace record: every read and write request of one disk, from the
// block_rq_issue tracepoint (bpf/lba_trace.bpf.c), written as the generic trace
// CSV that `aether-ctl replay` reads, so a real workload can be replayed offline
// through every policy.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cli.hpp"
#include <linux/types.h>

#include "lba_trace.h"
#include "lba_trace.skel.h"

namespace aether::ctl {
namespace {

struct RecordOptions {
	std::string dev;
	std::string out;
	unsigned duration = 0; // seconds; 0: until SIGINT or SIGTERM
	bool force = false;
};

std::atomic<bool> g_stop{false};

void on_signal(int)
{
	g_stop = true;
}

struct Counts {
	FILE *out = nullptr;
	uint64_t reads = 0;
	uint64_t writes = 0;
	bool write_failed = false;
};

int on_event(void *arg, void *data, size_t size)
{
	auto *c = static_cast<Counts *>(arg);
	if (size < sizeof(aether_lba_event))
		return 0;
	aether_lba_event e;
	std::memcpy(&e, data, sizeof(e));
	const bool read = e.op == AETHER_LBA_READ;
	(read ? c->reads : c->writes)++;
	if (std::fprintf(c->out, "%llu,%u,%c\n", static_cast<unsigned long long>(e.sector) * 512, e.bytes,
			 read ? 'R' : 'W') < 0)
		c->write_failed = true;
	return 0;
}

struct SkelCloser {
	void operator()(lba_trace *s) const { lba_trace__destroy(s); }
};

struct RingBufferCloser {
	void operator()(ring_buffer *rb) const { ring_buffer__free(rb); }
};

int record(Context &ctx, const RecordOptions &o)
{
	struct stat st {};
	if (::stat(o.dev.c_str(), &st) != 0)
		return fail(ctx, "trace record: cannot stat " + o.dev + ": " + std::strerror(errno));
	if (!S_ISBLK(st.st_mode))
		return fail(ctx, "trace record: " + o.dev + " is not a block device");
	const unsigned maj = major(st.st_rdev), min = minor(st.st_rdev);

	// Never clobber a trace someone kept: an existing file needs --force. Checked
	// here for the message; the O_EXCL open below is what makes it hold.
	if (!o.force && ::access(o.out.c_str(), F_OK) == 0)
		return fail(ctx, "trace record: cannot create " + o.out + ": " + std::strerror(EEXIST) + " (--force overwrites it)");

	// The program and its ring buffer first, so a failure leaves no file behind.
	std::unique_ptr<lba_trace, SkelCloser> skel(lba_trace__open());
	if (!skel)
		return fail(ctx, std::string("trace record: cannot open the BPF program: ") + std::strerror(errno));
	skel->rodata->target_dev = AETHER_LBA_DEV(maj, min);
	if (int err = lba_trace__load(skel.get()); err)
		return fail(ctx, std::string("trace record: the kernel refused the BPF program: ") + std::strerror(-err) +
				     (-err == EPERM ? " (run as root)" : ""));
	if (int err = lba_trace__attach(skel.get()); err)
		return fail(ctx, std::string("trace record: cannot attach to block:block_rq_issue: ") + std::strerror(-err));
	Counts c;
	std::unique_ptr<ring_buffer, RingBufferCloser> rb(
		ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, &c, nullptr));
	if (!rb)
		return fail(ctx, std::string("trace record: cannot open the ring buffer: ") + std::strerror(errno));

	// Events that arrive before the file exists wait in the ring buffer.
	const int fd = ::open(o.out.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (o.force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0)
		return fail(ctx, "trace record: cannot create " + o.out + ": " + std::strerror(errno) +
				     (errno == EEXIST ? " (--force overwrites it)" : ""));
	c.out = ::fdopen(fd, "w");

	std::fprintf(c.out, "# aether-ctl trace record --dev %s (%u:%u)\noffset_bytes,length_bytes,op\n",
		     o.dev.c_str(), maj, min);
	std::fflush(c.out);
	g_stop = false;
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	struct sigaction old_int {}, old_term {};
	::sigaction(SIGINT, &sa, &old_int);
	::sigaction(SIGTERM, &sa, &old_term);
	// A script waits for this line before it starts the workload.
	ctx.err << "aether-ctl: trace record: recording " << o.dev << " (" << maj << ":" << min << ") to " << o.out
		<< (o.duration ? " for " + std::to_string(o.duration) + " s" : ", until Ctrl-C") << "\n"
		<< std::flush;
	const auto t0 = std::chrono::steady_clock::now();
	const auto until = t0 + std::chrono::seconds(o.duration);
	while (!g_stop && (!o.duration || std::chrono::steady_clock::now() < until)) {
		const int n = ring_buffer__poll(rb.get(), 100);
		if (n < 0 && n != -EINTR)
			break;
	}
	// What the program submitted before detach is still in the buffer.
	lba_trace__detach(skel.get());
	ring_buffer__consume(rb.get());
	rb.reset();
	const uint64_t dropped = skel->bss->dropped;
	skel.reset();
	::sigaction(SIGINT, &old_int, nullptr);
	::sigaction(SIGTERM, &old_term, nullptr);
	const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	if (std::fclose(c.out) != 0 || c.write_failed)
		return fail(ctx, "trace record: writing " + o.out + " failed: " + std::strerror(errno));
	ctx.err << "aether-ctl: trace record: " << c.reads + c.writes << " requests (" << c.reads << " reads, "
		<< c.writes << " writes) in " << static_cast<uint64_t>(secs) << " s to " << o.out << "\n";
	if (dropped)
		return fail(ctx, "trace record: " + std::to_string(dropped) +
					 " requests were not recorded: the ring buffer was full; the trace is incomplete");
	return kExitOk;
}

} // namespace

void add_trace(CLI::App &app, Context &ctx)
{
	CLI::App *trace = add_command_group(app, "trace", "Record block I/O traces for 'aether-ctl replay'", "");
	auto o = std::make_shared<RecordOptions>();
	CLI::App *rec = trace->add_subcommand(
		"record", "Record every read and write request DEV starts (block_rq_issue, via eBPF) as the "
			  "generic CSV that 'aether-ctl replay' reads");
	rec->add_option("--dev", o->dev, "The disk or partition, e.g. /dev/nvme0n1")->required();
	rec->add_option("-o,--output", o->out, "Where to write the CSV")->required();
	rec->add_option("--duration", o->duration, "Stop after S seconds (default: at Ctrl-C or SIGTERM)")
		->check(CLI::Range(1u, 86400u))
		->option_text("S");
	rec->add_flag("--force", o->force, "Overwrite the output file if it exists");
	rec->footer("Needs root. Requests are recorded as the disk issues them, after the page cache and the\n"
		    "I/O scheduler; discards and flushes, which move no data, are left out.\n"
		    "Example:\n"
		    "  aether-ctl trace record --dev /dev/sda --duration 60 -o sda.csv && aether-ctl replay sda.csv");
	rec->callback([&ctx, o] { ctx.exit_code = record(ctx, *o); });
}

} // namespace aether::ctl
