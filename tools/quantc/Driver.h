//===- Driver.h - quantc's modes ------------------------------------*- C++
//-*-===//

#ifndef QUANTC_TOOLS_QUANTC_DRIVER_H
#define QUANTC_TOOLS_QUANTC_DRIVER_H

namespace quantc {
/// `quantc MODEL -o model.so ...` (and `quantc compile ...`).
int runCompile(int argc, char **argv);
} // namespace quantc

#endif // QUANTC_TOOLS_QUANTC_DRIVER_H
