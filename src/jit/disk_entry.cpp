#include "jit/disk_entry.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>

#include "jit/hash.hpp"

namespace fp8gemm::jit {
namespace {

constexpr char kMagic[8] = {'F', 'P', '8', 'G', 'E', 'M', 'M', 'K'};
constexpr uint32_t kFormatVersion = 1;
constexpr const char* kSuffix = ".kernel";

// Native byte order: a cache directory is not shared between machines of different endianness.
struct Header {
  char magic[8];
  uint32_t version;
  uint32_t key_size;
  uint64_t payload_size;
  uint64_t checksum_lo, checksum_hi;
};
static_assert(sizeof(Header) == 40, "the header layout is part of the file format");

Hasher::Digest checksum(const std::string& key, const char* payload, size_t size) {
  return Hasher().field(key).update(payload, size).digest();
}

// Closes the descriptor however the caller leaves.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool read_all(int fd, char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Unique among the threads and processes (even of other hosts sharing the directory) writing at once.
std::string temp_file_name(const std::string& key) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device{}();
  return "." + key + "." + std::to_string(::getpid()) + "." + std::to_string(salt) + "." +
         std::to_string(counter++) + ".tmp";
}

}  // namespace

std::string entry_file_name(const std::string& key) { return key + kSuffix; }

bool is_entry_file_name(const std::string& file_name) {
  size_t n = std::strlen(kSuffix);
  return file_name.size() > n && file_name[0] != '.' && file_name.compare(file_name.size() - n, n, kSuffix) == 0;
}

EntryRead read_entry(const std::string& path, const std::string& key, std::vector<char>& cubin, std::string& why) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  // Not there, or not reachable (the directory is unusable): a miss; writing it back will tell.
  if (f.fd < 0) return EntryRead::missing;
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    why = std::string("cannot stat it: ") + std::strerror(errno);
    return EntryRead::damaged;
  }
  uint64_t file_size = static_cast<uint64_t>(st.st_size);
  Header h{};
  if (file_size < sizeof h || !read_all(f.fd, reinterpret_cast<char*>(&h), sizeof h)) {
    why = "shorter than its header";
    return EntryRead::damaged;
  }
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != kFormatVersion) {
    why = "not an entry of this format version";
    return EntryRead::damaged;
  }
  if (h.key_size != key.size() || file_size != sizeof h + h.key_size + h.payload_size) {
    why = "size " + std::to_string(file_size) + " does not match its header (truncated?)";
    return EntryRead::damaged;
  }
  std::string stored_key(h.key_size, '\0');
  cubin.resize(h.payload_size);
  if (!read_all(f.fd, stored_key.data(), stored_key.size()) || !read_all(f.fd, cubin.data(), cubin.size())) {
    why = "read failed";
    return EntryRead::damaged;
  }
  if (stored_key != key) {
    why = "it holds another key";
    return EntryRead::damaged;
  }
  Hasher::Digest sum = checksum(key, cubin.data(), cubin.size());
  if (sum.lo != h.checksum_lo || sum.hi != h.checksum_hi) {
    why = "checksum mismatch";
    return EntryRead::damaged;
  }
  return EntryRead::ok;
}

bool write_entry(const std::string& dir, const std::string& path, const std::string& key,
                 const std::vector<char>& cubin, std::string& why) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    why = "cannot create it: " + ec.message();
    return false;
  }
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kFormatVersion;
  h.key_size = static_cast<uint32_t>(key.size());
  h.payload_size = cubin.size();
  Hasher::Digest sum = checksum(key, cubin.data(), cubin.size());
  h.checksum_lo = sum.lo;
  h.checksum_hi = sum.hi;

  std::string temp = (std::filesystem::path(dir) / temp_file_name(key)).string();
  bool written = false;
  {
    Fd f{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
    if (f.fd < 0) {
      why = std::string("cannot write in it: ") + std::strerror(errno);
      return false;
    }
    written = write_all(f.fd, reinterpret_cast<const char*>(&h), sizeof h) &&
              write_all(f.fd, key.data(), key.size()) && write_all(f.fd, cubin.data(), cubin.size());
    if (!written) why = std::string("cannot write ") + temp + ": " + std::strerror(errno);
    if (::close(f.fd) != 0 && written) {
      written = false;
      why = std::string("cannot write ") + temp + ": " + std::strerror(errno);
    }
    f.fd = -1;
  }
  if (written && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = false;
    why = std::string("cannot rename ") + temp + " to " + path + ": " + std::strerror(errno);
  }
  if (!written) ::unlink(temp.c_str());
  return written;
}

}  // namespace fp8gemm::jit
