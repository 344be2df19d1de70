// Native baseline for `npm run bench -- calibrun`: psana's generation-3 dark algorithm
// (docs: /work/shared/reference/dark-processing.md §2, as summarised in docs/dark-processing.md),
// single-threaded C++17, for one full CSPAD in LCLS-I XTC files. Written for calibman's benchmark from
// the algorithm description; it reads the files, decodes the CSPAD frames, runs stage 1 (per-pixel
// quantiles with std::nth_element on the first nrecs1 frames), stage 2 (gated sums) and the summary
// (limits, status bits), and writes no text files. Optional: dump the pedestals (float64) and status
// (uint64) for the bench's agreement check.
//
// usage: dark_gen3 <events> [--dump <prefix>] <file.xtc>...
// prints one line: frames=<n> pedestal_mean=<x> bad_pixels=<n> seconds=<s>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr int kRows = 185, kCols = 388, kSections = 32;
constexpr size_t kSectionPixels = size_t(kRows) * kCols;
constexpr size_t kPixels = kSections * kSectionPixels;
constexpr size_t kSectionBytes = kSectionPixels * 2;
constexpr uint32_t kIdXtc = 1, kIdCspadElement = 28, kIdCspadConfig = 29;
constexpr int kL1Accept = 12;

// calibrun's generation-3 parameters
constexpr int kNrecs1 = 50;
constexpr uint16_t kDatBits = 0x3fff;
constexpr double kFracLo = 0.05, kFracHi = 0.95, kFracLm = 0.1;
constexpr double kIntLo = 0.1, kIntHi = 16000, kRmsLo = 0.1, kRmsHi = 10000, kNsigma = 5;

uint32_t u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

struct CspadConfig {
  bool seen = false;
  uint32_t quadMask = 0xf, roiMask = 0xffffffff;
  bool legacy4 = false;
};

// Offsets of quadMask / roiMask / AsicMask per CspadConfig version (xtc-format §9.1).
void decodeConfig(const uint8_t* p, uint32_t size, int version, CspadConfig& c) {
  static const int qm[] = {0, 40, 40, 76, 76, 80}, am[] = {0, 36, 36, 72, 72, 76}, rm[] = {0, 0, 44, 80, 80, 84};
  if (version < 1 || version > 5 || size < 88) return;
  c.seen = true;
  c.quadMask = u32(p + qm[version]) & 0xf;
  c.legacy4 = (u32(p + am[version]) & 0xf) == 1;
  c.roiMask = version == 1 ? (c.legacy4 ? 0x03030303u : 0xffffffffu) : u32(p + rm[version]);
}

struct Decoder {
  CspadConfig cfg;
  // Copy the sections of a CspadElement payload into `frame` (zeros where not stored). Returns false
  // when the payload is not complete.
  bool decode(const uint8_t* p, uint32_t size, int version, int16_t* frame) const {
    uint32_t written = 0, pos = 0;
    int nq = __builtin_popcount(cfg.quadMask);
    for (int e = 0; e < nq; e++) {
      if (pos + 32 > size) return false;
      int q = (u32(p + pos + 4) >> 24) & 3;
      uint32_t mask = version == 1 ? (cfg.legacy4 ? 0x03 : 0xff) : (cfg.roiMask >> (8 * q)) & 0xff;
      uint32_t nsect = __builtin_popcount(mask);
      uint32_t esize = 32 + nsect * kSectionBytes + 4;
      if (pos + esize > size) return false;
      const uint8_t* src = p + pos + 32;
      for (int s = 0; s < 8; s++) {
        if (!(mask & (1u << s))) continue;
        std::memcpy(frame + (8 * q + s) * kSectionPixels, src, kSectionBytes);
        written |= 1u << (8 * q + s);
        src += kSectionBytes;
      }
      pos += esize;
    }
    for (int s = 0; s < kSections; s++)
      if (!(written & (1u << s))) std::memset(frame + s * kSectionPixels, 0, kSectionBytes);
    return true;
  }
};

