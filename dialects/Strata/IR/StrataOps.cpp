//===- StrataOps.cpp - Operations of the strata dialect -------------------===//
//
// Assembly format, builders and verifiers of `strata.group` / `strata.yield`.
//
//===----------------------------------------------------------------------===//

#include "dialects/Strata/IR/StrataOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::strata;

#define GET_OP_CLASSES
#include "dialects/Strata/IR/StrataOps.cpp.inc"

//===----------------------------------------------------------------------===//
// GroupOp
//===----------------------------------------------------------------------===//

void GroupOp::build(OpBuilder &builder, OperationState &state,
                    TypeRange resultTypes, ValueRange inputs, StringAttr name) {
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  if (name)
    state.addAttribute(getNameAttrName(state.name), name);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value input : inputs)
    block->addArgument(input.getType(), input.getLoc());
}

YieldOp GroupOp::getYield() {
  return cast<YieldOp>(getBodyBlock().getTerminator());
}

// Custom form:
//   strata.group(%arg = %operand, ...) : (types) -> types
//       (attributes {...})? { body }
ParseResult GroupOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::Argument> regionArgs;
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  SMLoc operandsLoc = parser.getCurrentLocation();
  if (parser.parseAssignmentList(regionArgs, operands))
    return failure();
  FunctionType fnType;
  SMLoc typeLoc = parser.getCurrentLocation();
  if (parser.parseColonType(fnType))
    return failure();
  if (fnType.getNumInputs() != operands.size())
    return parser.emitError(typeLoc)
           << "group has " << operands.size() << " inputs but its type lists "
           << fnType.getNumInputs();
  if (parser.resolveOperands(operands, fnType.getInputs(), operandsLoc,
                             result.operands))
    return failure();
  for (auto [arg, type] : llvm::zip_equal(regionArgs, fnType.getInputs()))
    arg.type = type;
  result.addTypes(fnType.getResults());
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, regionArgs, /*enableNameShadowing=*/false))
    return failure();
  OpBuilder builder(parser.getContext());
  GroupOp::ensureTerminator(*body, builder, result.location);
  return success();
}

void GroupOp::print(OpAsmPrinter &p) {
  p << '(';
  llvm::interleaveComma(
      llvm::zip_equal(getBodyBlock().getArguments(), getInputs()), p,
      [&](auto pair) {
        p.printRegionArgument(std::get<0>(pair), /*argAttrs=*/{},
                              /*omitType=*/true);
        p << " = " << std::get<1>(pair);
      });
  p << ") : ";
  p.printFunctionalType(getInputs().getTypes(), getResults().getTypes());
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs());
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/true);
}

LogicalResult GroupOp::verify() {
  if (std::optional<StringRef> name = getName(); name && name->empty())
    return emitOpError("name must not be empty");
  return success();
}

LogicalResult GroupOp::verifyRegions() {
  Block &block = getBodyBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError("body has ")
           << block.getNumArguments() << " arguments but the group has "
           << getInputs().size() << " inputs";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip_equal(block.getArguments(), getInputs()))) {
    auto [arg, input] = pair;
    if (arg.getType() != input.getType())
      return emitOpError("body argument #")
             << index << " has type " << arg.getType() << " but input #"
             << index << " has type " << input.getType();
  }
  YieldOp yield = getYield();
  if (yield.getValues().size() != getResults().size())
    return yield.emitOpError("yields ")
           << yield.getValues().size() << " values but the group has "
           << getResults().size() << " results";
  for (auto [index, pair] : llvm::enumerate(
           llvm::zip_equal(yield.getValues().getTypes(), getResultTypes()))) {
    auto [yielded, expected] = pair;
    if (yielded != expected)
      return yield.emitOpError("value #")
             << index << " has type " << yielded << " but group result #"
             << index << " has type " << expected;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// CheckIndexOp
//===----------------------------------------------------------------------===//

LogicalResult CheckIndexOp::verify() {
  if (getIndices().getType().getElementType().isInteger(1))
    return emitOpError("indices must be integers wider than i1");
  unsigned width = getIndices().getType().getElementTypeBitWidth();
  if (width < 64 && getBound() > (uint64_t(1) << (width - 1)))
    return emitOpError("bound ")
           << getBound() << " does not fit i" << width << " indices";
  return success();
}

void CheckIndexOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // Reporting an invalid index is observable: the op must not be removed,
  // merged or moved across other effects, even where its result is unused.
  effects.emplace_back(MemoryEffects::Write::get());
}

