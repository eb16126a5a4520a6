// fastText behind a Status interface. See fasttext_backend.h.
#include "classify/fasttext_backend.h"

#include <fasttext/autotune.h>
#include <fasttext/densematrix.h>
#include <fasttext/fasttext.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <sstream>
#include <streambuf>

namespace evenhand::classify::internal {

namespace {

constexpr int32_t kMagic = 793712314;  // fastText's file magic
constexpr int32_t kMaxVersion = 12;     // the newest format libfasttext 0.9.2 writes

// Swallows everything written to it.
class NullBuf final : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

// Points std::cout and std::cerr at nothing while alive (training only: the
// CLI runs one training at a time, and it keeps fastText's progress lines
// out of evenhand's outputs).
class QuietConsole {
 public:
  QuietConsole() : out_(std::cout.rdbuf(&null_)), err_(std::cerr.rdbuf(&null_)) {}
  ~QuietConsole() {
    std::cout.rdbuf(out_);
    std::cerr.rdbuf(err_);
  }

 private:
  NullBuf null_;
  std::streambuf* out_;
  std::streambuf* err_;
};

// A read-only stream over bytes we own, without copying them.
class ViewBuf final : public std::streambuf {
 public:
  ViewBuf(const char* data, size_t size) {
    char* p = const_cast<char*>(data);  // never written: a get area only
    setg(p, p, p + size);
  }
};

// fastText's FastText keeps its dictionary and model protected; a subclass
// reaches them for the allocation-free featuriser below.
class Model final : public fasttext::FastText {
 public:
  fasttext::Dictionary& dict() { return *dict_; }
  const fasttext::Dictionary& dict() const { return *dict_; }
  const fasttext::Model& model() const { return *model_; }
  const fasttext::Args& args() const { return *args_; }
  const fasttext::DenseMatrix* dense_input() const { return dynamic_cast<const fasttext::DenseMatrix*>(input_.get()); }
  const fasttext::DenseMatrix* dense_output() const { return dynamic_cast<const fasttext::DenseMatrix*>(output_.get()); }
  // loadModel(istream) expects the header read, with `version` set from it.
  void LoadAfterHeader(std::istream& in, int32_t file_version) {
    version = file_version;
    loadModel(in);
  }
};


// Walks the whole file as fastText 0.9.2 lays it out (args, dictionary,
// input matrix, output matrix), bounds-checking every count and length, so
// that fastText's own loader -- which trusts the counts it reads -- never
// sees a file whose counts run past its end. Returns "" when the layout
// holds, else what is wrong.
class LayoutCheck {
 public:
  LayoutCheck(const std::string& b) : b_(b) {}

