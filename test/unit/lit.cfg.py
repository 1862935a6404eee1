# -*- Python -*-
# lit runs every gtest of build/test/unit as its own test.

import os

import lit.formats

config.name = "quantc-unit"
config.suffixes = []
config.test_source_root = os.path.join(config.quantc_obj_root, "test", "unit")
config.test_exec_root = config.test_source_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
