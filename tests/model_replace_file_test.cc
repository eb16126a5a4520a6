// ReplaceFile: a finished output goes over a regular file by rename, and
// into anything else (a device, a FIFO) by writing, so that `-o /dev/null`
// never turns the device into a regular file.
#include "model/replace_file.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace evenhand {
namespace {

namespace fs = std::filesystem;

class ReplaceFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand-replace-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  fs::path dir_;
};

TEST_F(ReplaceFileTest, RegularFileIsReplacedAndTheTemporaryIsGone) {
  Write(Path("out"), "old");
  Write(Path("out.tmp"), "new");
  ASSERT_TRUE(ReplaceFile(Path("out.tmp"), Path("out")).ok());
  EXPECT_EQ(Read(Path("out")), "new");
  EXPECT_FALSE(fs::exists(Path("out.tmp")));
  // A missing output is created the same way.
  Write(Path("b.tmp"), "b");
  ASSERT_TRUE(ReplaceFile(Path("b.tmp"), Path("b")).ok());
  EXPECT_EQ(Read(Path("b")), "b");
}

// A character device like /dev/null (made here, as root, so the real one is
// never at risk): written into, still a device afterwards.
TEST_F(ReplaceFileTest, CharacterDeviceStaysADevice) {
  if (::geteuid() != 0) GTEST_SKIP() << "making a device node needs root (CI runs as root)";
  const std::string dev = Path("null");
  ASSERT_EQ(::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  Write(Path("null.tmp"), std::string(200000, 'x'));
  ASSERT_TRUE(ReplaceFile(Path("null.tmp"), dev).ok());
  struct stat st;
  ASSERT_EQ(::stat(dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device was replaced by a regular file";
  EXPECT_FALSE(fs::exists(Path("null.tmp")));
}

TEST_F(ReplaceFileTest, FifoIsWrittenIntoNotReplaced) {
  const std::string fifo = Path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = Read(fifo); });
  Write(Path("pipe.tmp"), "through the pipe");
  const Status s = ReplaceFile(Path("pipe.tmp"), fifo);
  reader.join();
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(got, "through the pipe");
  struct stat st;
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_F(ReplaceFileTest, DirectoryIsAnErrorAndTheTemporaryIsKept) {
  fs::create_directories(Path("d"));
  Write(Path("d.tmp"), "x");
  const Status s = ReplaceFile(Path("d.tmp"), Path("d"));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("directory"), std::string::npos) << s.message();
  EXPECT_TRUE(fs::exists(Path("d.tmp")));
  EXPECT_TRUE(fs::is_directory(Path("d")));
}

TEST_F(ReplaceFileTest, WriteFileReplacingWritesWholeOrLeavesTheOldFile) {
  Write(Path("out"), "old");
  ASSERT_TRUE(WriteFileReplacing(Path("out"), "new contents").ok());
  EXPECT_EQ(Read(Path("out")), "new contents");
  EXPECT_FALSE(fs::exists(Path("out.tmp")));

  // A write that fails (here: the file-size limit, as a full disk would; the
  // failure of a small output shows only when it is flushed at the close):
  // an error naming the file and the OS reason, the old file untouched, no
  // temporary left.
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit tiny = old_limit;
  tiny.rlim_cur = 4;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
  Status small = WriteFileReplacing(Path("out"), "more than four bytes");
  Status big = WriteFileReplacing(Path("out"), std::string(1 << 20, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  for (const Status& s : {small, big}) {
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), Path("out") + ": write failed: File too large");
  }
  EXPECT_EQ(Read(Path("out")), "new contents");
  EXPECT_FALSE(fs::exists(Path("out.tmp")));
  // A directory that does not exist: the temporary cannot be created.
  Status missing = WriteFileReplacing(Path("no/such/out"), "x");
  EXPECT_EQ(missing.message(), Path("no/such/out.tmp") + ": cannot create: No such file or directory");
}

}  // namespace
}  // namespace evenhand
