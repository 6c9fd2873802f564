//! arrow/types (layer 6): primitive ROOT types, C++ type names, and their Arrow types.

use arrow_schema::DataType;

use crate::dict::{FloatRange, code};
use crate::tree::LeafKind;

/// A primitive value type as stored on disk (big-endian).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Prim {
    /// `Bool_t` (1 byte).
    Bool,
    /// `Char_t`.
    I8,
    /// `UChar_t`.
    U8,
    /// `Short_t`.
    I16,
    /// `UShort_t`.
    U16,
    /// `Int_t`.
    I32,
    /// `UInt_t`.
    U32,
    /// `Long64_t` / `Long_t` on disk.
    I64,
    /// `ULong64_t`.
    U64,
    /// `Float_t`.
    F32,
    /// `Double_t`.
    F64,
    /// `Float16_t` with its packing.
    F16(Option<FloatRange>),
    /// `Double32_t` with its packing.
    D32(Option<FloatRange>),
}

/// How a Float16/Double32 value is packed on disk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Packing {
    /// A plain big-endian float32.
    Float,
    /// `u32` scaled into `[xmin, xmax]`: value = raw / factor + xmin.
    Factor { xmin: f64, factor: f64 },
    /// 1-byte exponent + 2-byte mantissa truncated to `nbits`.
    Nbits(u32),
}

impl Prim {
    /// Bytes per value on disk.
    pub fn disk_size(self) -> usize {
        match self {
            Prim::Bool | Prim::I8 | Prim::U8 => 1,
            Prim::I16 | Prim::U16 => 2,
            Prim::I32 | Prim::U32 | Prim::F32 => 4,
            Prim::I64 | Prim::U64 | Prim::F64 => 8,
            Prim::F16(_) | Prim::D32(_) => match self.packing() {
                Packing::Nbits(_) => 3,
                _ => 4,
            },
        }
    }

    /// The Arrow type of decoded values.
    pub fn data_type(self) -> DataType {
        match self {
            Prim::Bool => DataType::Boolean,
            Prim::I8 => DataType::Int8,
            Prim::U8 => DataType::UInt8,
            Prim::I16 => DataType::Int16,
            Prim::U16 => DataType::UInt16,
            Prim::I32 => DataType::Int32,
            Prim::U32 => DataType::UInt32,
            Prim::I64 => DataType::Int64,
            Prim::U64 => DataType::UInt64,
            Prim::F32 | Prim::F16(_) => DataType::Float32,
            Prim::F64 | Prim::D32(_) => DataType::Float64,
        }
    }

    /// The packing of Float16/Double32 (as ROOT's `TStreamerElement::GetRange` and `TBufferFile::ReadDouble32`).
    pub fn packing(self) -> Packing {
        let (range, float16) = match self {
            Prim::F16(r) => (r, true),
            Prim::D32(r) => (r, false),
            _ => return Packing::Float,
        };
        let Some(r) = range else {
            return if float16 { Packing::Nbits(12) } else { Packing::Float };
        };
        let nbits = if (2..=32).contains(&r.nbits) { r.nbits } else { 32 };
        if r.xmin < r.xmax {
            let bigint = if nbits < 32 { (1u64 << nbits) as f64 } else { u32::MAX as f64 };
            Packing::Factor { xmin: r.xmin, factor: bigint / (r.xmax - r.xmin) }
        } else if (2..15).contains(&r.nbits) {
            Packing::Nbits(r.nbits)
        } else if float16 {
            Packing::Nbits(12)
        } else {
            Packing::Float
        }
    }

    /// The primitive of a TLeaf class.
    pub fn from_leaf(kind: LeafKind, unsigned: bool, range: Option<FloatRange>) -> Option<Prim> {
        Some(match (kind, unsigned) {
            (LeafKind::B, false) => Prim::I8,
            (LeafKind::B, true) => Prim::U8,
            (LeafKind::S, false) => Prim::I16,
            (LeafKind::S, true) => Prim::U16,
            (LeafKind::I, false) => Prim::I32,
            (LeafKind::I, true) => Prim::U32,
            (LeafKind::L | LeafKind::G, false) => Prim::I64,
            (LeafKind::L | LeafKind::G, true) => Prim::U64,
            (LeafKind::F, _) => Prim::F32,
            (LeafKind::D, _) => Prim::F64,
            (LeafKind::O, _) => Prim::Bool,
            (LeafKind::F16, _) => Prim::F16(range),
            (LeafKind::D32, _) => Prim::D32(range),
            _ => return None,
        })
    }

