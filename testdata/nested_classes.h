// A class with nested STL containers, strings and truncated floating-point members, for
// testdata/make_nested.py. Compiled with ACLiC (`.L nested_classes.h+`).
#ifndef HADRON_NESTED_CLASSES_H
#define HADRON_NESTED_CLASSES_H

#include <string>
#include <vector>

#include "Rtypes.h"
#include "TString.h"

class NestedEvent {
public:
    std::vector<std::vector<float>> vvf; // jagged of jagged
    std::vector<int> vi;
    std::vector<std::string> vs;
    TString ts;
    std::string s;
    Double32_t d32 = 0;       // no range: stored as float
    Double32_t d32r = 0;      //[0, 100, 16]
    Double32_t d32m = 0;      //[0, 0, 12]
    Float16_t f16 = 0;        // no range: 12-bit mantissa
    Float16_t f16r = 0;       //[-1, 1, 10]
    Float16_t f16m = 0;       //[0, 0, 8]
    Double32_t d32arr[3] = {}; //[0, 10, 20]
    ClassDef(NestedEvent, 1)
};

#endif
