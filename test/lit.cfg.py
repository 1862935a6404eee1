# -*- Python -*-
# lit configuration for quantc's FileCheck tests (test/**/*.mlir, *.onnxtxt).

import os
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "quantc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantc_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "runtime", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%quantc_src_root", config.quantc_src_root))
# %npy writes, prints, compares and truncates small .npy files
# (test/utils/npy.py: the standard library only, so tests need no numpy).
config.substitutions.append(
    ("%npy", '"%s" "%s"' % (sys.executable, os.path.join(
        config.quantc_src_root, "test", "utils", "npy.py"))))

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
    "mlir-opt",
    "mlir-runner",
    "mlir-translate",
    "llc",
    "split-file",
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
