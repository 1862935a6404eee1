//===- Loader.cpp - checking model files and descriptions -----------------===//
//
// Everything here runs before the runtime trusts a model: the file is checked
// to be a complete ELF shared library for this host before dlopen maps it,
// and the description is validated field by field before anything in it is
// used.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <cerrno>
#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace qrt;

namespace {

std::string str(uint64_t v) { return std::to_string(v); }

class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : fd(fd) {}
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
  int get() const { return fd; }

private:
  int fd;
};

/// Reads exactly `size` bytes at `offset`; false on error or short read.
bool readAt(int fd, void *buf, size_t size, uint64_t offset) {
  auto *p = static_cast<char *>(buf);
  while (size > 0) {
    ssize_t got = ::pread(fd, p, size, off_t(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    p += got;
    size -= size_t(got);
    offset += uint64_t(got);
  }
  return true;
}

const char *machineName(unsigned machine) {
  switch (machine) {
  case EM_X86_64:
    return "x86_64";
  case EM_386:
    return "i386";
  case EM_AARCH64:
    return "aarch64";
  case EM_ARM:
    return "arm";
  case EM_RISCV:
    return "riscv";
  case EM_PPC64:
    return "ppc64";
  case EM_S390:
    return "s390";
  default:
    return "an unknown machine";
  }
}

#if defined(__x86_64__)
constexpr unsigned kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kHostMachine = EM_AARCH64;
#elif defined(__i386__)
constexpr unsigned kHostMachine = EM_386;
#elif defined(__riscv)
constexpr unsigned kHostMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr unsigned kHostMachine = EM_PPC64;
#else
#define QRT_UNKNOWN_HOST_MACHINE 1
constexpr unsigned kHostMachine = EM_NONE;
#endif

#if __SIZEOF_POINTER__ == 8
constexpr unsigned char kHostClass = ELFCLASS64;
#else
constexpr unsigned char kHostClass = ELFCLASS32;
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif

/// "ends at byte X, past the end of the file (N bytes)" checks, overflow-safe.
bool fitsIn(uint64_t offset, uint64_t size, uint64_t fileSize) {
  return offset <= fileSize && size <= fileSize - offset;
}

std::string pastEnd(const std::string &what, uint64_t offset, uint64_t size,
                    uint64_t fileSize) {
  return "truncated or corrupted file: " + what + " spans bytes " +
         str(offset) + ".." +
         (size > UINT64_MAX - offset ? "overflow" : str(offset + size)) +
         ", but the file has only " + str(fileSize);
}

/// Validates one input or output description.
qrt_status validateTensor(const char *kind, int32_t index,
                          const qrt_tensor_desc &t, const LibraryImage *image,
                          std::string &problem) {
  std::string what = std::string(kind) + " " + std::to_string(index);
  if (!t.name) {
    problem = what + " has no name (name is NULL)";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (image && !image->containsString(t.name)) {
    problem = what + ": name points outside the model library";
    return QRT_ERROR_INVALID_MODEL;
  }
  what += " '" + std::string(t.name) + "'";
  if (qrt_dtype_size(t.dtype) == 0) {
    problem = what + " has unknown dtype " + std::to_string(t.dtype);
    return QRT_ERROR_INVALID_MODEL;
  }
  if (t.rank < 0 || t.rank > QRT_MAX_RANK) {
    problem = what + " has rank " + std::to_string(t.rank) + ", expected 0.." +
              std::to_string(QRT_MAX_RANK);
    return QRT_ERROR_INVALID_MODEL;
  }
  if (t.rank > 0 && !t.shape) {
    problem = what + " has rank " + std::to_string(t.rank) +
              " but no dimensions (shape is NULL)";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (t.rank > 0 && image &&
      !image->contains(t.shape, uint64_t(t.rank) * sizeof(int64_t))) {
    problem = what + ": shape points outside the model library";
    return QRT_ERROR_INVALID_MODEL;
  }
  for (int32_t d = 0; d < t.rank; ++d) {
    if (t.shape[d] < 0) {
      problem = what + " has dimension " + std::to_string(d) + " = " +
                std::to_string(t.shape[d]) + ", expected >= 0";
      return QRT_ERROR_INVALID_MODEL;
    }
  }
  if (qrt_tensor_desc_bytes(&t) > uint64_t(INT64_MAX)) {
    problem = what + " of shape " + formatShape(t.shape, t.rank) +
              " is larger than 2^63 bytes";
    return QRT_ERROR_INVALID_MODEL;
  }
  return QRT_OK;
}

qrt_status validateTensors(const char *kind, const char *countField,
                           int32_t count, const qrt_tensor_desc *tensors,
                           const LibraryImage *image, std::string &problem) {
  const std::string prefix = "invalid model description: ";
  if (count < 0 || count > kMaxTensors) {
    problem = prefix + countField + " is " + std::to_string(count) +
              ", expected 0.." + std::to_string(kMaxTensors);
    return QRT_ERROR_INVALID_MODEL;
  }
  if (count > 0 && !tensors) {
    problem = prefix + countField + " is " + std::to_string(count) + " but " +
              kind + "s is NULL";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (count > 0 && image &&
      !image->contains(tensors, uint64_t(count) * sizeof(qrt_tensor_desc))) {
    problem = prefix + kind + "s points outside the model library";
    return QRT_ERROR_INVALID_MODEL;
  }
  for (int32_t i = 0; i < count; ++i) {
    if (qrt_status st = validateTensor(kind, i, tensors[i], image, problem)) {
      problem = prefix + problem;
      return st;
    }
  }
  // Names identify inputs and outputs (qrt_model_input_index); they must be
  // unique. Quadratic, but models have few inputs and outputs.
  for (int32_t i = 0; i < count; ++i)
    for (int32_t j = i + 1; j < count; ++j)
      if (std::strcmp(tensors[i].name, tensors[j].name) == 0) {
        problem = prefix + kind + "s " + std::to_string(i) + " and " +
                  std::to_string(j) + " are both named '" + tensors[i].name +
                  "'";
        return QRT_ERROR_INVALID_MODEL;
      }
  return QRT_OK;
}

} // namespace

std::string qrt::formatShape(const int64_t *shape, int32_t rank) {
  if (rank < 0 || rank > QRT_MAX_RANK)
    return "<rank " + std::to_string(rank) + ">";
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string qrt::formatTensorType(int32_t dtype, const int64_t *shape,
                                  int32_t rank) {
  std::string type = qrt_dtype_size(dtype)
                         ? std::string(qrt_dtype_name(dtype))
                         : "<dtype " + std::to_string(dtype) + ">";
  return type + " " + formatShape(shape, rank);
}

qrt_status qrt::checkSharedLibraryFile(const std::string &path,
                                       std::string &problem) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int err = errno;
    problem = err == ENOENT
                  ? std::string("file not found")
                  : "cannot open file: " + std::string(std::strerror(err));
    return QRT_ERROR_NOT_FOUND;
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    problem = "cannot stat file: " + std::string(std::strerror(errno));
    return QRT_ERROR_NOT_FOUND;
  }
  if (S_ISDIR(st.st_mode)) {
    problem = "is a directory, not a shared library";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (!S_ISREG(st.st_mode)) {
    problem = "not a regular file";
    return QRT_ERROR_INVALID_MODEL;
  }
  const uint64_t fileSize = uint64_t(st.st_size);
  if (fileSize == 0) {
    problem = "not a shared library: the file is empty";
    return QRT_ERROR_INVALID_MODEL;
  }

  ElfW(Ehdr) eh;
  std::memset(&eh, 0, sizeof eh);
  size_t headerBytes = fileSize < sizeof eh ? size_t(fileSize) : sizeof eh;
  if (!readAt(fd.get(), &eh, headerBytes, 0)) {
    problem = "cannot read file: " + std::string(std::strerror(errno));
    return QRT_ERROR_INVALID_MODEL;
  }
  if (headerBytes < SELFMAG || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    problem =
        "not a shared library: no ELF header (" + str(fileSize) + "-byte file)";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (headerBytes < sizeof eh) {
    problem = "truncated or corrupted file: " + str(fileSize) +
              " bytes, shorter than an ELF header (" + str(sizeof eh) +
              " bytes)";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS32 &&
      eh.e_ident[EI_CLASS] != ELFCLASS64) {
    problem = "truncated or corrupted file: bad ELF class " +
              str(eh.e_ident[EI_CLASS]);
    return QRT_ERROR_INVALID_MODEL;
  }
  if (eh.e_ident[EI_CLASS] != kHostClass) {
    problem = std::string("not loadable here: a ") +
              (eh.e_ident[EI_CLASS] == ELFCLASS32 ? "32" : "64") +
              "-bit ELF file, this host loads " +
              (kHostClass == ELFCLASS32 ? "32" : "64") + "-bit libraries";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (eh.e_ident[EI_DATA] != kHostData) {
    problem =
        eh.e_ident[EI_DATA] == ELFDATA2LSB || eh.e_ident[EI_DATA] == ELFDATA2MSB
            ? "not loadable here: an ELF file of the other byte order"
            : "truncated or corrupted file: bad ELF byte order " +
                  str(eh.e_ident[EI_DATA]);
    return QRT_ERROR_INVALID_MODEL;
  }
  if (eh.e_type != ET_DYN) {
    const char *kind = eh.e_type == ET_EXEC   ? "an executable"
                       : eh.e_type == ET_REL  ? "a relocatable object file"
                       : eh.e_type == ET_CORE ? "a core dump"
                                              : "an ELF file of unknown type";
    problem = std::string("not a shared library: ") + kind + " (e_type " +
              str(eh.e_type) + ")";
    return QRT_ERROR_INVALID_MODEL;
  }
#ifndef QRT_UNKNOWN_HOST_MACHINE
  if (eh.e_machine != kHostMachine) {
    problem = std::string("not loadable here: built for ") +
              machineName(eh.e_machine) + " (e_machine " + str(eh.e_machine) +
              "), this host is " + machineName(kHostMachine);
    return QRT_ERROR_INVALID_MODEL;
  }
#endif
  if (eh.e_phnum == 0 || eh.e_phentsize != sizeof(ElfW(Phdr))) {
    problem = "truncated or corrupted file: bad program header table (" +
              str(eh.e_phnum) + " entries of " + str(eh.e_phentsize) +
              " bytes)";
    return QRT_ERROR_INVALID_MODEL;
  }
  uint64_t phBytes = uint64_t(eh.e_phnum) * sizeof(ElfW(Phdr));
  if (!fitsIn(eh.e_phoff, phBytes, fileSize)) {
    problem =
        pastEnd("the program header table", eh.e_phoff, phBytes, fileSize);
    return QRT_ERROR_INVALID_MODEL;
  }
  std::vector<ElfW(Phdr)> phdrs(eh.e_phnum);
  if (!readAt(fd.get(), phdrs.data(), size_t(phBytes), eh.e_phoff)) {
    problem = "cannot read file: " + std::string(std::strerror(errno));
    return QRT_ERROR_INVALID_MODEL;
  }
  for (size_t i = 0; i < phdrs.size(); ++i) {
    const ElfW(Phdr) &ph = phdrs[i];
    if (ph.p_filesz == 0)
      continue;
    if (!fitsIn(ph.p_offset, ph.p_filesz, fileSize)) {
      std::string what = "segment " + str(i);
      if (ph.p_type == PT_LOAD)
        what += " (loadable)";
      else if (ph.p_type == PT_DYNAMIC)
        what += " (dynamic)";
      problem = pastEnd(what, ph.p_offset, ph.p_filesz, fileSize);
      return QRT_ERROR_INVALID_MODEL;
    }
  }
  // dlopen does not need the section headers, but they are the last thing
  // the linker writes: past the end means the file was cut short.
  if (eh.e_shoff != 0) {
    uint64_t shCount = eh.e_shnum ? eh.e_shnum : 1; // 0: count in entry 0
    uint64_t shBytes = shCount * uint64_t(eh.e_shentsize);
    if (!fitsIn(eh.e_shoff, shBytes, fileSize)) {
      problem =
          pastEnd("the section header table", eh.e_shoff, shBytes, fileSize);
      return QRT_ERROR_INVALID_MODEL;
    }
  }
  return QRT_OK;
}

bool LibraryImage::load(void *handle) {
  struct link_map *map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map)
    return false;
  struct Search {
    const struct link_map *map;
    std::vector<Segment> *segments;
  } search = {map, &segments};
  segments.clear();
  dl_iterate_phdr(
      [](struct dl_phdr_info *info, size_t, void *data) {
        auto *s = static_cast<Search *>(data);
        if (info->dlpi_addr != s->map->l_addr || !info->dlpi_name ||
            !s->map->l_name || std::strcmp(info->dlpi_name, s->map->l_name))
          return 0;
        for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_R) || ph.p_memsz == 0)
            continue;
          uintptr_t begin = uintptr_t(info->dlpi_addr + ph.p_vaddr);
          s->segments->push_back(
              {begin, begin + uintptr_t(ph.p_memsz), (ph.p_flags & PF_X) != 0});
        }
        return 1;
      },
      &search);
  return !segments.empty();
}

bool LibraryImage::contains(const void *p, uint64_t size, bool code) const {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  for (const Segment &s : segments)
    if (a >= s.begin && a < s.end && size <= s.end - a && (!code || s.code))
      return true;
  return false;
}

bool LibraryImage::containsString(const char *str) const {
  uintptr_t a = reinterpret_cast<uintptr_t>(str);
  for (const Segment &s : segments)
    if (a >= s.begin && a < s.end)
      return std::memchr(str, '\0', s.end - a) != nullptr;
  return false;
}

qrt_status qrt::validateDescription(const qrt_model_desc *desc,
                                    const LibraryImage *image,
                                    std::string &problem) {
  const std::string prefix = "invalid model description: ";
  if (!desc) {
    problem = "invalid model: " QRT_MODEL_ENTRY_SYMBOL "() returned NULL";
    return QRT_ERROR_INVALID_MODEL;
  }
  // Magic, version and size first: only then is the rest known to be there.
  if (image && !image->contains(desc, offsetof(qrt_model_desc, reserved))) {
    problem = "invalid model: " QRT_MODEL_ENTRY_SYMBOL
              "() returned a pointer outside the model library";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (desc->abi_magic != QRT_ABI_MAGIC) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "not a quantc model: bad magic 0x%08" PRIX32
                  " in its description, expected 0x%08X (\"QRM1\")",
                  desc->abi_magic, QRT_ABI_MAGIC);
    problem = buf;
    return QRT_ERROR_INVALID_MODEL;
  }
  if (desc->abi_version != QRT_ABI_VERSION) {
    problem = "model ABI version " + str(desc->abi_version) +
              ", but this runtime supports version " + str(QRT_ABI_VERSION) +
              " only: rebuild the model with a quantc that matches this "
              "libqrt, or use a matching libqrt";
    return QRT_ERROR_VERSION_MISMATCH;
  }
  if (desc->desc_size < QRT_MODEL_DESC_MIN_SIZE) {
    problem = prefix + "desc_size is " + str(desc->desc_size) +
              " bytes, ABI version " + str(QRT_ABI_VERSION) +
              " needs at least " + str(QRT_MODEL_DESC_MIN_SIZE);
    return QRT_ERROR_INVALID_MODEL;
  }
  // The fields this runtime knows and the model has; those it does not know
  // are not read.
  uint64_t known = desc->desc_size < sizeof(qrt_model_desc)
                       ? desc->desc_size
                       : sizeof(qrt_model_desc);
  if (image && !image->contains(desc, known)) {
    problem = prefix + "it ends outside the model library";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (!desc->run) {
    problem = prefix + "run is NULL";
    return QRT_ERROR_INVALID_MODEL;
  }
  if (image && !image->contains(reinterpret_cast<const void *>(desc->run), 1,
                                /*code=*/true)) {
    problem = prefix + "run does not point to code in the model library";
    return QRT_ERROR_INVALID_MODEL;
  }
  // The appended functions, where present and set, point to code like run.
  auto inCode = [&](const void *fn) {
    return !fn || !image || image->contains(fn, 1, /*code=*/true);
  };
  const char *badHook = nullptr;
  if (QRT_DESC_HAS(desc, prepare) &&
      !inCode(reinterpret_cast<const void *>(desc->prepare)))
    badHook = "prepare";
  else if (QRT_DESC_HAS(desc, release) &&
           !inCode(reinterpret_cast<const void *>(desc->release)))
    badHook = "release";
  else if (QRT_DESC_HAS(desc, error_message) &&
           !inCode(reinterpret_cast<const void *>(desc->error_message)))
    badHook = "error_message";
  if (badHook) {
    problem = prefix + badHook + " does not point to code in the model library";
    return QRT_ERROR_INVALID_MODEL;
  }
  const char *const names[] = {"model_name", "target", "producer"};
  const char *const values[] = {desc->model_name, desc->target, desc->producer};
  for (int i = 0; i < 3; ++i) {
    if (!values[i]) {
      problem = prefix + names[i] + " is NULL";
      return QRT_ERROR_INVALID_MODEL;
    }
    if (image && !image->containsString(values[i])) {
      problem = prefix + names[i] + " points outside the model library";
      return QRT_ERROR_INVALID_MODEL;
    }
  }
  if (qrt_status st = validateTensors("input", "num_inputs", desc->num_inputs,
                                      desc->inputs, image, problem))
    return st;
  if (qrt_status st =
          validateTensors("output", "num_outputs", desc->num_outputs,
                          desc->outputs, image, problem))
    return st;
  const uint64_t align = desc->arena_alignment;
  if (align == 0 || (align & (align - 1)) != 0 || align > (1ull << 30)) {
    problem = prefix + "arena_alignment is " + str(align) +
              ", expected a power of two no larger than 2^30";
    return QRT_ERROR_INVALID_MODEL;
  }
  return QRT_OK;
}
