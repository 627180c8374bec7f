// The kernel cache: memory, disk, compiler; damaged entries; unusable directories; the key; many
// threads and processes at once. Compiles a tiny sm_90a kernel through NVRTC: no GPU needed.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "fp8gemm/fp8gemm.hpp"
#include "jit/cache.hpp"
#include "jit/compiler.hpp"
#include "jit_sandbox.hpp"

namespace fp8gemm::testing {
namespace {

struct Counts {
  int64_t memory, disk, compiles;
  static Counts now() {
    auto& s = jit::cache_stats();
    return {s.memory_hits.load(), s.disk_hits.load(), s.compiles.load()};
  }
  Counts operator-(const Counts& o) const { return {memory - o.memory, disk - o.disk, compiles - o.compiles}; }
};

class JitCache : public JitSandbox {};

TEST_F(JitCache, MemoryThenDiskThenCompiler) {
  std::string source = tiny_kernel_source("memory-disk-compiler");
  Counts before = Counts::now();

  jit::CubinLookup first = jit::lookup_cubin(source, "sm_90a", "tiny");
  EXPECT_EQ(first.origin, jit::CubinOrigin::compiler);
  jit::CubinLookup second = jit::lookup_cubin(source, "sm_90a", "tiny");
  EXPECT_EQ(second.origin, jit::CubinOrigin::memory);
  EXPECT_EQ(second.cubin, first.cubin);  // the very same buffer

  jit::clear_memory_cache();
  jit::CubinLookup third = jit::lookup_cubin(source, "sm_90a", "tiny");
  EXPECT_EQ(third.origin, jit::CubinOrigin::disk);
  EXPECT_EQ(*third.cubin, *first.cubin);

  Counts delta = Counts::now() - before;
  EXPECT_EQ(delta.compiles, 1);
  EXPECT_EQ(delta.memory, 1);
  EXPECT_EQ(delta.disk, 1);

  jit::DiskCacheSummary summary = jit::disk_cache_summary();
  EXPECT_TRUE(summary.exists);
  EXPECT_EQ(summary.entries, 1);
  EXPECT_GT(summary.bytes, static_cast<int64_t>(first.cubin->size()));
  EXPECT_TRUE(fs::exists(jit::cache_entry_path(jit::cache_key(source, "sm_90a"))));
}

// Damages the entry of `source` with `damage`, then checks the next use recompiles (never loads
// it), warns, and leaves a good entry behind.
template <typename Damage>
void expect_rebuilt(const std::string& source, Damage damage) {
  std::vector<char> good = *jit::get_cubin(source, "sm_90a");
  fs::path entry = jit::cache_entry_path(jit::cache_key(source, "sm_90a"));
  ASSERT_TRUE(fs::exists(entry));
  damage(entry);
  jit::clear_memory_cache();

  ::testing::internal::CaptureStderr();
  jit::CubinLookup rebuilt = jit::lookup_cubin(source, "sm_90a");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rebuilt.origin, jit::CubinOrigin::compiler);
  EXPECT_EQ(*rebuilt.cubin, good);
  EXPECT_NE(err.find("damaged kernel cache entry"), std::string::npos) << err;

