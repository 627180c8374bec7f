// An owning device allocation (cudaMalloc / cudaFree), move-only, with plain host<->device copies.
#pragma once

#include <cstddef>
#include <vector>

namespace fp8gemm::support {

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  // Allocates at least 256 bytes, so that even an empty tensor (M = 0) has a real device address:
  // the library may check where a pointer lives before it looks at the shape.
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* get() const { return data_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  size_t bytes() const { return bytes_; }

  void upload(const void* host, size_t bytes, size_t offset = 0);
  void download(void* host, size_t bytes, size_t offset = 0) const;

  template <class T>
  static DeviceBuffer from(const std::vector<T>& host) {
    DeviceBuffer buffer(host.size() * sizeof(T));
    buffer.upload(host.data(), host.size() * sizeof(T));
    return buffer;
  }
  template <class T>
  std::vector<T> to_vector(size_t count, size_t offset_elements = 0) const {
    std::vector<T> host(count);
    download(host.data(), count * sizeof(T), offset_elements * sizeof(T));
    return host;
  }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace fp8gemm::support
