//===- Corpus.cpp - Seeded random kernels for strata-cost collect ---------===//

#include "Corpus.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>

using namespace strata_cost;

namespace {
/// SplitMix64: the same numbers with every standard library.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double unit() { return (next() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % uint64_t(hi - lo + 1));
  }
  /// Log-uniform in [lo, hi].
  int64_t logRange(int64_t lo, int64_t hi) {
    double v = std::exp(std::log(double(lo)) +
                        unit() * (std::log(double(hi)) - std::log(double(lo))));
    return std::clamp<int64_t>(std::llround(v), lo, hi);
  }

private:
  uint64_t state;
};

using Shape = std::vector<int64_t>;

std::string tensorType(const Shape &shape, const char *element = "f32") {
  std::string text = "tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + element + ">";
}

/// One op of a computation: its operands (value ids: arguments first,
/// then op results in order), its result type and how to print it.
struct Op {
  std::vector<int> operands;
  std::string resultType;
  /// Prints the op defining `out` from `in`; `fresh` names helper values.
  std::function<std::string(const std::vector<std::string> &in,
                            const std::string &out,
                            const std::function<std::string()> &fresh)>
      print;
};

/// Values: op results are ids >= 0 (the op's index), arguments are
/// negative (argument k is -k - 1), so adding either keeps the others' ids.
struct Computation {
  std::string name;
  std::vector<std::string> argTypes;
  std::vector<Op> ops;
  /// Named partitions: the group of each op (non-decreasing).
  std::vector<std::pair<std::string, std::vector<int>>> variants;

  int numArgs() const { return argTypes.size(); }
  static bool isArg(int value) { return value < 0; }
  static int argIndex(int value) { return -value - 1; }
  std::string typeOf(int value) const {
    return isArg(value) ? argTypes[argIndex(value)] : ops[value].resultType;
  }
  /// Adds an argument and returns its value id.
  int arg(const Shape &shape) {
    argTypes.push_back(tensorType(shape));
    return -int(argTypes.size());
  }
  int add(Op op) {
    ops.push_back(std::move(op));
    return ops.size() - 1;
  }
  /// The standard partitions: everything fused, one kernel per op, and
  /// the given cuts (op indices that start a new group).
  void addVariants(
      const std::vector<std::pair<std::string, std::vector<int>>> &cuts = {}) {
    variants.push_back({"fused", std::vector<int>(ops.size(), 0)});
    if (ops.size() > 1) {
      std::vector<int> split(ops.size());
      for (size_t i = 0; i < ops.size(); ++i)
        split[i] = i;
      variants.push_back({"split", split});
    }
    for (const auto &[name, starts] : cuts) {
      std::vector<int> groups(ops.size());
      int g = 0;
      for (size_t i = 0; i < ops.size(); ++i) {
        if (i > 0 && std::count(starts.begin(), starts.end(), int(i)))
          ++g;
        groups[i] = g;
      }
      variants.push_back({name, groups});
    }
  }
};

// TOSA spellings (MLIR 22).
std::string zeroPoint(const std::function<std::string()> &fresh,
                      std::string &name) {
  name = fresh();
  return "      " + name +
         " = \"tosa.const\"() {values = dense<0.0> : tensor<1xf32>} : () -> "
         "tensor<1xf32>\n";
}

Op unary(const std::string &opName, int x, const std::string &type,
         const std::string &attrs = "") {
  return {{x}, type, [=](auto &in, auto &out, auto &) {
            return "      " + out + " = tosa." + opName + " " + in[0] + attrs +
                   " : (" + type + ") -> " + type + "\n";
          }};
}

Op binary(const std::string &opName, int a, int b, const std::string &aType,
          const std::string &bType, const std::string &type) {
  return {{a, b}, type, [=](auto &in, auto &out, auto &fresh) {
            if (opName == "mul") {
              std::string shift = fresh();
              return "      " + shift +
                     " = \"tosa.const\"() {values = dense<0> : tensor<1xi8>} "
                     ": () -> tensor<1xi8>\n      " +
                     out + " = tosa.mul " + in[0] + ", " + in[1] + ", " +
                     shift + " : (" + aType + ", " + bType +
                     ", tensor<1xi8>) -> " + type + "\n";
            }
            return "      " + out + " = tosa." + opName + " " + in[0] + ", " +
                   in[1] + " : (" + aType + ", " + bType + ") -> " + type +
                   "\n";
          }};
}