  std::string Run() {
    pos_ = 8;  // magic and version, checked by the caller
    int32_t a[12];
    for (int32_t& v : a)
      if (!Read(&v)) return "truncated arguments";
    double t;
    if (!Read(&t)) return "truncated arguments";
    const int32_t dim = a[0], word_ngrams = a[5], loss = a[6], model = a[7], bucket = a[8], minn = a[9], maxn = a[10];
    if (dim < 1 || dim > 10000) return "bad dimension";
    if (loss < 1 || loss > 4 || model < 1 || model > 3) return "bad loss or model kind";
    if (word_ngrams < 1 || word_ngrams > 100 || bucket < 0 || bucket > 100000000) return "bad n-gram settings";
    if (minn < 0 || maxn < 0 || minn > 100 || maxn > 100) return "bad subword settings";
    int32_t size, nwords, nlabels;
    int64_t ntokens, prune;
    if (!Read(&size) || !Read(&nwords) || !Read(&nlabels) || !Read(&ntokens) || !Read(&prune)) return "truncated dictionary";
    if (size < 1 || size > 30000000 || nwords < 0 || nlabels < 0 || int64_t{nwords} + nlabels != size)
      return "bad dictionary size";
    int32_t seen_words = 0, seen_labels = 0;
    for (int32_t i = 0; i < size; ++i) {
      const size_t nul = b_.find('\0', pos_);
      if (nul == std::string::npos || nul - pos_ > 65536) return "bad dictionary entry";
      pos_ = nul + 1;
      int64_t count;
      int8_t type;
      if (!Read(&count) || !Read(&type) || type < 0 || type > 1) return "bad dictionary entry";
      (type == 0 ? seen_words : seen_labels) += 1;
    }
    if (seen_words != nwords || seen_labels != nlabels) return "dictionary counts disagree";
    if (prune < -1 || prune > 100000000 || !Skip(static_cast<uint64_t>(std::max<int64_t>(prune, 0)) * 8))
      return "bad pruning index";
    bool quant;
    if (!ReadBool(&quant)) return "truncated input matrix";
    int64_t rows = 0;
    if (std::string e = Matrix(quant, dim, &rows); !e.empty()) return "input matrix: " + e;
    if (prune < 0 && rows != int64_t{nwords} + bucket) return "input matrix: wrong number of rows";
    bool qout;
    if (!ReadBool(&qout)) return "truncated output matrix";
    if (std::string e = Matrix(qout, dim, &rows); !e.empty()) return "output matrix: " + e;
    if (model == 3 && rows != nlabels) return "output matrix: wrong number of rows";
    if (pos_ != b_.size()) return "trailing bytes";
    return "";
  }