// Find the CSPAD leaf of a datagram payload: returns its payload (or nullptr).
const uint8_t* findLeaf(const uint8_t* p, uint32_t remaining, uint32_t id, uint32_t& size, int& version, uint32_t& damage) {
  while (remaining >= 20) {
    uint32_t dmg = u32(p), contains = u32(p + 12), extent = u32(p + 16);
    if (extent < 20 || extent > remaining) return nullptr;
    uint32_t tid = contains & 0xffff;
    if (tid == kIdXtc && !(dmg & 0x8000)) {
      const uint8_t* r = findLeaf(p + 20, extent - 20, id, size, version, damage);
      if (r) return r;
    } else if (tid == id) {
      size = extent - 20;
      version = (contains >> 16) & 0x7fff;
      damage = dmg;
      return p + 20;
    }
    p += extent;
    remaining -= extent;
  }
  return nullptr;
}

struct Gen3 {
  std::vector<uint16_t> block = std::vector<uint16_t>(size_t(kNrecs1) * kPixels);
  std::vector<double> gateLo = std::vector<double>(kPixels), gateHi = std::vector<double>(kPixels);
  std::vector<double> s1 = std::vector<double>(kPixels), s2 = std::vector<double>(kPixels);
  std::vector<uint32_t> n = std::vector<uint32_t>(kPixels), cntLo = std::vector<uint32_t>(kPixels), cntHi = std::vector<uint32_t>(kPixels);
  std::vector<uint16_t> vmax = std::vector<uint16_t>(kPixels, 0), vmin = std::vector<uint16_t>(kPixels, 0xffff);
  long irec = -1;

  void stage1(int m) {
    std::vector<uint16_t> col(m);
    const int kl = int(std::floor((m - 1) * kFracLo)), kh = int(std::ceil((m - 1) * kFracHi));
    for (size_t i = 0; i < kPixels; i++) {
      for (int f = 0; f < m; f++) col[f] = block[f * kPixels + i] & kDatBits;
      std::nth_element(col.begin(), col.begin() + kl, col.end());
      double qlo = col[kl];
      std::nth_element(col.begin(), col.begin() + kh, col.end());
      double qhi = col[kh];
      // max(floor(qlo), int_lo) and min(ceil(qhi), int_hi) cast to int16, then float re-clamp
      int16_t glo = int16_t(std::max(std::floor(qlo), kIntLo));
      int16_t ghi = int16_t(std::min(std::ceil(qhi), kIntHi));
      if (ghi <= glo) ghi += 1;
      gateHi[i] = (std::min(kIntHi, double(ghi)));
      gateLo[i] = (std::max(kIntLo, double(glo)));
    }
  }

  void stage2(const uint16_t* raw) {
    for (size_t i = 0; i < kPixels; i++) {
      uint16_t r = raw[i] & kDatBits;
      double v = r;
      if (v >= gateLo[i] && v <= gateHi[i]) {
        n[i]++;
        s1[i] += v;
        s2[i] += v * v;
      }
      cntLo[i] += v < kIntLo;
      cntHi[i] += v > kIntHi;
      vmax[i] = std::max(vmax[i], r);
      vmin[i] = std::min(vmin[i], r);
    }
  }

  void event(const int16_t* frame) {
    irec++;
    if (irec < kNrecs1) {
      std::memcpy(&block[irec * kPixels], frame, kPixels * 2);
      return;
    }
    if (irec == kNrecs1) {
      stage1(kNrecs1);
      for (int f = 0; f < kNrecs1; f++) stage2(&block[f * kPixels]);
    }
    stage2(reinterpret_cast<const uint16_t*>(frame));
  }

  static void limits(const std::vector<double>& a, double limLo, double limHi, double& lo, double& hi) {
    double sum = 0, sum2 = 0;
    for (double x : a) sum += x;
    double mean = sum / a.size();
    for (double x : a) sum2 += (x - mean) * (x - mean);
    double sd = std::sqrt(sum2 / a.size());
    lo = std::max(mean - kNsigma * sd, limLo);
    hi = std::min(mean + kNsigma * sd, limHi);
  }