Op reduce(const std::string &opName, int x, const Shape &shape, int axis) {
  Shape out = shape;
  out[axis] = 1;
  std::string inType = tensorType(shape), outType = tensorType(out);
  return {{x}, outType, [=](auto &in, auto &res, auto &) {
            return "      " + res + " = tosa." + opName + " " + in[0] +
                   " {axis = " + std::to_string(axis) + " : i32} : (" + inType +
                   ") -> " + outType + "\n";
          }};
}

Op clampRelu6(int x, const std::string &type) {
  return unary("clamp", x, type, " {max_val = 6.0 : f32, min_val = 0.0 : f32}");
}

Shape randomShape(Random &rng, int64_t minElems, int64_t maxElems) {
  int rank = rng.range(1, 4);
  double total = rng.logRange(minElems, maxElems);
  Shape shape;
  double left = total;
  for (int i = rank; i > 1; --i) {
    double share = std::pow(left, 1.0 / i) * (0.5 + rng.unit());
    int64_t d = std::max<int64_t>(1, std::llround(share));
    shape.push_back(d);
    left = std::max(1.0, left / d);
  }
  shape.push_back(std::max<int64_t>(1, std::llround(left)));
  return shape;
}

Computation elementwiseChain(Random &rng) {
  Computation c;
  c.name = "chain";
  Shape shape = randomShape(rng, 256, 1 << 20);
  std::string type = tensorType(shape);
  int value = c.arg(shape);
  int length = rng.range(1, 5);
  static const char *const unaries[] = {"exp", "tanh", "sigmoid", "abs",
                                        "clamp"};
  static const char *const binaries[] = {"add", "mul", "sub", "maximum"};
  for (int i = 0; i < length; ++i) {
    if (rng.unit() < 0.5) {
      std::string name = unaries[rng.range(0, 4)];
      value = c.add(name == "clamp" ? clampRelu6(value, type)
                                    : unary(name, value, type));
    } else {
      int other = c.arg(shape);
      value = c.add(
          binary(binaries[rng.range(0, 3)], value, other, type, type, type));
    }
  }
  if (length >= 3)
    c.addVariants({{"half", {length / 2}}});
  else
    c.addVariants();
  return c;
}

Computation matmulEpilogue(Random &rng) {
  Computation c;
  c.name = "matmul";
  int64_t b = rng.range(1, 3) == 3 ? 4 : 1, m = rng.logRange(8, 512),
          n = rng.logRange(8, 512), k = rng.logRange(8, 512);
  Shape outShape = {b, m, n};
  std::string aType = tensorType({b, m, k}), bType = tensorType({b, k, n}),
              type = tensorType(outShape);
  int a = c.arg({b, m, k}), w = c.arg({b, k, n});
  int mm = c.add({{a, w}, type, [=](auto &in, auto &out, auto &fresh) {
                    std::string zp, text = zeroPoint(fresh, zp);
                    return text + "      " + out + " = tosa.matmul " + in[0] +
                           ", " + in[1] + ", " + zp + ", " + zp + " : (" +
                           aType + ", " + bType +
                           ", tensor<1xf32>, tensor<1xf32>) -> " + type + "\n";
                  }});
  if (rng.unit() < 0.7) {
    int bias = c.arg({1, 1, n});
    int sum = c.add(binary("add", mm, bias, type, tensorType({1, 1, n}), type));
    c.add(clampRelu6(sum, type));
  }
  c.addVariants();
  return c;
}