 private:
  template <typename T>
  bool Read(T* v) {
    if (b_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool ReadBool(bool* v) {
    uint8_t c;
    if (!Read(&c) || c > 1) return false;
    *v = c == 1;
    return true;
  }
  bool Skip(uint64_t n) {
    if (b_.size() - pos_ < n) return false;
    pos_ += static_cast<size_t>(n);
    return true;
  }
  // A product quantizer: dim, nsubq, dsub, lastdsub, dim * 256 centroids.
  bool Pq(int64_t expect_dim) {
    int32_t d, nsubq, dsub, lastdsub;
    if (!Read(&d) || !Read(&nsubq) || !Read(&dsub) || !Read(&lastdsub)) return false;
    if (d != expect_dim || nsubq < 1 || dsub < 1 || lastdsub < 1 || nsubq > d) return false;
    return Skip(uint64_t(d) * 256 * 4);
  }
  std::string Matrix(bool quant, int32_t dim, int64_t* rows) {
    if (!quant) {
      int64_t m, n;
      if (!Read(&m) || !Read(&n)) return "truncated";
      if (m < 1 || m > 1000000000 || n != dim) return "bad shape";
      *rows = m;
      return Skip(uint64_t(m) * uint64_t(n) * 4) ? "" : "truncated";
    }
    bool qnorm;
    int64_t m, n;
    int32_t codesize;
    if (!ReadBool(&qnorm) || !Read(&m) || !Read(&n) || !Read(&codesize)) return "truncated";
    if (m < 1 || m > 1000000000 || n != dim || codesize < 0) return "bad shape";
    *rows = m;
    if (!Skip(uint64_t(codesize)) || !Pq(n)) return "bad quantizer";
    if (qnorm && (!Skip(uint64_t(m)) || !Pq(1))) return "bad norm quantizer";
    return "";
  }

  const std::string& b_;
  size_t pos_ = 0;
};

typedef float Float4 __attribute__((vector_size(16)));

inline Float4 Load4(const float* p) {
  Float4 x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

// h[k, k + 4V) = the sum over ids of rows' columns [k, k + 4V), kept in V
// registers of four floats while the rows stream past. Each column is summed
// in the order of ids, starting from zero: the same arithmetic as adding
// whole rows one after another.
template <int V>
void SumColumns(const float* wi, size_t d, const std::vector<int32_t>& ids, size_t k, float* h) {
  static_assert(V == 1 || V == 2 || V == 4);
  Float4 a0 = {}, a1 = {}, a2 = {}, a3 = {};  // named, so they stay in registers
  for (int32_t id : ids) {
    const float* row = wi + static_cast<size_t>(id) * d + k;
    a0 += Load4(row);
    if constexpr (V >= 2) a1 += Load4(row + 4);
    if constexpr (V == 4) {
      a2 += Load4(row + 8);
      a3 += Load4(row + 12);
    }
  }
  std::memcpy(h + k, &a0, sizeof a0);
  if constexpr (V >= 2) std::memcpy(h + k + 4, &a1, sizeof a1);
  if constexpr (V == 4) {
    std::memcpy(h + k + 8, &a2, sizeof a2);
    std::memcpy(h + k + 12, &a3, sizeof a3);
  }
}

// h[0, d) = the sum of the rows `ids` of the row-major matrix wi (d columns).
void SumRows(const float* wi, size_t d, const std::vector<int32_t>& ids, float* h) {
  size_t k = 0;
  for (; k + 16 <= d; k += 16) SumColumns<4>(wi, d, ids, k, h);
  if (k + 8 <= d) {
    SumColumns<2>(wi, d, ids, k, h);
    k += 8;
  }
  if (k + 4 <= d) {
    SumColumns<1>(wi, d, ids, k, h);
    k += 4;
  }
  for (; k < d; ++k) {
    float a = 0;
    for (int32_t id : ids) a += wi[static_cast<size_t>(id) * d + k];
    h[k] = a;
  }
}

}  // namespace

// fastText's word hash (32-bit FNV-1a over the bytes, each taken as a
// signed char): word n-gram ids are built from it, so it must agree.
// WordHashStep adds one byte.
constexpr uint32_t kWordHashSeed = 2166136261u;
inline uint32_t WordHashStep(uint32_t h, char c) {
  return (h ^ static_cast<uint32_t>(static_cast<int32_t>(static_cast<signed char>(c)))) * 16777619u;
}
uint32_t WordHash(std::string_view w) {
  uint32_t h = kWordHashSeed;
  for (char c : w) h = WordHashStep(h, c);
  return h;
}

// The look-up table's hash for models without word n-grams, whose ids need
// no fastText hash: eight bytes a step instead of one. Bytes [p + n, limit)
// may be read (never used) to load the last bytes in one go.
inline uint64_t Mix(uint64_t h, uint64_t x) {
  h = (h ^ x) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}
uint32_t FastWordHash(const char* p, size_t n, const char* limit) {
  static_assert(std::endian::native == std::endian::little, "the two tail loads below agree on little-endian only");
  uint64_t h = n;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    h = Mix(h, x);
  }
  if (n > 0) {
    uint64_t x = 0;
    if (limit - p >= 8) {
      std::memcpy(&x, p, 8);
      x &= ~uint64_t{0} >> (64 - 8 * n);
    } else {
      for (size_t i = 0; i < n; ++i) x |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    }
    h = Mix(h, x);
  }
  return static_cast<uint32_t>(h ^ (h >> 32));
}

// The first min(n, 8) bytes at p as a little-endian number, zero-padded
// (a word's key in the look-up table, with its size). Bytes [p + n, limit)
// may be read (never used), as in FastWordHash.
inline uint64_t WordHead(const char* p, size_t n, const char* limit) {
  uint64_t x = 0;
  if (n >= 8 || limit - p >= 8) {
    std::memcpy(&x, p, 8);
    return n >= 8 ? x : x & (~uint64_t{0} >> (64 - 8 * n));  // n >= 1 here: words are not empty
  }
  for (size_t i = 0; i < n; ++i) x |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return x;
}

// FastWordHash of a word of n <= 8 bytes from its head (the same value).
inline uint32_t ShortWordHash(uint64_t head, size_t n) {
  const uint64_t h = Mix(n, head);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

// Bit i set when p[i] is ' ' (i < n <= 64), and for every i >= n.
inline uint64_t SpaceMask64(const char* p, size_t n) {
  char pad[64];
  if (n < 64) {  // the text's last bytes: spaces after them
    std::memset(pad, ' ', sizeof pad);
    std::memcpy(pad, p, n);
    p = pad;
  }
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    m |= uint64_t{static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, space)))} << (16 * k);
  }
  return m;
#else
  uint64_t m = 0;
  for (int i = 0; i < 64; ++i) m |= uint64_t{p[i] == ' '} << i;
  return m;
#endif
}

