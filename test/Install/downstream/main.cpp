// Uses Strata's support library from an installed prefix: the tensor size
// limit every Strata tool applies.
#include "strata/Support/Limits.h"

#include <cstdio>

int main() {
  std::string why = mlir::strata::checkTensorSize({100000, 100000}, 4);
  std::printf("limit: %s\n", why.c_str());
  return why.empty() ? 1 : 0;
}
