//===- QCAttrs.td - qc enum attributes -----------------------*- tablegen -*-===//

#ifndef QC_ATTRS_TD
#define QC_ATTRS_TD

include "QCBase.td"

def QC_PadModeEnum : I32EnumAttr<"PadMode", "padding mode of qc.pad", [
    I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"reflect", 1>,
    I32EnumAttrCase<"edge", 2>, I32EnumAttrCase<"wrap", 3>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::qc";
}
def QC_PadModeAttr : EnumAttr<QC_Dialect, QC_PadModeEnum, "pad_mode">;

def QC_ResizeModeEnum : I32EnumAttr<"ResizeMode", "interpolation of qc.resize", [
    I32EnumAttrCase<"nearest", 0>, I32EnumAttrCase<"linear", 1>,
    I32EnumAttrCase<"cubic", 2>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::qc";
}
def QC_ResizeModeAttr : EnumAttr<QC_Dialect, QC_ResizeModeEnum, "resize_mode">;

def QC_CoordinateTransformEnum : I32EnumAttr<"CoordinateTransform",
    "how qc.resize maps output coordinates to input coordinates", [
    I32EnumAttrCase<"half_pixel", 0>, I32EnumAttrCase<"asymmetric", 1>,
    I32EnumAttrCase<"align_corners", 2>, I32EnumAttrCase<"pytorch_half_pixel", 3>,
    I32EnumAttrCase<"tf_crop_and_resize", 4>, I32EnumAttrCase<"half_pixel_symmetric", 5>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::qc";
}
def QC_CoordinateTransformAttr
    : EnumAttr<QC_Dialect, QC_CoordinateTransformEnum, "coordinate_transform">;

def QC_NearestModeEnum : I32EnumAttr<"NearestMode",
    "rounding of qc.resize in nearest mode", [
    I32EnumAttrCase<"round_prefer_floor", 0>, I32EnumAttrCase<"round_prefer_ceil", 1>,
    I32EnumAttrCase<"floor", 2>, I32EnumAttrCase<"ceil", 3>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::qc";
}
def QC_NearestModeAttr : EnumAttr<QC_Dialect, QC_NearestModeEnum, "nearest_mode">;

def QC_GeluApproximationEnum : I32EnumAttr<"GeluApproximation",
    "approximation of qc.gelu", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"tanh", 1>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::qc";
}
def QC_GeluApproximationAttr
    : EnumAttr<QC_Dialect, QC_GeluApproximationEnum, "gelu_approximation">;

#endif // QC_ATTRS_TD