// Calls emit(begin, size) for each run of non-space bytes of [p, p + n), in
// order: 64 bytes a step, word starts and ends found as bit transitions of
// the space mask (no branch per byte).
template <typename F>
inline void ForEachWord(const char* p, size_t n, F&& emit) {
  uint64_t before = 1;  // bit 0: "the byte before is a space" (the text's start counts as one)
  size_t begin = 0;
  for (size_t block = 0; block < n; block += 64) {
    const uint64_t space = SpaceMask64(p + block, std::min<size_t>(64, n - block));
    const uint64_t prev = (space << 1) | before;  // bit i: byte i - 1 is a space
    uint64_t starts = ~space & prev;
    uint64_t ends = space & ~prev;
    before = space >> 63;
    // Starts and ends alternate: take the next of either.
    while ((starts | ends) != 0) {
      const int i = __builtin_ctzll(starts | ends);
      if ((starts >> i) & 1) {
        begin = block + static_cast<size_t>(i);
        starts &= starts - 1;
      } else {
        emit(p + begin, block + static_cast<size_t>(i) - begin);
        ends &= ends - 1;
      }
    }
  }
  if (n > 0 && before == 0) emit(p + begin, n - begin);  // a word up to the text's last byte (a full block)
}

// x % d without a division instruction (which costs tens of cycles): with
// m = ceil(2^128 / d), x % d is the high 64 bits of (m * x mod 2^128) * d,
// exact for every 64-bit x and d >= 1 (Lemire, Kaser and Kurz, "Faster
// remainder by direct computation", 2019).
class FastModulo {
 public:
  explicit FastModulo(uint64_t d = 1) : m_(~static_cast<unsigned __int128>(0) / d + 1), d_(d) {}
  uint64_t operator()(uint64_t x) const {
    const unsigned __int128 low = m_ * x;
    const unsigned __int128 a = static_cast<unsigned __int128>(static_cast<uint64_t>(low)) * d_;
    const unsigned __int128 b = static_cast<unsigned __int128>(static_cast<uint64_t>(low >> 64)) * d_;
    return static_cast<uint64_t>((b + (a >> 64)) >> 64);
  }

 private:
  unsigned __int128 m_;
  uint64_t d_;
};

struct FastTextBackend::Impl {
  Model ft;
  // The vocabulary in a compact open-addressing table (fastText's own spans
  // 30 M slots, so each look-up there is a cache miss): a 16-byte slot holds
  // the word's first eight bytes (zero-padded), its size and id, so a
  // look-up of a word of up to eight bytes touches its slot only; longer
  // words compare the rest with their bytes in the arena. Indexed by the
  // word's hash (below); built once at load.
  struct Slot {
    uint64_t head = 0;
    int32_t id = -1;
    uint32_t size = 0;
  };
  std::vector<Slot> table;
  uint64_t mask = 0;
  std::string arena;                  // every word's bytes
  std::vector<uint32_t> word_offset;  // word id -> its place in the arena
  uint64_t eos_head = 0;              // the end-of-line token's head and table hash
  uint32_t eos_hash = 0;
  // The id of word w (head = its first eight bytes, zero-padded), searching
  // from slot h, or -1.
  int32_t Find(uint32_t h, uint64_t head, std::string_view w) const {
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = table[i];
      if (s.id < 0) return -1;
      if (s.head == head && s.size == w.size() &&
          (w.size() <= 8 || std::memcmp(arena.data() + word_offset[static_cast<size_t>(s.id)] + 8, w.data() + 8, w.size() - 8) == 0))
        return s.id;
    }
  }
  // Word n-gram ids are built from fastText's hash of each word, so models
  // with them key the table by it; others by FastWordHash.
  bool fasttext_hash = true;
  uint32_t TableHash(std::string_view w) const {
    return fasttext_hash ? WordHash(w) : FastWordHash(w.data(), w.size(), w.data() + w.size());
  }
  int32_t nwords = 0;
  int32_t nlabels = 0;
  int word_ngrams = 1;
  uint64_t bucket = 0;
  FastModulo bucket_mod;  // x % bucket
  int maxn = 0;
  bool pruned = false;  // quantized with a cutoff: word n-grams need fastText's own reader
  // Dense matrices and softmax: the scores are computed here directly (mean
  // of the input rows, output product, softmax) -- the same arithmetic as
  // fastText's Model::predict without a virtual call per row.
  const float* wi = nullptr;
  const float* wo = nullptr;
  int64_t dim = 0;
};