    /// The primitive of a basic streamer type code (1..=19, after removing array offsets).
    pub fn from_code(c: i32, range: Option<FloatRange>) -> Option<Prim> {
        Some(match c {
            code::CHAR => Prim::I8,
            code::SHORT => Prim::I16,
            code::INT | code::COUNTER => Prim::I32,
            code::LONG | code::LONG64 => Prim::I64,
            code::FLOAT => Prim::F32,
            code::DOUBLE => Prim::F64,
            code::DOUBLE32 => Prim::D32(range),
            code::LEGACY_CHAR | code::UCHAR => Prim::U8,
            code::USHORT => Prim::U16,
            code::UINT | code::BITS => Prim::U32,
            code::ULONG | code::ULONG64 => Prim::U64,
            code::BOOL => Prim::Bool,
            code::FLOAT16 => Prim::F16(range),
            _ => return None,
        })
    }

    /// The primitive named by a C++ / ROOT type name (`float`, `Int_t`, `unsigned long long`, ...).
    pub fn from_type_name(name: &str) -> Option<Prim> {
        Some(match name.trim() {
            "bool" | "Bool_t" => Prim::Bool,
            "char" | "Char_t" | "signed char" | "int8_t" => Prim::I8,
            "unsigned char" | "UChar_t" | "uint8_t" | "Byte_t" => Prim::U8,
            "short" | "Short_t" | "int16_t" | "short int" => Prim::I16,
            "unsigned short" | "UShort_t" | "uint16_t" | "unsigned short int" => Prim::U16,
            "int" | "Int_t" | "int32_t" => Prim::I32,
            "unsigned int" | "UInt_t" | "uint32_t" | "unsigned" => Prim::U32,
            "long" | "Long_t" | "long long" | "Long64_t" | "int64_t" | "long int" | "long long int" => Prim::I64,
            "unsigned long" | "ULong_t" | "unsigned long long" | "ULong64_t" | "uint64_t" | "size_t" => Prim::U64,
            "float" | "Float_t" | "Real_t" => Prim::F32,
            "double" | "Double_t" => Prim::F64,
            "Float16_t" => Prim::F16(None),
            "Double32_t" => Prim::D32(None),
            _ => return None,
        })
    }
}

/// The shape of a C++ type name, as far as the Arrow layer decodes it.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeName {
    /// A primitive.
    Prim(Prim),
    /// `std::string` / `TString` / `char*`.
    String,
    /// A sequence container (`vector`, `list`, `deque`, `set`, `RVec`) of the inner type.
    Seq(Box<TypeName>),
    /// Anything else (a class, map, pair, ...), kept by name.
    Other(String),
}

impl TypeName {
    /// Parses a normalised type name (`vector<vector<float>>`).
    pub fn parse(name: &str) -> TypeName {
        let n = crate::dict::normalize_class_name(name);
        let n = n.trim().trim_start_matches("const ").trim_end_matches('*').trim();
        if let Some(p) = Prim::from_type_name(n) {
            return TypeName::Prim(p);
        }
        if matches!(n, "string" | "TString" | "char*") {
            return TypeName::String;
        }
        for seq in ["vector<", "list<", "deque<", "set<", "unordered_set<", "ROOT::VecOps::RVec<", "RVec<"] {
            if let Some(rest) = n.strip_prefix(seq).and_then(|r| r.strip_suffix('>')) {
                // Drop an allocator argument at depth 0.
                let inner = split_top_level(rest).into_iter().next().unwrap_or_default();
                return TypeName::Seq(Box::new(TypeName::parse(inner)));
            }
        }
        TypeName::Other(n.to_string())
    }
}

/// Splits template arguments at commas of depth 0.
pub(crate) fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, ch) in s.char_indices() {
        match ch {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_type_names() {
        assert_eq!(
            TypeName::parse("std::vector<std::vector<float> >"),
            TypeName::Seq(Box::new(TypeName::Seq(Box::new(TypeName::Prim(Prim::F32)))))
        );
        assert_eq!(TypeName::parse("vector<string>"), TypeName::Seq(Box::new(TypeName::String)));
        assert_eq!(TypeName::parse("TLorentzVector"), TypeName::Other("TLorentzVector".into()));
        assert_eq!(TypeName::parse("vector<int,allocator<int>>"), TypeName::Seq(Box::new(TypeName::Prim(Prim::I32))));
    }

    #[test]
    fn double32_packing_follows_root() {
        // Double32_t x; //[0, 100, 16]  → factor = 2^16 / 100
        let r = FloatRange { xmin: 0.0, xmax: 100.0, nbits: 16 };
        assert_eq!(Prim::D32(Some(r)).packing(), Packing::Factor { xmin: 0.0, factor: 655.36 });
        // [0,0,10] → truncated mantissa with 10 bits
        let r = FloatRange { xmin: 0.0, xmax: 0.0, nbits: 10 };
        assert_eq!(Prim::D32(Some(r)).packing(), Packing::Nbits(10));
        assert_eq!(Prim::D32(Some(r)).disk_size(), 3);
        assert_eq!(Prim::D32(None).packing(), Packing::Float);
        assert_eq!(Prim::F16(None).packing(), Packing::Nbits(12));
    }
}
