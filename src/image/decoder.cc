#include "image/decoder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "image/codecs.h"

namespace evenhand {

ImageFormat SniffImageFormat(const uint8_t* d, size_t n) {
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return ImageFormat::kJpeg;
  if (n >= 8 && std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageFormat::kPng;
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) return ImageFormat::kWebp;
  if (n >= 6 && (std::memcmp(d, "GIF87a", 6) == 0 || std::memcmp(d, "GIF89a", 6) == 0)) return ImageFormat::kGif;
  return ImageFormat::kUnknown;
}

const char* ImageFormatName(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg: return "JPEG";
    case ImageFormat::kPng: return "PNG";
    case ImageFormat::kWebp: return "WebP";
    case ImageFormat::kGif: return "GIF";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

namespace image_internal {

bool WithinDimensionLimits(uint64_t width, uint64_t height, const DecodeLimits& limits) {
  return width != 0 && height != 0 && width <= static_cast<uint64_t>(limits.max_dimension) &&
         height <= static_cast<uint64_t>(limits.max_dimension) && width * height <= limits.max_pixels;
}

Status CheckDimensions(std::string_view name, uint64_t width, uint64_t height, const DecodeLimits& limits) {
  if (width == 0 || height == 0) {
    return Status::Corrupt(std::string(name) + ": image has a zero dimension");
  }
  if (width > static_cast<uint64_t>(limits.max_dimension) || height > static_cast<uint64_t>(limits.max_dimension) ||
      width * height > limits.max_pixels) {
    return Status::Invalid(std::string(name) + ": image is " + std::to_string(width) + "x" + std::to_string(height) +
                           ", over the limit (" + std::to_string(limits.max_pixels) + " pixels, " +
                           std::to_string(limits.max_dimension) + " per side); refused without decoding");
  }
  return Status::Ok();
}

}  // namespace image_internal

Status ImageDecoder::LoadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Io(path + ": not a regular file");
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > options_.limits.max_file_bytes) {
    ::close(fd);
    return Status::Invalid(path + ": file is " + std::to_string(size) + " bytes, over the limit of " +
                           std::to_string(options_.limits.max_file_bytes));
  }
  file_.resize(size);
  size_t got = 0;
  while (got < size) {
    ssize_t r = ::read(fd, file_.data() + got, size - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      ::close(fd);
      return Status::Io(path + ": read failed: " + (r < 0 ? std::strerror(errno) : "file shrank"));
    }
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  return Status::Ok();
}

Status ImageDecoder::DecodeFile(const std::string& path, Image* out) {
  Status s = LoadFile(path);
  if (!s.ok()) return s;
  return DecodeMemory(file_.data(), file_.size(), path, out);
}

Status ImageDecoder::DecodeMemory(const uint8_t* data, size_t size, std::string_view name, Image* out) {
  if (size > options_.limits.max_file_bytes) {
    return Status::Invalid(std::string(name) + ": file is " + std::to_string(size) + " bytes, over the limit");
  }
  switch (SniffImageFormat(data, size)) {
    case ImageFormat::kJpeg: {
      image_internal::ImageSink sink(out);
      return image_internal::DecodeJpeg(data, size, name, options_, options_.jpeg_scale_denom, &sink, &batch_);
    }
    case ImageFormat::kPng: return image_internal::DecodePng(data, size, name, options_.limits, out);
    case ImageFormat::kWebp: return image_internal::DecodeWebp(data, size, name, options_.limits, out);
    case ImageFormat::kGif: return image_internal::DecodeGif(data, size, name, options_.limits, out);
    case ImageFormat::kUnknown: break;
  }
  return Status::Invalid(std::string(name) + ": not a JPEG, PNG, WebP or GIF file" +
                         (size == 0 ? " (empty)" : ""));
}

Status ImageDecoder::DecodeMemoryTo(const uint8_t* data, size_t size, std::string_view name, RowSink* sink,
                                    int jpeg_scale_denom) {
  if (size > options_.limits.max_file_bytes) {
    return Status::Invalid(std::string(name) + ": file is " + std::to_string(size) + " bytes, over the limit");
  }
  if (SniffImageFormat(data, size) == ImageFormat::kJpeg) {
    const int denom = jpeg_scale_denom > 0 ? jpeg_scale_denom : options_.jpeg_scale_denom;
    return image_internal::DecodeJpeg(data, size, name, options_, denom, sink, &batch_);
  }
  Status s = DecodeMemory(data, size, name, &image_);
  if (!s.ok()) return s;
  image_internal::StreamImage(image_, sink);
  return Status::Ok();
}

}  // namespace evenhand