Computation convEpilogue(Random &rng) {
  Computation c;
  c.name = "conv";
  int64_t h = rng.logRange(7, 64), ch = rng.logRange(3, 128),
          oc = rng.logRange(8, 128);
  int64_t kernel = std::vector<int64_t>{1, 3, 5}[rng.range(0, 2)];
  int64_t stride = rng.unit() < 0.7 ? 1 : 2, pad = kernel / 2;
  // TOSA wants the strided window to end exactly on the padded input.
  if ((h - 1 + 2 * pad - (kernel - 1)) % stride != 0)
    ++h;
  int64_t oh = (h + 2 * pad - kernel) / stride + 1;
  Shape in = {1, h, h, ch}, weight = {oc, kernel, kernel, ch},
        out = {1, oh, oh, oc};
  std::string inType = tensorType(in), wType = tensorType(weight),
              bType = tensorType({oc}), type = tensorType(out);
  int x = c.arg(in), w = c.arg(weight), bias = c.arg({oc});
  std::string attrs = "{acc_type = f32, dilation = array<i64: 1, 1>, pad = "
                      "array<i64: " +
                      std::to_string(pad) + ", " + std::to_string(pad) + ", " +
                      std::to_string(pad) + ", " + std::to_string(pad) +
                      ">, stride = array<i64: " + std::to_string(stride) +
                      ", " + std::to_string(stride) + ">}";
  int conv =
      c.add({{x, w, bias}, type, [=](auto &in, auto &res, auto &fresh) {
               std::string zp, text = zeroPoint(fresh, zp);
               return text + "      " + res + " = tosa.conv2d " + in[0] + ", " +
                      in[1] + ", " + in[2] + ", " + zp + ", " + zp + " " +
                      attrs + " : (" + inType + ", " + wType + ", " + bType +
                      ", tensor<1xf32>, tensor<1xf32>) -> " + type + "\n";
             }});
  int value = conv;
  if (rng.unit() < 0.5) {
    int residual = c.arg(out);
    value = c.add(binary("add", value, residual, type, type, type));
  }
  if (rng.unit() < 0.8)
    c.add(clampRelu6(value, type));
  c.addVariants();
  return c;
}

Computation reduction(Random &rng) {
  Computation c;
  c.name = "reduce";
  Shape shape = randomShape(rng, 256, 1 << 20);
  if (shape.size() == 1)
    shape.insert(shape.begin(), rng.logRange(1, 64));
  std::string type = tensorType(shape);
  int axis = rng.range(0, shape.size() - 1);
  int x = c.arg(shape);
  int value = x;
  double kind = rng.unit();
  if (kind < 0.35)
    value = c.add(unary("exp", x, type));
  else if (kind < 0.7)
    value = c.add(binary("mul", x, c.arg(shape), type, type, type));
  c.add(reduce(rng.unit() < 0.6 ? "reduce_sum" : "reduce_max", value, shape,
               axis));
  c.addVariants();
  return c;
}

Computation softmax(Random &rng) {
  Computation c;
  c.name = "softmax";
  int64_t cols = rng.logRange(8, 4096);
  int64_t rows = rng.logRange(1, std::max<int64_t>(1, (1 << 20) / cols));
  Shape shape = {rows, cols}, col = {rows, 1};
  std::string type = tensorType(shape), colType = tensorType(col);
  int x = c.arg(shape);
  int max = c.add(reduce("reduce_max", x, shape, 1));
  int diff = c.add(binary("sub", x, max, type, colType, type));
  int e = c.add(unary("exp", diff, type));
  int sum = c.add(reduce("reduce_sum", e, shape, 1));
  int inv = c.add(unary("reciprocal", sum, colType));
  c.add(binary("mul", e, inv, type, colType, type));
  c.addVariants({{"two", {3}}});
  return c;
}

Computation layerNorm(Random &rng) {
  Computation c;
  c.name = "layernorm";
  int64_t cols = rng.logRange(16, 4096);
  int64_t rows = rng.logRange(1, std::max<int64_t>(1, (1 << 20) / cols));
  Shape shape = {rows, cols}, col = {rows, 1}, scalar = {1, 1}, row = {1, cols};
  std::string type = tensorType(shape), colType = tensorType(col),
              sType = tensorType(scalar), rType = tensorType(row);
  int x = c.arg(shape), invN = c.arg(scalar), eps = c.arg(scalar),
      gamma = c.arg(row), beta = c.arg(row);
  int sum = c.add(reduce("reduce_sum", x, shape, 1));
  int mean = c.add(binary("mul", sum, invN, colType, sType, colType));
  int d = c.add(binary("sub", x, mean, type, colType, type));
  int sq = c.add(binary("mul", d, d, type, type, type));
  int var = c.add(reduce("reduce_sum", sq, shape, 1));
  int varN = c.add(binary("mul", var, invN, colType, sType, colType));
  int ve = c.add(binary("add", varN, eps, colType, sType, colType));
  int r = c.add(unary("rsqrt", ve, colType));
  int n = c.add(binary("mul", d, r, type, colType, type));
  int g = c.add(binary("mul", n, gamma, type, rType, type));
  c.add(binary("add", g, beta, type, rType, type));
  c.addVariants({{"stats", {8}}});
  return c;
}