struct FastTextBackend::Scratch {
  Scratch(int dim, int nlabels) : state(dim, nlabels, 0) {}
  fasttext::Model::State state;
  fasttext::Predictions heap;
  std::vector<int32_t> ids;
  std::vector<int32_t> hashes;
  std::vector<std::string_view> words;  // into the text being predicted
  std::vector<uint64_t> heads;
  std::string token;
  std::vector<float> hidden;
};

FastTextBackend::FastTextBackend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FastTextBackend::~FastTextBackend() = default;

Result<std::unique_ptr<FastTextBackend>> FastTextBackend::FromBytes(const std::string& bytes, const std::string& what) {
  if (bytes.size() < 8) return Status::Corrupt(what + ": not a fastText model (file too short)");
  int32_t magic = 0, version = 0;
  std::memcpy(&magic, bytes.data(), 4);
  std::memcpy(&version, bytes.data() + 4, 4);
  if (magic != kMagic) return Status::Corrupt(what + ": not a fastText model (bad magic number)");
  if (version < 11 || version > kMaxVersion)
    return Status::Corrupt(what + ": unsupported fastText format version " + std::to_string(version));
  if (std::string e = LayoutCheck(bytes).Run(); !e.empty()) return Status::Corrupt(what + ": not a valid fastText model: " + e);
  auto impl = std::make_unique<Impl>();
  try {
    ViewBuf buf(bytes.data() + 8, bytes.size() - 8);
    std::istream in(&buf);
    impl->ft.LoadAfterHeader(in, version);
    if (!in) return Status::Corrupt(what + ": truncated fastText model");
  } catch (const std::exception& e) {
    return Status::Corrupt(what + ": cannot load fastText model: " + e.what());
  } catch (...) {
    return Status::Corrupt(what + ": cannot load fastText model");
  }
  const fasttext::Args& args = impl->ft.args();
  if (args.model != fasttext::model_name::sup)
    return Status::Invalid(what + ": a word-vector model, not a supervised classifier");
  if (args.loss != fasttext::loss_name::softmax && args.loss != fasttext::loss_name::ova)
    return Status::Invalid(what + ": loss \"" + args.lossToString(args.loss) +
                           "\" is not supported (train with softmax or one-vs-all)");
  fasttext::Dictionary& dict = impl->ft.dict();
  impl->nwords = dict.nwords();
  impl->nlabels = dict.nlabels();
  impl->word_ngrams = args.wordNgrams;
  impl->fasttext_hash = args.wordNgrams > 1;
  impl->bucket = static_cast<uint64_t>(args.bucket);
  if (impl->bucket > 0) impl->bucket_mod = FastModulo(impl->bucket);
  impl->maxn = args.maxn;
  impl->pruned = dict.isPruned();
  {
    uint64_t size = 16;
    while (size < uint64_t(impl->nwords) * 2) size *= 2;
    impl->table.assign(size, Impl::Slot{});
    impl->mask = size - 1;
    impl->word_offset.resize(static_cast<size_t>(impl->nwords));
    for (int32_t i = 0; i < impl->nwords; ++i) {
      const std::string w = dict.getWord(i);
      if (impl->arena.size() + w.size() > UINT32_MAX) return Status::Invalid(what + ": vocabulary too large");
      impl->word_offset[static_cast<size_t>(i)] = static_cast<uint32_t>(impl->arena.size());
      impl->arena += w;
      const Impl::Slot slot{WordHead(w.data(), w.size(), w.data() + w.size()), i, static_cast<uint32_t>(w.size())};
      uint64_t k = impl->TableHash(w) & impl->mask;
      while (impl->table[k].id >= 0) k = (k + 1) & impl->mask;
      impl->table[k] = slot;
    }
  }
  {
    const std::string_view eos = fasttext::Dictionary::EOS;
    impl->eos_head = WordHead(eos.data(), eos.size(), eos.data() + eos.size());
    impl->eos_hash = impl->TableHash(eos);
  }
  if (!impl->ft.isQuant() && args.loss == fasttext::loss_name::softmax) {
    const fasttext::DenseMatrix* in = impl->ft.dense_input();
    const fasttext::DenseMatrix* out = impl->ft.dense_output();
    if (in != nullptr && out != nullptr && out->size(0) == impl->nlabels) {
      impl->wi = in->data();
      impl->wo = out->data();
      impl->dim = in->size(1);
    }
  }
  if (impl->nlabels < 2) return Status::Invalid(what + ": the model has fewer than two labels");
  std::vector<std::string> labels;
  for (int32_t i = 0; i < impl->nlabels; ++i) {
    std::string l = dict.getLabel(i);
    if (l.starts_with(kLabelPrefix)) l.erase(0, kLabelPrefix.size());
    labels.push_back(std::move(l));
  }
  std::unique_ptr<FastTextBackend> backend(new FastTextBackend(std::move(impl)));
  backend->labels_ = std::move(labels);
  return backend;
}