  jit::clear_memory_cache();
  EXPECT_EQ(jit::lookup_cubin(source, "sm_90a").origin, jit::CubinOrigin::disk);
}

TEST_F(JitCache, FlippedByteIsDetectedAndRebuilt) {
  expect_rebuilt(tiny_kernel_source("flipped"), [](const fs::path& entry) {
    std::fstream f(entry, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(fs::file_size(entry) / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(fs::file_size(entry) / 2));
    c = static_cast<char>(c ^ 0x10);
    f.write(&c, 1);
  });
}

TEST_F(JitCache, TruncatedEntryIsDetectedAndRebuilt) {
  expect_rebuilt(tiny_kernel_source("truncated"),
                 [](const fs::path& entry) { fs::resize_file(entry, fs::file_size(entry) / 2); });
}

TEST_F(JitCache, EntryOfAnotherKeyIsNotLoaded) {
  std::string a = tiny_kernel_source("key-a"), b = tiny_kernel_source("key-b");
  jit::get_cubin(a, "sm_90a");
  expect_rebuilt(b, [&](const fs::path& entry) {
    fs::copy_file(jit::cache_entry_path(jit::cache_key(a, "sm_90a")), entry, fs::copy_options::overwrite_existing);
  });
}

TEST_F(JitCache, UnusableDirectoryCompilesInMemoryWithOneWarning) {
  // Root ignores permissions, so make the directory impossible instead: it lies under a regular file.
  write_file(root / "a-file", "not a directory");
  setenv("FP8GEMM_CACHE_DIR", (root / "a-file" / "cache").c_str(), 1);
  Counts before = Counts::now();

  ::testing::internal::CaptureStderr();
  auto one = jit::get_cubin(tiny_kernel_source("unusable-1"), "sm_90a");
  auto two = jit::get_cubin(tiny_kernel_source("unusable-2"), "sm_90a");
  auto again = jit::get_cubin(tiny_kernel_source("unusable-1"), "sm_90a");
  std::string err = ::testing::internal::GetCapturedStderr();

  EXPECT_FALSE(one->empty());
  EXPECT_FALSE(two->empty());
  EXPECT_EQ(again, one);
  Counts delta = Counts::now() - before;
  EXPECT_EQ(delta.compiles, 2);
  EXPECT_EQ(delta.memory, 1);
  size_t first = err.find("warning");
  ASSERT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find("warning", first + 1), std::string::npos) << "more than one warning:\n" << err;
  EXPECT_NE(err.find("a-file"), std::string::npos) << err;
  EXPECT_FALSE(jit::disk_cache_summary().exists);
}

// Makes a directory read-only for the life of the object, even for root (who ignores permission
// bits): through the immutable attribute where the file system and capabilities allow, else the
// permission bits. `ok` says whether writing there really fails.
class ReadOnlyDirectory {
 public:
  explicit ReadOnlyDirectory(const fs::path& dir) : dir_(dir) {
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    int flags = 0;
    if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
      flags |= FS_IMMUTABLE_FL;
      immutable_ = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    if (fd >= 0) close(fd);
    if (!immutable_) fs::permissions(dir, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                                     fs::perm_options::remove);
    int probe = open((dir / "probe").c_str(), O_WRONLY | O_CREAT, 0644);
    ok = probe < 0;
    if (probe >= 0) {
      close(probe);
      unlink((dir / "probe").c_str());
    }
  }
  ~ReadOnlyDirectory() {
    if (immutable_) {
      int fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
      int flags = 0;
      if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
        flags &= ~FS_IMMUTABLE_FL;
        ioctl(fd, FS_IOC_SETFLAGS, &flags);
      }
      if (fd >= 0) close(fd);
    } else {
      fs::permissions(dir_, fs::perms::owner_write, fs::perm_options::add);
    }
  }
  bool ok = false;

 private:
  fs::path dir_;
  bool immutable_ = false;
};

TEST_F(JitCache, ReadOnlyDirectoryServesItsEntriesAndCompilesTheRestInMemory) {
  std::string cached = tiny_kernel_source("read-only-cached"), fresh = tiny_kernel_source("read-only-fresh");
  jit::get_cubin(cached, "sm_90a");
  jit::clear_memory_cache();
  ReadOnlyDirectory read_only(cache);
  if (!read_only.ok) GTEST_SKIP() << "cannot make a directory read-only here";

  ::testing::internal::CaptureStderr();
  EXPECT_EQ(jit::lookup_cubin(cached, "sm_90a").origin, jit::CubinOrigin::disk);
  EXPECT_EQ(jit::lookup_cubin(fresh, "sm_90a").origin, jit::CubinOrigin::compiler);
  EXPECT_EQ(jit::lookup_cubin(fresh + "//", "sm_90a").origin, jit::CubinOrigin::compiler);
  EXPECT_EQ(jit::lookup_cubin(fresh, "sm_90a").origin, jit::CubinOrigin::memory);
  std::string err = ::testing::internal::GetCapturedStderr();
  size_t first = err.find("warning");
  ASSERT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find("warning", first + 1), std::string::npos) << "more than one warning:\n" << err;
  EXPECT_EQ(jit::disk_cache_summary().entries, 1);
}

TEST_F(JitCache, KeyCoversKernelSourcesNotTheirPath) {
  std::string source = tiny_kernel_source("kernels-dir");
  std::string key_original = jit::cache_key(source, "sm_90a");
  jit::get_cubin(source, "sm_90a");

  // The same files at another path: same key (a cache filled in a container build serves a server).
  fs::copy(kernels, root / "kernels-copy", fs::copy_options::recursive);
  setenv("FP8GEMM_KERNELS_DIR", (root / "kernels-copy").c_str(), 1);
  EXPECT_EQ(jit::cache_key(source, "sm_90a"), key_original);

  // One header edited: a new key, and a new entry beside the old one.
  fs::copy(kernels, root / "kernels-edited", fs::copy_options::recursive);
  write_file(root / "kernels-edited" / "fp8gemm" / "tiny.cuh",
             std::string(kTinyHeader) + "// an edit that changes nothing but the text\n");
  setenv("FP8GEMM_KERNELS_DIR", (root / "kernels-edited").c_str(), 1);
  EXPECT_NE(jit::cache_key(source, "sm_90a"), key_original);
  EXPECT_EQ(jit::lookup_cubin(source, "sm_90a").origin, jit::CubinOrigin::compiler);
  EXPECT_EQ(jit::disk_cache_summary().entries, 2);

  // A file added next to the headers also counts.
  fs::copy(kernels, root / "kernels-added", fs::copy_options::recursive);
  write_file(root / "kernels-added" / "fp8gemm" / "ptx" / "new.cuh", "#pragma once\n");
  setenv("FP8GEMM_KERNELS_DIR", (root / "kernels-added").c_str(), 1);
  EXPECT_NE(jit::cache_key(source, "sm_90a"), key_original);
}

