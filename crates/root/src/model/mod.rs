//! model (layer 4): objects streamed with TBufferFile — hand-coded classes with custom streamers
//! (TObject, TNamed, TObjArray, TList, TArray*, TBasket) and a generic reader driven by the file's
//! own TStreamerInfo for everything else.
//!
//! Objects come back as [`Value`] trees; [`Object`] holds the members of one class instance with
//! base-class members flattened in (derived members win on a name clash).

mod basket;
mod builtin;
mod read;

pub use basket::BasketRecord;
pub use read::{ObjectReader, read_object};

use std::sync::Arc;

/// A streamed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A null pointer.
    Null,
    /// `Bool_t`.
    Bool(bool),
    /// Any signed integer.
    Int(i64),
    /// Any unsigned integer.
    UInt(u64),
    /// `Float_t`, `Double_t`, `Double32_t`, `Float16_t`.
    Float(f64),
    /// `TString`, `std::string`, `char*`.
    String(String),
    /// An array of integers (fixed `x[N]`, variable `x[n]`, `TArrayI`, `vector<int>`, ...).
    Ints(Vec<i64>),
    /// An array of floating-point numbers.
    Floats(Vec<f64>),
    /// A collection of objects (`TObjArray`, `TList`, arrays of objects).
    List(Vec<Value>),
    /// One object.
    Object(Arc<Object>),
    /// A `TBasket` (custom streamer).
    Basket(Arc<BasketRecord>),
    /// A reference to an object that was not (yet) fully read, by its map offset.
    Ref(u64),
    /// An object that was skipped by its byte count: unknown class, or it failed to decode.
    Skipped {
        /// Its class.
        class: String,
        /// Why it was skipped.
        reason: String,
    },
}

/// One class instance: its class, version and members (bases flattened in, in streaming order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    /// Class name.
    pub class: String,
    /// Class version read from the buffer.
    pub version: i16,
    /// Members in streaming order.
    pub fields: Vec<(String, Value)>,
    /// Where `ReadObjectAny` mapped this object (what [`Value::Ref`]s to it hold), when read that way.
    pub map_offset: Option<u64>,
}

impl Object {
    /// The member called `name` (the last one, so derived classes win over bases).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Whether the member exists.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// A member as an integer (booleans and whole floats convert).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Value::as_int)
    }

    /// A member as a string.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A member as an integer array.
    pub fn ints(&self, name: &str) -> Option<&[i64]> {
        match self.get(name)? {
            Value::Ints(v) => Some(v),
            _ => None,
        }
    }

    /// A member as a list of objects.
    pub fn list(&self, name: &str) -> Option<&[Value]> {
        match self.get(name)? {
            Value::List(v) => Some(v),
            _ => None,
        }
    }

    /// The object's `fName`, or "" when it has none.
    pub fn name(&self) -> &str {
        self.str("fName").unwrap_or("")
    }
}

impl Value {
    /// As an integer (booleans, unsigned and integral floats convert).
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Value::Int(v) => Some(v),
            Value::UInt(v) => i64::try_from(v).ok(),
            Value::Bool(b) => Some(i64::from(b)),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Some(f as i64),
            _ => None,
        }
    }

    /// As an object.
    pub fn as_object(&self) -> Option<&Arc<Object>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// As an integer array (float arrays of whole numbers convert).
    pub fn to_ints(&self) -> Option<Vec<i64>> {
        match self {
            Value::Ints(v) => Some(v.clone()),
            Value::Floats(v) => Some(v.iter().map(|&f| f as i64).collect()),
            _ => None,
        }
    }
}