int FastTextBackend::dim() const { return impl_->ft.getDimension(); }
bool FastTextBackend::quantized() const { return impl_->ft.isQuant(); }

void FastTextBackend::ScratchDeleter::operator()(Scratch* s) const { delete s; }

FastTextBackend::ScratchPtr FastTextBackend::NewScratch() const {
  ScratchPtr s(new Scratch(dim(), impl_->nlabels));
  s->heap.reserve(static_cast<size_t>(impl_->nlabels) + 1);
  s->ids.reserve(1024);
  s->hashes.reserve(512);
  s->words.reserve(512);
  s->heads.reserve(512);
  s->token.reserve(64);
  s->hidden.assign(static_cast<size_t>(dim()), 0.0f);
  return s;
}

void FastTextBackend::Predict(std::string_view text, Scratch* s, float* probs) const {
  const Impl& m = *impl_;
  const size_t n_labels = static_cast<size_t>(m.nlabels);
  if (m.pruned) {  // rare: fall back to fastText's reader (allocates)
    std::vector<float> p = PredictReference(text);
    for (size_t i = 0; i < n_labels; ++i) probs[i] = p[i];
    return;
  }
  const fasttext::Dictionary& dict = m.ft.dict();
  s->ids.clear();
  s->hashes.clear();
  // What fastText's Dictionary::getLine does for each token -- its word id
  // (or subwords) and its hash for the word n-grams. Models of whole words
  // without n-grams: one pass (below). Others: two passes (then the
  // n-grams), so that the cache misses of many words' look-ups overlap:
  // 1. split, hash, and request each word's table slot;
  s->words.clear();
  s->heads.clear();
  const char* p = text.data();
  const char* const end = p + text.size();
  const size_t d = static_cast<size_t>(m.dim);
  auto push = [&](std::string_view w, uint64_t head, uint32_t h) __attribute__((always_inline)) {
    if (w.starts_with(kLabelPrefix)) return;  // never a word: skipped, as getLine does
    s->words.push_back(w);
    s->heads.push_back(head);
    s->hashes.push_back(static_cast<int32_t>(h));
    __builtin_prefetch(&m.table[h & m.mask]);
  };
  if (m.fasttext_hash) {
    for (;;) {
      while (p != end && *p == ' ') ++p;
      if (p == end) break;
      const char* const begin = p;
      uint32_t h = kWordHashSeed;  // WordHash, computed while the word is found
      for (; p != end && *p != ' '; ++p) h = WordHashStep(h, *p);
      const size_t n = static_cast<size_t>(p - begin);
      push(std::string_view(begin, n), WordHead(begin, n, end), h);
    }
  } else if (m.maxn <= 0) {
    // Whole words only, no n-grams (the usual spam model): one pass, each
    // word's id looked up as soon as it is found (out-of-order execution
    // overlaps the look-ups of neighbouring words), its row requested.
    auto look_up = [&](std::string_view w, uint64_t head, uint32_t h) __attribute__((always_inline)) {
      if (w.starts_with(kLabelPrefix)) return;  // never a word: skipped, as getLine does
      const int32_t wid = m.Find(h, head, w);
      if (wid < 0) return;
      s->ids.push_back(wid);
      if (m.wi != nullptr) {
        const float* row = m.wi + static_cast<size_t>(wid) * d;
        __builtin_prefetch(row);
        __builtin_prefetch(row + d - 1);
      }
    };
    ForEachWord(p, text.size(), [&](const char* w, size_t n) __attribute__((always_inline)) {
      const uint64_t head = WordHead(w, n, end);
      look_up(std::string_view(w, n), head, n <= 8 ? ShortWordHash(head, n) : FastWordHash(w, n, end));
    });
    const std::string_view eos = fasttext::Dictionary::EOS;  // the line's end, as in training
    look_up(eos, m.eos_head, m.eos_hash);
  } else {
    ForEachWord(p, text.size(), [&](const char* w, size_t n) __attribute__((always_inline)) {
      const uint64_t head = WordHead(w, n, end);
      push(std::string_view(w, n), head, n <= 8 ? ShortWordHash(head, n) : FastWordHash(w, n, end));
    });
  }
  if (m.fasttext_hash || m.maxn > 0) {
    push(fasttext::Dictionary::EOS, m.eos_head, m.eos_hash);  // the line's end, as in training
    // 2. find each word's id in the text's order (a word of up to eight bytes
    //    is settled by its slot), and request its input row. Labels are not
    //    in the table (ids >= nwords), so a word id found is a word.
    const size_t nw = s->words.size();
    for (size_t a = 0; a < nw; ++a) {
      const std::string_view w = s->words[a];
      const int32_t wid = m.Find(static_cast<uint32_t>(s->hashes[a]), s->heads[a], w);
      if (wid >= 0) {
        if (m.maxn <= 0) {
          s->ids.push_back(wid);
          if (m.wi != nullptr) {
            const float* row = m.wi + static_cast<size_t>(wid) * d;
            __builtin_prefetch(row);
            __builtin_prefetch(row + d - 1);
          }
        } else {
          const std::vector<int32_t>& sub = dict.getSubwords(wid);
          s->ids.insert(s->ids.end(), sub.begin(), sub.end());
        }
      } else if (m.maxn > 0 && w != fasttext::Dictionary::EOS) {
        s->token.assign(w.data(), w.size());
        dict.computeSubwords(fasttext::Dictionary::BOW + s->token + fasttext::Dictionary::EOW, s->ids);
      }
    }
  }
  if (m.bucket > 0) {
    const size_t nh = s->hashes.size();
    for (size_t a = 0; a < nh; ++a) {
      uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(s->hashes[a]));
      for (size_t b = a + 1; b < nh && b < a + static_cast<size_t>(m.word_ngrams); ++b) {
        h = h * 116049371 + static_cast<uint64_t>(static_cast<int64_t>(s->hashes[b]));
        s->ids.push_back(m.nwords + static_cast<int32_t>(m.bucket_mod(h)));
      }
    }
  }
  if (s->ids.empty()) {
    for (size_t k = 0; k < n_labels; ++k) probs[k] = 1.0f / static_cast<float>(n_labels);
    return;
  }
  if (m.wi != nullptr) {
    float* h = s->hidden.data();
    SumRows(m.wi, d, s->ids, h);
    const float inv = 1.0f / static_cast<float>(s->ids.size());
    for (size_t k = 0; k < d; ++k) h[k] *= inv;
    float max = -1e30f;
    for (size_t l = 0; l < n_labels; ++l) {
      const float* row = m.wo + l * d;
      float dot = 0;
      for (size_t k = 0; k < d; ++k) dot += row[k] * h[k];
      probs[l] = dot;
      max = std::max(max, dot);
    }
    float z = 0;
    for (size_t l = 0; l < n_labels; ++l) z += (probs[l] = std::exp(probs[l] - max));
    for (size_t l = 0; l < n_labels; ++l) probs[l] /= z;
    return;
  }
  // With softmax and one-vs-all losses the state's output holds every
  // label's probability once predict has run (k = 1 keeps its heap small).
  m.ft.model().predict(s->ids, 1, 0.0f, s->heap, s->state);
  for (size_t k = 0; k < n_labels; ++k) probs[k] = s->state.output[static_cast<int64_t>(k)];
}