  // Summary; false when fewer than 3 frames.
  bool finish(std::vector<double>& ave, std::vector<double>& rms, std::vector<uint64_t>& status) {
    if (irec <= 1) return false;
    if (irec < kNrecs1) {  // stage 1 on the frames seen, then the whole block replayed (zero rows included)
      stage1(int(irec + 1));
      std::fill(block.begin() + (irec + 1) * kPixels, block.end(), 0);
      for (int f = 0; f < kNrecs1; f++) stage2(&block[f * kPixels]);
    }
    const long counter = irec;
    const long nevlm = long(kFracLm * counter);
    ave.assign(kPixels, 0);
    rms.assign(kPixels, 0);
    status.assign(kPixels, 0);
    for (size_t i = 0; i < kPixels; i++) {
      if (!n[i]) continue;
      double a = s1[i] / n[i], a2 = s2[i] / n[i];
      ave[i] = a;
      rms[i] = std::sqrt(a2 - a * a);
    }
    double rmsMin, rmsMax, aveMin, aveMax;
    limits(rms, kRmsLo, kRmsHi, rmsMin, rmsMax);
    limits(ave, kIntLo, kIntHi, aveMin, aveMax);
    for (size_t i = 0; i < kPixels; i++) {
      uint64_t s = 0;
      if (rms[i] > rmsMax) s |= 1;
      if (rms[i] < rmsMin) s |= 2;
      if (long(cntHi[i]) > nevlm) s |= 4;
      if (long(cntLo[i]) > nevlm) s |= 8;
      if (ave[i] > aveMax) s |= 16;
      if (ave[i] < aveMin) s |= 32;
      status[i] = s;
    }
    return true;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <events> [--dump <prefix>] <file.xtc>...\n", argv[0]);
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  const long maxEvents = std::atol(argv[1]);
  std::string dump;
  int argi = 2;
  if (argi + 1 < argc && std::string(argv[argi]) == "--dump") {
    dump = argv[argi + 1];
    argi += 2;
  }
  Decoder dec;
  auto gen3 = std::make_unique<Gen3>();
  std::vector<int16_t> frame(kPixels);
  std::vector<uint8_t> buf(1 << 20);
  long events = 0;
  for (; argi < argc && events < maxEvents; argi++) {
    FILE* f = std::fopen(argv[argi], "rb");
    if (!f) {
      std::perror(argv[argi]);
      return 1;
    }
    uint8_t head[40];
    while (events < maxEvents && std::fread(head, 1, 40, f) == 40) {
      uint32_t extent = u32(head + 36);
      if (extent < 20) break;
      uint32_t body = extent - 20;
      if (buf.size() < body) buf.resize(body);
      if (std::fread(buf.data(), 1, body, f) != body) break;
      int service = (u32(head + 8) >> 24) & 0xf;
      uint32_t size = 0, damage = 0;
      int version = 0;
      if (!dec.cfg.seen) {
        const uint8_t* c = findLeaf(buf.data(), body, kIdCspadConfig, size, version, damage);
        if (c) decodeConfig(c, size, version, dec.cfg);
      }
      if (service != kL1Accept) continue;
      const uint8_t* p = findLeaf(buf.data(), body, kIdCspadElement, size, version, damage);
      if (!p || damage || !dec.decode(p, size, version, frame.data())) continue;
      gen3->event(frame.data());
      events++;
    }
    std::fclose(f);
  }
  std::vector<double> ave, rms;
  std::vector<uint64_t> status;
  if (!gen3->finish(ave, rms, status)) {
    std::fprintf(stderr, "fewer than 3 CSPAD frames (%ld)\n", events);
    return 1;
  }
  double mean = 0;
  long bad = 0;
  for (size_t i = 0; i < kPixels; i++) {
    mean += ave[i];
    bad += status[i] != 0;
  }
  if (!dump.empty()) {
    FILE* o = std::fopen((dump + ".pedestals.f64").c_str(), "wb");
    FILE* s = std::fopen((dump + ".status.u64").c_str(), "wb");
    if (!o || !s) return 1;
    std::fwrite(ave.data(), 8, kPixels, o);
    std::fwrite(status.data(), 8, kPixels, s);
    std::fclose(o);
    std::fclose(s);
  }
  double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("frames=%ld pedestal_mean=%.6f bad_pixels=%ld seconds=%.3f\n", events, mean / kPixels, bad, sec);
  return 0;
}
