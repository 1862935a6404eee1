# -*- Python -*-
# lit configuration for quantc's FileCheck tests (test/**/*.mlir, *.onnxtxt).

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "quantc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantc_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%quantc_src_root", config.quantc_src_root))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.quantc_tools_dir, config.llvm_tools_dir]
tools = [
    ToolSubst("quant-opt", unresolved="fatal"),
    "mlir-opt",
    "mlir-runner",
    "mlir-translate",
    "llc",
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