//===----------------------------------------------------------------------===//
// LRNOp
//===----------------------------------------------------------------------===//

LogicalResult LRNOp::verify() {
  uint64_t rank = getInput().getType().getRank();
  if (getAxis() >= rank)
    return emitOpError("axis ")
           << getAxis() << " is out of range for rank " << rank;
  // The expansion is one slice per window position.
  if (getSize() > kMaxLRNSize)
    return emitOpError("size ")
           << getSize() << " is larger than " << kMaxLRNSize;
  std::pair<StringRef, APFloat> parameters[] = {
      {"alpha", getAlpha()}, {"beta", getBeta()}, {"bias", getBias()}};
  for (auto &[name, value] : parameters)
    if (!value.isFinite())
      return emitOpError(name) << " must be finite";
  return success();
}

//===----------------------------------------------------------------------===//
// GroupedConv2DOp
//===----------------------------------------------------------------------===//

LogicalResult GroupedConv2DOp::verify() {
  RankedTensorType input = getInput().getType(), weight = getWeight().getType(),
                   bias = getBias().getType(), result = getType();
  if (!input.hasStaticShape() || !weight.hasStaticShape() ||
      !bias.hasStaticShape() || !result.hasStaticShape())
    return emitOpError("needs static shapes");
  if (input.getRank() != 4 || weight.getRank() != 4 || bias.getRank() != 1 ||
      result.getRank() != 4)
    return emitOpError("expects an NHWC input, an OHWI weight, a bias vector "
                       "and an NHWC result");
  Type element = result.getElementType();
  if (input.getElementType() != element || weight.getElementType() != element ||
      bias.getElementType() != element)
    return emitOpError("operands and result must have one element type");
  ArrayRef<int64_t> pad = getPad(), stride = getStride(),
                    dilation = getDilation();
  if (pad.size() != 4 || llvm::any_of(pad, [](int64_t p) { return p < 0; }))
    return emitOpError("pad must be 4 non-negative values (top, bottom, "
                       "left, right)");
  if (stride.size() != 2 || dilation.size() != 2 ||
      llvm::any_of(stride, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilation, [](int64_t d) { return d < 1; }))
    return emitOpError("stride and dilation must be 2 positive values "
                       "(height, width)");
  int64_t group = getGroup(), channels = input.getDimSize(3);
  int64_t outChannels = weight.getDimSize(0);
  if (channels % group != 0 || outChannels % group != 0)
    return emitOpError("group ")
           << group << " does not divide the input channels (" << channels
           << ") and the output channels (" << outChannels << ")";
  if (weight.getDimSize(3) != channels / group)
    return emitOpError("weight has ")
           << weight.getDimSize(3) << " input channels, expected "
           << channels / group << " (the channels of one group)";
  if (std::optional<int64_t> shuffle = getInputShuffle()) {
    if (channels % *shuffle != 0)
      return emitOpError("input_shuffle ")
             << *shuffle << " does not divide the input channels (" << channels
             << ")";
  }
  if (bias.getDimSize(0) != outChannels)
    return emitOpError("bias has ")
           << bias.getDimSize(0) << " values, expected " << outChannels;
  SmallVector<int64_t> expected = {input.getDimSize(0)};
  for (int i = 0; i < 2; ++i) {
    int64_t padded = input.getDimSize(1 + i) + pad[2 * i] + pad[2 * i + 1];
    int64_t window = (weight.getDimSize(1 + i) - 1) * dilation[i] + 1;
    if (padded < window)
      return emitOpError("the window (")
             << window << ") is larger than the padded input (" << padded
             << ") in dimension " << 1 + i;
    expected.push_back((padded - window) / stride[i] + 1);
  }
  expected.push_back(outChannels);
  if (result.getShape() != ArrayRef<int64_t>(expected)) {
    InFlightDiagnostic diag = emitOpError("result shape should be ");
    llvm::interleave(expected, diag, "x");
    return diag;
  }
  return success();
}
