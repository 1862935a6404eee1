# -*- Python -*-
# lit configuration for quantc's FileCheck tests (test/**/*.mlir, *.onnxtxt).

import os
import shutil
import subprocess
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "quantc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantc_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "runtime", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%quantc_src_root", config.quantc_src_root))
config.substitutions.append(("%quantc_tools_dir", config.quantc_tools_dir))
# %npy writes, prints, compares and truncates small .npy files
# (test/utils/npy.py: the standard library only, so tests need no numpy).
config.substitutions.append(
    ("%npy", '"%s" "%s"' % (sys.executable, os.path.join(
        config.quantc_src_root, "test", "utils", "npy.py"))))
# %onnxdump prints an ONNX model as text (test/utils/onnxdump.py: the
# standard library only).
config.substitutions.append(
    ("%onnxdump", '"%s" "%s"' % (sys.executable, os.path.join(
        config.quantc_src_root, "test", "utils", "onnxdump.py"))))

# %randnpy writes reproducible random f32 inputs (test/utils/randnpy.py).
config.substitutions.append(
    ("%randnpy", '"%s" "%s"' % (sys.executable, os.path.join(
        config.quantc_src_root, "test", "utils", "randnpy.py"))))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
# `not` at the start of a RUN line is found on PATH (as in MLIR's own tests).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.quantc_tools_dir, config.llvm_tools_dir]
tools = [
    ToolSubst("quant-opt", unresolved="fatal"),
    ToolSubst("quantc", unresolved="fatal"),
    ToolSubst("quant-run", unresolved="fatal"),
    ToolSubst("quantc-conformance", unresolved="fatal"),
    "mlir-opt",
    "mlir-runner",
    "mlir-translate",
    "llc",
    "split-file",
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Data that only some machines have. Tests that need it say REQUIRES: and are
# reported UNSUPPORTED elsewhere; the notes below say what is missing.
# ONNX's backend test data (Debian's libonnx-testdata, scripts/setup.sh).
onnx_testdata = "/usr/share/libonnx-testdata/data"
if os.path.isdir(os.path.join(onnx_testdata, "node")):
    config.available_features.add("onnx-testdata")
    config.substitutions.append(("%onnx_testdata", onnx_testdata))
else:
    lit_config.note("no ONNX backend test data at %s (package libonnx-testdata): "
                    "the conformance tests are skipped" % onnx_testdata)
# The CUDA toolkit's ptxas and fatbinary (the CUDA target assembles every
# kernel at compile time; no GPU is needed).
if all(os.access(os.path.join("/usr/local/cuda/bin", t), os.X_OK)
       for t in ("ptxas", "fatbinary")):
    config.available_features.add("cuda-toolkit")
else:
    lit_config.note("no CUDA toolkit at /usr/local/cuda (ptxas, fatbinary): the tests "
                    "that assemble CUDA kernels are skipped")
# The PP-OCR models with rendered inputs (scripts/fetch-models.sh,
# scripts/make-inputs.py), ONNX Runtime (bench/ort/node_modules) and Debian's
# python3 with numpy (scripts/compare-npy.py).
models_dir = os.path.join(config.quantc_src_root, "models")
ort_dir = os.path.join(config.quantc_src_root, "bench", "ort")
have_models = all(os.path.isfile(os.path.join(models_dir, "ocr", f)) for f in (
    "ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx",
    "ch_ppocr_mobile_v2.0_cls_infer.onnx")) and all(
    os.path.isdir(os.path.join(models_dir, "inputs", m)) for m in ("det", "rec", "cls"))
have_ort = os.path.isdir(os.path.join(ort_dir, "node_modules", "onnxruntime-node")) and \
    shutil.which("node") is not None
def have_python_module(name):
    return os.path.exists("/usr/bin/python3") and subprocess.run(
        ["/usr/bin/python3", "-c", "import " + name],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
have_numpy = have_python_module("numpy")
if have_models:
    config.available_features.add("ocr-models")
else:
    lit_config.note("no PP-OCR models or inputs in %s: the tests against the real models are "
                    "skipped (run scripts/fetch-models.sh and scripts/make-inputs.py)" % models_dir)
if have_ort:
    config.available_features.add("onnxruntime")
else:
    lit_config.note("no ONNX Runtime in %s/node_modules (or no node): the comparisons with "
                    "ONNX Runtime are skipped (run scripts/fetch-models.sh)" % ort_dir)
if have_numpy:
    config.available_features.add("numpy")
else:
    lit_config.note("/usr/bin/python3 has no numpy: the comparisons with ONNX Runtime are "
                    "skipped (run scripts/setup.sh)")
# python3-onnx: the importer's fuzz test mutates models with it.
if have_python_module("onnx"):
    config.available_features.add("python-onnx")
else:
    lit_config.note("/usr/bin/python3 has no onnx: the importer's fuzz test is skipped "
                    "(run scripts/setup.sh)")