std::vector<float> FastTextBackend::PredictReference(std::string_view text) const {
  std::vector<float> probs(labels_.size(), 0.0f);
  std::istringstream in(std::string(text) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> preds;
  try {
    impl_->ft.predictLine(in, preds, -1, 0.0f);
  } catch (...) {
    return probs;
  }
  for (const auto& [p, label] : preds) {
    std::string_view l(label);
    if (l.starts_with(kLabelPrefix)) l.remove_prefix(kLabelPrefix.size());
    for (size_t k = 0; k < labels_.size(); ++k)
      if (labels_[k] == l) probs[k] = p;
  }
  return probs;
}

Status TrainFastText(const FastTextParams& p, const std::string& train_file, const std::string& validation_file,
                     const std::string& out_path) {
  QuietConsole quiet;
  try {
    fasttext::Args a;
    a.input = train_file;
    a.model = fasttext::model_name::sup;
    a.loss = p.one_vs_all ? fasttext::loss_name::ova : fasttext::loss_name::softmax;
    a.setManual("loss");  // autotune must keep a loss whose outputs are probabilities
    a.dim = p.dim;
    a.epoch = p.epoch;
    a.lr = p.lr;
    a.wordNgrams = p.word_ngrams;
    a.bucket = p.bucket;
    a.minCount = p.min_count;
    a.minCountLabel = 0;
    a.minn = p.minn;
    a.maxn = p.maxn;
    a.thread = p.threads;
    a.seed = p.seed;
    a.verbose = 0;
    if (a.wordNgrams <= 1 && a.maxn == 0 && p.autotune_seconds == 0) a.bucket = 0;
    auto ft = std::make_shared<fasttext::FastText>();
    if (p.autotune_seconds > 0) {
      a.autotuneValidationFile = validation_file;
      a.autotuneDuration = p.autotune_seconds;
      a.autotuneMetric = "f1";
      fasttext::Autotune tuner(ft);
      tuner.train(a);
    } else {
      ft->train(a);
    }
    if (p.quantize) {
      fasttext::Args q = ft->getArgs();
      q.input = train_file;
      q.qout = false;
      q.retrain = false;
      q.qnorm = false;
      q.cutoff = 0;  // no pruning: the featuriser computes n-gram ids directly
      q.dsub = static_cast<size_t>(p.dsub);
      q.verbose = 0;
      ft->quantize(q);
    }
    ft->saveModel(out_path);
  } catch (const std::exception& e) {
    return Status::Invalid(std::string("fastText training failed: ") + e.what());
  } catch (...) {
    return Status::Internal("fastText training failed");
  }
  return Status::Ok();
}

}  // namespace evenhand::classify::internal
