#include "support/device_buffer.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "support/cuda_check.hpp"

namespace fp8gemm::support {

DeviceBuffer::DeviceBuffer(size_t bytes) : bytes_(bytes) {
  FP8GEMM_CUDA_CHECK(cudaMalloc(&data_, std::max<size_t>(bytes, 256)));
}

DeviceBuffer::~DeviceBuffer() {
  if (data_ != nullptr) cudaFree(data_);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) cudaFree(data_);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

static void check_range(size_t offset, size_t bytes, size_t size) {
  if (offset > size || bytes > size - offset)
    throw std::out_of_range("DeviceBuffer: copy of " + std::to_string(bytes) + " bytes at offset " +
                            std::to_string(offset) + " exceeds the buffer's " + std::to_string(size));
}

void DeviceBuffer::upload(const void* host, size_t bytes, size_t offset) {
  check_range(offset, bytes, bytes_);
  if (bytes == 0) return;
  FP8GEMM_CUDA_CHECK(cudaMemcpy(static_cast<char*>(data_) + offset, host, bytes, cudaMemcpyHostToDevice));
  // From pageable memory cudaMemcpy may return before the DMA lands, and the legacy stream it used does
  // not order work on the non-blocking streams the harness runs on: wait for it here.
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(cudaStreamLegacy));
}

void DeviceBuffer::download(void* host, size_t bytes, size_t offset) const {
  check_range(offset, bytes, bytes_);
  if (bytes == 0) return;
  FP8GEMM_CUDA_CHECK(cudaMemcpy(host, static_cast<const char*>(data_) + offset, bytes, cudaMemcpyDeviceToHost));
}

}  // namespace fp8gemm::support
