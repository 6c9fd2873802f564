// Small TObject-derived classes modelled on Delphes' classes (DelphesClasses.h), for
// testdata/make_delphes_like.py. Compiled with ACLiC (`.L delphes_classes.h+`).
#ifndef HADRON_DELPHES_CLASSES_H
#define HADRON_DELPHES_CLASSES_H

#include "TObject.h"

class Electron : public TObject {
public:
    Float_t PT = 0;   // transverse momentum
    Float_t Eta = 0;  // pseudorapidity
    Float_t Phi = 0;  // azimuthal angle
    Int_t Charge = 0; // +1 or -1
    ClassDef(Electron, 3)
};

class Jet : public TObject {
public:
    Float_t PT = 0;
    Float_t Eta = 0;
    Float_t Phi = 0;
    Float_t Mass = 0;
    UInt_t BTag = 0; // 0 or 1
    ClassDef(Jet, 3)
};

class MissingET : public TObject {
public:
    Float_t MET = 0; // missing transverse energy
    Float_t Phi = 0;
    ClassDef(MissingET, 1)
};

#endif
