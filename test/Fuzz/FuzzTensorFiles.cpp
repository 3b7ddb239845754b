//===- FuzzTensorFiles.cpp - libFuzzer target: .npy and .pb readers -------===//
//
// Any bytes are parsed as a NumPy .npy file and as an ONNX TensorProto. A
// reader returns a tensor or an error; it must never allocate what the
// header merely claims (libFuzzer's -malloc_limit_mb catches that), crash
// or read out of bounds.
//
//===----------------------------------------------------------------------===//

#include "strata/Import/OnnxImporter.h"
#include "strata/Runtime/HostTensor.h"

#include <cstddef>
#include <cstdint>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<strata::HostTensor> npy =
      strata::HostTensor::parseNpy(bytes, "fuzz.npy");
  if (npy) {
    // A tensor that parsed must serialize back to the same shape.
    llvm::Expected<strata::HostTensor> again =
        strata::HostTensor::parseNpy(npy->toNpy(), "again.npy");
    if (!again || again->getShape() != npy->getShape())
      __builtin_trap();
  } else {
    llvm::consumeError(npy.takeError());
  }
  llvm::Expected<strata::HostTensor> pb =
      strata::parseOnnxTensor(bytes, "fuzz.pb");
  if (!pb)
    llvm::consumeError(pb.takeError());
  return 0;
}