/// The module of `c` partitioned by `groups`.
std::string printPartition(const Computation &c,
                           const std::vector<int> &groups) {
  std::ostringstream os;
  int freshCount = 0;
  auto fresh = [&]() { return "%t" + std::to_string(freshCount++); };
  auto valueName = [&](int value) {
    return Computation::isArg(value)
               ? "%arg" + std::to_string(Computation::argIndex(value))
               : "%v" + std::to_string(value);
  };
  int numOps = c.ops.size();
  int last = numOps - 1;
  os << "func.func @main(";
  for (int i = 0; i < c.numArgs(); ++i)
    os << (i ? ", " : "") << "%arg" << i << ": " << c.argTypes[i];
  os << ") -> " << c.typeOf(last) << " {\n";
  // The outer name of each value after its group ran.
  std::map<int, std::string> outer;
  for (int i = 0; i < c.numArgs(); ++i)
    outer[-i - 1] = valueName(-i - 1);
  int numGroups = groups.back() + 1;
  for (int g = 0; g < numGroups; ++g) {
    std::vector<int> members;
    for (int i = 0; i < numOps; ++i)
      if (groups[i] == g)
        members.push_back(i);
    auto inGroup = [&](int value) {
      return !Computation::isArg(value) && groups[value] == g;
    };
    std::vector<int> inputs, outputs;
    for (int i : members)
      for (int operand : c.ops[i].operands)
        if (!inGroup(operand) &&
            std::find(inputs.begin(), inputs.end(), operand) == inputs.end())
          inputs.push_back(operand);
    for (int i : members) {
      bool usedLater = i == last;
      for (int j = 0; j < numOps; ++j)
        if (groups[j] > g &&
            std::count(c.ops[j].operands.begin(), c.ops[j].operands.end(), i))
          usedLater = true;
      if (usedLater)
        outputs.push_back(i);
    }
    std::string result = "%g" + std::to_string(g);
    os << "  " << result;
    if (outputs.size() > 1)
      os << ":" << outputs.size();
    os << " = strata.group(";
    std::map<int, std::string> inner;
    for (size_t k = 0; k < inputs.size(); ++k) {
      inner[inputs[k]] = "%in" + std::to_string(g) + "_" + std::to_string(k);
      os << (k ? ", " : "") << inner[inputs[k]] << " = " << outer[inputs[k]];
    }
    os << ") : (";
    for (size_t k = 0; k < inputs.size(); ++k)
      os << (k ? ", " : "") << c.typeOf(inputs[k]);
    os << ") -> ";
    if (outputs.size() > 1)
      os << "(";
    for (size_t k = 0; k < outputs.size(); ++k)
      os << (k ? ", " : "") << c.typeOf(outputs[k]);
    if (outputs.size() > 1)
      os << ")";
    os << " attributes {name = \"" << c.name << "_" << g << "\"} {\n";
    for (int i : members) {
      std::vector<std::string> in;
      for (int operand : c.ops[i].operands)
        in.push_back(inner[operand]);
      inner[i] = valueName(i);
      os << c.ops[i].print(in, inner[i], fresh);
    }
    os << "      strata.yield ";
    for (size_t k = 0; k < outputs.size(); ++k)
      os << (k ? ", " : "") << inner[outputs[k]];
    os << " : ";
    for (size_t k = 0; k < outputs.size(); ++k)
      os << (k ? ", " : "") << c.typeOf(outputs[k]);
    os << "\n  }\n";
    for (size_t k = 0; k < outputs.size(); ++k)
      outer[outputs[k]] =
          outputs.size() > 1 ? result + "#" + std::to_string(k) : result;
  }
  os << "  return " << outer[last] << " : " << c.typeOf(last) << "\n}\n";
  return os.str();
}
} // namespace

std::vector<CorpusItem>
strata_cost::generateCorpus(unsigned count, uint64_t seed, unsigned batchSize) {
  std::vector<CorpusItem> items;
  Random rng(seed);
  for (unsigned i = 0; i < count; ++i) {
    double kind = rng.unit();
    Computation c = kind < 0.3    ? elementwiseChain(rng)
                    : kind < 0.45 ? matmulEpilogue(rng)
                    : kind < 0.6  ? convEpilogue(rng)
                    : kind < 0.75 ? reduction(rng)
                    : kind < 0.87 ? softmax(rng)
                                  : layerNorm(rng);
    std::string source = "random/" + std::to_string(i / batchSize);
    std::string set = c.name + "-" + std::to_string(i);
    for (const auto &[variant, groups] : c.variants)
      items.push_back({source, set, variant, printPartition(c, groups)});
  }
  return items;
}
