# -*- Python -*-
# lit runs every gtest of the runtime (build/runtime/test/QrtRuntimeTests,
# built by runtime/test/CMakeLists.txt) as its own test.

import os

import lit.formats

config.name = "quantc-runtime"
config.suffixes = []
config.test_source_root = os.path.join(config.quantc_obj_root, "runtime", "test")
config.test_exec_root = config.test_source_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
