//===- Dataset.cpp - strata-cost's measured-kernel datasets ---------------===//

#include "Dataset.h"

#include "strata/Support/OutputFiles.h"

#include "llvm/Support/FileOutputBuffer.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::strata;
using namespace strata_cost;

static llvm::Error dataError(StringRef path, size_t line,
                             const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ":" + llvm::Twine(line) + ": " +
                                     message);
}

std::string strata_cost::printRow(const Row &row) {
  llvm::json::Array features;
  for (float f : row.features)
    features.push_back(double(f));
  llvm::json::Object object{{"id", row.id},
                            {"source", row.source},
                            {"set", row.set},
                            {"variant", row.variant},
                            {"features", std::move(features)},
                            {"seconds", row.seconds},
                            {"p10", row.p10},
                            {"p90", row.p90},
                            {"runs", int64_t(row.runs)}};
  std::string text;
  llvm::raw_string_ostream(text) << llvm::json::Value(std::move(object));
  return text;
}

std::string strata_cost::hashRows(const std::vector<Row> &rows) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const Row &row : rows) {
    for (char c : printRow(row) + "\n") {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ull;
    }
  }
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format_hex_no_prefix(hash, 16);
  return text;
}

llvm::Expected<Dataset> strata_cost::readDataset(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read dataset '" + path +
                                       "': " + buffer.getError().message());
  Dataset data;
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  if (lines.empty())
    return dataError(path, 1, "empty dataset (expected a header line)");
  for (auto [index, line] : llvm::enumerate(lines)) {
    size_t number = index + 1;
    llvm::Expected<llvm::json::Value> value = llvm::json::parse(line);
    if (!value)
      return dataError(path, number,
                       "invalid JSON: " + llvm::toString(value.takeError()));
    const llvm::json::Object *object = value->getAsObject();
    if (!object)
      return dataError(path, number, "expected a JSON object");
    if (index == 0) {
      if (!object->getInteger("strata_cost_dataset"))
        return dataError(path, number,
                         "not a strata-cost dataset (no header line)");
      std::optional<int64_t> version = object->getInteger("feature_version");
      if (version != kFeatureVersion)
        return dataError(
            path, number,
            "dataset has feature version " + llvm::Twine(version.value_or(-1)) +
                " but this Strata extracts version " +
                llvm::Twine(kFeatureVersion) + "; collect it again");
      if (std::optional<StringRef> m = object->getString("machine"))
        data.machine = m->str();
      data.complete = object->getBoolean("complete").value_or(false);
      if (std::optional<StringRef> h = object->getString("content_hash"))
        data.contentHash = h->str();
      continue;
    }
    Row row;
    auto str = [&](const char *key, std::string &into) {
      std::optional<StringRef> s = object->getString(key);
      if (s)
        into = s->str();
      return s.has_value();
    };
    const llvm::json::Array *features = object->getArray("features");
    std::optional<double> seconds = object->getNumber("seconds");
    if (!str("id", row.id) || !str("source", row.source) || !features ||
        !seconds)
      return dataError(path, number,
                       "a row needs 'id', 'source', 'features' and 'seconds'");
    str("set", row.set);
    str("variant", row.variant);
    if (features->size() != kNumFeatures)
      return dataError(path, number,
                       "row has " + llvm::Twine(features->size()) +
                           " features, expected " + llvm::Twine(kNumFeatures));
    for (auto [i, f] : llvm::enumerate(*features)) {
      std::optional<double> v = f.getAsNumber();
      if (!v)
        return dataError(path, number, "features must be numbers");
      row.features[i] = *v;
    }
    if (!(*seconds > 0))
      return dataError(path, number, "'seconds' must be positive");
    row.seconds = *seconds;
    row.p10 = object->getNumber("p10").value_or(*seconds);
    row.p90 = object->getNumber("p90").value_or(*seconds);
    row.runs = object->getInteger("runs").value_or(0);
    data.rows.push_back(std::move(row));
  }
  if (data.complete && !data.contentHash.empty() &&
      data.contentHash != hashRows(data.rows))
    return dataError(path, 1,
                     "content hash " + data.contentHash +
                         " does not match the rows (" + hashRows(data.rows) +
                         "): the file was edited or damaged");
  return data;
}

llvm::Error strata_cost::writeDataset(StringRef path, const Dataset &data) {
  llvm::json::Array names;
  for (StringRef name : getFeatureNames())
    names.push_back(name);
  llvm::json::Object header{{"strata_cost_dataset", 1},
                            {"feature_version", kFeatureVersion},
                            {"features", std::move(names)},
                            {"machine", data.machine},
                            {"complete", data.complete},
                            {"rows", int64_t(data.rows.size())},
                            {"content_hash", hashRows(data.rows)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(header)) << "\n";
  for (const Row &row : data.rows)
    os << printRow(row) << "\n";
  // Atomic, mode-keeping, special files written through (OutputFiles.h).
  return mlir::strata::writeOutputFiles({{path.str(), std::move(text)}});
}
