// One kernel cache entry on disk: a fixed header (magic, format version, key size, payload size,
// checksum of key and payload), the key, then the cubin. Written to a temporary file in the same
// directory and renamed into place, so a reader sees either no file or a whole one; a file damaged
// afterwards (truncated, overwritten) fails the checksum and is reported as such.
#pragma once

#include <string>
#include <vector>

namespace fp8gemm::jit {

enum class EntryRead { ok, missing, damaged };

// Reads the entry at `path` for `key` into `cubin`. On `damaged`, `why` says what is wrong.
EntryRead read_entry(const std::string& path, const std::string& key, std::vector<char>& cubin, std::string& why);

// Writes the entry atomically, creating `dir` if needed. Returns false with `why` when it cannot.
bool write_entry(const std::string& dir, const std::string& path, const std::string& key,
                 const std::vector<char>& cubin, std::string& why);

// Whether a file name in the cache directory is an entry (not a temporary file or anything else).
bool is_entry_file_name(const std::string& file_name);

// The file name of the entry for a key.
std::string entry_file_name(const std::string& key);

}  // namespace fp8gemm::jit
