// BigArray<T>: a growable array of trivially copyable T for large indexes,
// 64-byte aligned (a 32-byte hash never straddles two cache lines) and, past
// 4 MiB, backed by transparent huge pages where the kernel offers them
// (madvise), which keeps random look-ups in a large bank from missing the TLB.
// Not thread safe for writes; reads of a stable array are.
#pragma once

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

namespace evenhand {

template <typename T>
class BigArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  BigArray() = default;
  ~BigArray() { std::free(data_); }
  BigArray(const BigArray&) = delete;
  BigArray& operator=(const BigArray&) = delete;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

  void reserve(size_t n) {
    if (n <= capacity_) return;
    const size_t bytes = n * sizeof(T);
    const size_t huge = size_t{2} << 20;
    const bool big = bytes >= (size_t{4} << 20);
    const size_t align = big ? huge : 64;
    const size_t rounded = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
    if (p == nullptr) throw std::bad_alloc();
    if (big) ::madvise(p, rounded, MADV_HUGEPAGE);
    if (size_ > 0) std::memcpy(p, data_, size_ * sizeof(T));
    std::free(data_);
    data_ = static_cast<T*>(p);
    capacity_ = rounded / sizeof(T);
  }
  void resize(size_t n) {
    if (n > capacity_) reserve(n);
    size_ = n;
  }
  void push_back(const T& v) {
    if (size_ == capacity_) reserve(capacity_ < 16 ? 16 : capacity_ * 2);
    data_[size_++] = v;
  }
  void clear() { size_ = 0; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace evenhand