TEST_F(JitCache, KeyCoversSourceArchAndCompiler) {
  std::string source = tiny_kernel_source("key-parts");
  std::string key = jit::cache_key(source, "sm_90a");
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(jit::cache_key(source, "sm_90a"), key);
  EXPECT_NE(jit::cache_key(source + " ", "sm_90a"), key);
  EXPECT_NE(jit::cache_key(source, "sm_100a"), key);
  setenv("FP8GEMM_COMPILER", "nvcc", 1);
  try {
    EXPECT_NE(jit::cache_key(source, "sm_90a"), key);
  } catch (const Error& e) {
    GTEST_SKIP() << "no nvcc here: " << e.what();
  }
}

TEST_F(JitCache, ThreadsAskingForOneKernelCompileItOnce) {
  std::string source = tiny_kernel_source("threads");
  Counts before = Counts::now();
  std::vector<std::shared_ptr<const std::vector<char>>> results(4);
  std::vector<std::thread> threads;
  for (auto& r : results) threads.emplace_back([&] { r = jit::get_cubin(source, "sm_90a"); });
  for (auto& t : threads) t.join();
  for (auto& r : results) EXPECT_EQ(r, results[0]);
  Counts delta = Counts::now() - before;
  EXPECT_EQ(delta.compiles, 1);
  EXPECT_EQ(delta.memory, 3);
}

TEST_F(JitCache, ProcessesCompilingOneKernelAtOnceAllSucceed) {
  constexpr int kProcesses = 6;
  std::string source = tiny_kernel_source("processes");
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: wait for the start signal (the pipe closing), compile, report through the exit code.
      close(go[1]);
      char byte;
      while (read(go[0], &byte, 1) > 0) {
      }
      int status = 1;
      try {
        jit::CubinLookup r = jit::lookup_cubin(source, "sm_90a");
        status = r.cubin && !r.cubin->empty() ? 0 : 2;
      } catch (...) {
        status = 3;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  close(go[0]);
  close(go[1]);  // all start together
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  EXPECT_EQ(jit::disk_cache_summary().entries, 1);
  EXPECT_EQ(count_files("."), 0) << "temporary files left behind";
  EXPECT_EQ(jit::lookup_cubin(source, "sm_90a").origin, jit::CubinOrigin::disk);
}

TEST_F(JitCache, NoCacheDirectoryConfiguredStillWorks) {
  unsetenv("FP8GEMM_CACHE_DIR");
  const char* home = getenv("HOME");
  const char* xdg = getenv("XDG_CACHE_HOME");
  std::string saved_home = home ? home : "", saved_xdg = xdg ? xdg : "";
  unsetenv("HOME");
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(jit::cache_dir(), "");
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(jit::get_cubin(tiny_kernel_source("no-dir"), "sm_90a")->empty());
  std::string err = ::testing::internal::GetCapturedStderr();
  if (home) setenv("HOME", saved_home.c_str(), 1);
  if (xdg) setenv("XDG_CACHE_HOME", saved_xdg.c_str(), 1);
  EXPECT_NE(err.find("no kernel cache directory"), std::string::npos) << err;
}

TEST_F(JitCache, DefaultDirectoryFollowsXdgThenHome) {
  unsetenv("FP8GEMM_CACHE_DIR");
  const char* xdg = getenv("XDG_CACHE_HOME");
  std::string saved_xdg = xdg ? xdg : "";
  setenv("XDG_CACHE_HOME", "/x/y", 1);
  EXPECT_EQ(jit::cache_dir(), "/x/y/fp8gemm");
  unsetenv("XDG_CACHE_HOME");
  if (const char* home = getenv("HOME")) EXPECT_EQ(jit::cache_dir(), std::string(home) + "/.cache/fp8gemm");
  if (xdg) setenv("XDG_CACHE_HOME", saved_xdg.c_str(), 1);
}

}  // namespace
}  // namespace fp8gemm::testing
