//! The table-driven codec of the generated model structs.
//!
//! A generated struct carries no per-member code: [`wire_object!`](crate::wire_object) gives it
//! one static [`Table`] of its members (wire name, Rust name, how the member is written, its
//! tolerant [`Decoder`]) and one pair of accessors ([`Model::fields`], [`Model::fields_mut`])
//! that hand the runtime every field as a [`Field`] trait object, in declaration order. The
//! runtime walks the table once for everything the struct implements — `Serialize`,
//! `Deserialize`, `Debug`, `PartialEq`, `Clone` — and those impls are one-line shims.
//!
//! Why: type checking and borrow checking a function body per struct and trait (a `serialize`
//! with one call per member, a `member` match with one arm per member, the derived
//! `Debug`/`Clone`/`PartialEq` with a line per member) was most of a models crate's build.
//! Here the bodies are compiled once, in this crate: [`Field`] is implemented once for every
//! field type the generator uses ([`Wire`]: the scalars, `String`, `serde_json::Value`,
//! [`File`](crate::File), `Option`, `Vec`, `BTreeMap`, and every generated model and enum), and
//! the walkers are generic only in the serializer or deserializer, not in the model.
//!
//! Behaviour is that of the per-struct code it replaces: the same wire names, leniency
//! ([`crate::loose`]), `missing field` errors for required members, members written in
//! declaration order with absent optional members and empty optional lists left out, unknown
//! members skipped, a repeated member keeping its last value, and `Debug` output as the derive
//! writes it.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::error::Error;

/// A deserializer behind a trait object (`erased_serde`): what a [`Field`] decodes from.
pub type Erased<'a, 'de> = &'a mut dyn erased_serde::Deserializer<'de>;

/// The error of a [`Field`]'s decoding.
pub type ErasedError = erased_serde::Error;

/// The text of a generated enum's value, loosely ([`crate::decode::string_lenient`]).
pub fn enum_text(d: Erased<'_, '_>) -> Result<String, erased_serde::Error> {
    crate::decode::string_lenient(d)
}

/// [`enum_text`] from a JSON value.
pub fn enum_text_value(v: Value) -> Result<String, serde_json::Error> {
    crate::decode::string_lenient(v)
}

/// How a member is written on serialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Always written (whether decoding requires it is [`Table::required`]).
    Field,
    /// Left out when `None`.
    Opt,
    /// Left out when empty.
    List,
}

/// How a member is decoded: with its type's own rules, or through one of the tolerant
/// decoders of [`crate::decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// The type's own `Deserialize`.
    Plain,
    /// [`crate::decode::lenient_opt`]: a number or boolean as a string; `null` and `""` are `None`.
    LenientOpt,
    /// [`crate::decode::string_lenient_opt`]: a string that may arrive as a number or boolean.
    StringLenientOpt,
    /// [`crate::decode::list`]: a wrapped list, a lone element, `null`.
    List,
    /// [`crate::decode::list_lenient`]: a [`Decoder::List`] of lenient scalars.
    ListLenient,
    /// [`crate::decode::null_as_default`]: `null` is the type's default.
    NullAsDefault,
}

/// One member of a [`Table`].
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// Wire name.
    pub wire: &'static str,
    /// Rust field name (`Debug`); `r#` prefixes are dropped when printed.
    pub name: &'static str,
    /// How it is written.
    pub kind: Kind,
    /// How it is read.
    pub decoder: Decoder,
}

impl Member {
    /// A [`Kind::Field`] member ([`wire_object!`](crate::wire_object)'s `field("Wire")`).
    pub const fn field(wire: &'static str, name: &'static str, decoder: Decoder) -> Self {
        Self {
            wire,
            name,
            kind: Kind::Field,
            decoder,
        }
    }
    /// A [`Kind::Opt`] member (`opt("Wire")`).
    pub const fn opt(wire: &'static str, name: &'static str, decoder: Decoder) -> Self {
        Self {
            wire,
            name,
            kind: Kind::Opt,
            decoder,
        }
    }
    /// A [`Kind::List`] member (`list("Wire")`).
    pub const fn list(wire: &'static str, name: &'static str, decoder: Decoder) -> Self {
        Self {
            wire,
            name,
            kind: Kind::List,
            decoder,
        }
    }
}

/// The members of a generated struct, in declaration order.
#[derive(Debug)]
pub struct Table {
    /// The struct's name (`Debug`).
    pub name: &'static str,
    /// Its members; [`Model::fields`] hands over the fields in this order.
    pub members: &'static [Member],
    /// Wire names of the required members (decoding fails when one is missing), in
    /// declaration order.
    pub required: &'static [&'static str],
}

/// A generated model struct, as [`wire_object!`](crate::wire_object) implements it: its table
/// and its fields as trait objects.
pub trait Model {
    /// The member table.
    fn table(&self) -> &'static Table;
    /// Calls `f` with every field, in table order.
    fn fields(&self, f: &mut dyn FnMut(&[&dyn Field]));
    /// Calls `f` with every field mutably, in table order.
    fn fields_mut(&mut self, f: &mut dyn FnMut(&mut [&mut dyn Field]));
    /// The value decoding starts from: every member at its default.
    fn empty() -> Self
    where
        Self: Sized;
}

/// A field of a generated struct (or an element of a list field), as the walkers see it:
/// what it holds, read ([`Field::view`]) or written ([`Field::place`]).
///
/// Implemented here for the scalars, `String`, `serde_json::Value`, [`File`](crate::File),
/// `BTreeMap<String, _>`, `Option<T>`, `Vec<T>` and every [`Model`], and by
/// [`wire_enum!`](crate::wire_enum) for the generated enums. The few lines per type are all
/// that is compiled per type: decoding, writing, `Debug`, equality and cloning walk the views
/// in this crate.
pub trait Field {
    /// What the field holds.
    fn view(&self) -> View<'_>;
    /// The field to write into.
    fn place(&mut self) -> Place<'_>;
    /// Sets the field to its blank value (`None`, empty, [`Model::empty`]).
    fn reset(&mut self);
    /// The blank value.
    fn blank() -> Self
    where
        Self: Sized;
}

/// What a field holds, read.
#[derive(Clone, Copy)]
pub enum View<'a> {
    /// A value written by its own `Serialize`: a scalar, string, map, free-form value or enum.
    Leaf(&'a dyn Leaf),
    /// An absent `Option`.
    None,
    /// A present `Option`.
    Some(&'a dyn Field),
    /// A list.
    Seq(&'a dyn Seq),
    /// A generated struct.
    Model(&'a dyn Model),
}

impl View<'_> {
    /// `None`, or an empty list: what [`Kind::Opt`] and [`Kind::List`] leave out.
    pub fn is_absent(&self) -> bool {
        match self {
            View::None => true,
            View::Seq(s) => s.is_empty(),
            _ => false,
        }
    }
}

/// A field to write into.
pub enum Place<'a> {
    /// A scalar, string, map, free-form value or enum.
    Leaf(&'a mut dyn LeafMut),
    /// An `Option`.
    Opt(&'a mut dyn OptPlace),
    /// A list.
    Seq(&'a mut dyn SeqPlace),
    /// A generated struct.
    Model(&'a mut dyn Model),
}

/// A value written by its own `Serialize`.
pub trait Leaf: Any {
    /// The value as a serde value.
    fn ser(&self) -> &dyn erased_serde::Serialize;
    /// The value for `Debug`.
    fn debug(&self) -> &dyn fmt::Debug;
    /// Equality with another leaf (of the same type, else `false`).
    fn eq_leaf(&self, other: &dyn Leaf) -> bool;
    /// The value as `Any`.
    fn leaf_any(&self) -> &dyn Any;
}

impl<T: Any + Serialize + fmt::Debug + PartialEq> Leaf for T {
    fn ser(&self) -> &dyn erased_serde::Serialize {
        self
    }
    fn debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn eq_leaf(&self, other: &dyn Leaf) -> bool {
        other.leaf_any().downcast_ref::<T>() == Some(self)
    }
    fn leaf_any(&self) -> &dyn Any {
        self
    }
}

/// How loosely a [`LeafMut`] reads a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loose {
    /// With the type's own `Deserialize`.
    No,
    /// A number or boolean also from its text ([`crate::loose`]).
    Scalar,
    /// A string also from a number or boolean.
    String,
}

/// A leaf to write into: decoded by its own `Deserialize`, or from a JSON value.
pub trait LeafMut {
    /// Decodes with the type's own `Deserialize`; with `null_as_default`, `null` leaves the
    /// blank value.
    fn decode(&mut self, d: Erased<'_, '_>, null_as_default: bool) -> Result<(), ErasedError>;
    /// Reads a JSON value.
    fn set_value(&mut self, v: Value, loose: Loose) -> Result<(), serde_json::Error>;
    /// Replaces the value with a clone of `from` (of the same type, else nothing happens).
    fn clone_leaf(&mut self, from: &dyn Leaf);
}

/// An `Option` field to write into.
pub trait OptPlace {
    /// Sets it to a blank `Some` and returns the inner field.
    fn some(&mut self) -> &mut dyn Field;
}

/// A list field's elements, read.
pub trait Seq {
    /// Number of elements.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Element `i` (`i < len()`).
    fn get(&self, i: usize) -> &dyn Field;
}

/// A list field to write into.
pub trait SeqPlace {
    /// Appends a blank element and returns it.
    fn push(&mut self) -> &mut dyn Field;
}

impl<T: Field> Field for Option<T> {
    fn view(&self) -> View<'_> {
        match self {
            Some(v) => View::Some(v),
            None => View::None,
        }
    }
    fn place(&mut self) -> Place<'_> {
        Place::Opt(self)
    }
    fn reset(&mut self) {
        *self = None;
    }
    fn blank() -> Self {
        None
    }
}

impl<T: Field> OptPlace for Option<T> {
    fn some(&mut self) -> &mut dyn Field {
        self.insert(T::blank())
    }
}

impl<T: Field> Field for Vec<T> {
    fn view(&self) -> View<'_> {
        View::Seq(self)
    }
    fn place(&mut self) -> Place<'_> {
        Place::Seq(self)
    }
    fn reset(&mut self) {
        self.clear();
    }
    fn blank() -> Self {
        Vec::new()
    }
}

impl<T: Field> Seq for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn get(&self, i: usize) -> &dyn Field {
        &self[i]
    }
}

impl<T: Field> SeqPlace for Vec<T> {
    fn push(&mut self) -> &mut dyn Field {
        Vec::push(self, T::blank());
        let last = Vec::len(self) - 1;
        &mut self[last]
    }
}

impl<M: Model> Field for M {
    fn view(&self) -> View<'_> {
        View::Model(self)
    }
    fn place(&mut self) -> Place<'_> {
        Place::Model(self)
    }
    fn reset(&mut self) {
        *self = M::empty();
    }
    fn blank() -> Self {
        M::empty()
    }
}

/// A scalar through [`crate::decode`]'s loose parsing.
fn loose_scalar<T>(v: Value) -> Result<T, serde_json::Error>
where
    T: std::str::FromStr + serde::de::DeserializeOwned,
    T::Err: fmt::Display,
{
    crate::decode::parse_from_value::<T, serde_json::Error>(v)
}

/// A value read by its own `Deserialize` (for [`LeafMut::decode`] of the leaf types and the
/// generated enums).
pub fn decode_leaf<T: serde::de::DeserializeOwned>(
    out: &mut T,
    d: Erased<'_, '_>,
    null_as_default: bool,
) -> Result<(), ErasedError> {
    if null_as_default {
        if let Some(v) = erased_serde::deserialize::<Option<T>>(d)? {
            *out = v;
        }
    } else {
        *out = erased_serde::deserialize(d)?;
    }
    Ok(())
}

/// [`LeafMut::clone_leaf`] of a leaf type.
pub fn clone_leaf<T: Clone + 'static>(out: &mut T, from: &dyn Leaf) {
    if let Some(from) = from.leaf_any().downcast_ref::<T>() {
        out.clone_from(from);
    }
}

macro_rules! leaf_field {
    ($ty:ty, $blank:expr) => {
        impl Field for $ty {
            fn view(&self) -> View<'_> {
                View::Leaf(self)
            }
            fn place(&mut self) -> Place<'_> {
                Place::Leaf(self)
            }
            fn reset(&mut self) {
                *self = $blank;
            }
            fn blank() -> Self {
                $blank
            }
        }
    };
}

macro_rules! wire_scalar {
    ($($ty:ty),* $(,)?) => {$(
        leaf_field!($ty, <$ty>::default());
        impl LeafMut for $ty {
            fn decode(&mut self, d: Erased<'_, '_>, null_as_default: bool) -> Result<(), ErasedError> {
                decode_leaf(self, d, null_as_default)
            }
            fn set_value(&mut self, v: Value, loose: Loose) -> Result<(), serde_json::Error> {
                *self = match loose {
                    Loose::No => serde_json::from_value(v)?,
                    _ => loose_scalar(v)?,
                };
                Ok(())
            }
            fn clone_leaf(&mut self, from: &dyn Leaf) {
                clone_leaf(self, from)
            }
        }
    )*};
}

wire_scalar!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

leaf_field!(String, String::new());

impl LeafMut for String {
    fn decode(&mut self, d: Erased<'_, '_>, null_as_default: bool) -> Result<(), ErasedError> {
        decode_leaf(self, d, null_as_default)
    }
    fn set_value(&mut self, v: Value, loose: Loose) -> Result<(), serde_json::Error> {
        *self = match loose {
            Loose::No => serde_json::from_value(v)?,
            Loose::Scalar => loose_scalar(v)?,
            Loose::String => crate::loose::string_of(v)
                .ok_or_else(|| serde_json::Error::custom("expected a string"))?,
        };
        Ok(())
    }
    fn clone_leaf(&mut self, from: &dyn Leaf) {
        clone_leaf(self, from)
    }
}

leaf_field!(Value, Value::Null);

impl LeafMut for Value {
    fn decode(&mut self, d: Erased<'_, '_>, _: bool) -> Result<(), ErasedError> {
        *self = erased_value(d)?;
        Ok(())
    }
    fn set_value(&mut self, v: Value, _: Loose) -> Result<(), serde_json::Error> {
        *self = v;
        Ok(())
    }
    fn clone_leaf(&mut self, from: &dyn Leaf) {
        clone_leaf(self, from)
    }
}

/// A leaf decoded and read by its own serde impls, whatever the decoder.
macro_rules! plain_leaf {
    ($([$($g:tt)*] $ty:ty),* $(,)?) => {$(
        impl<$($g)*> LeafMut for $ty {
            fn decode(&mut self, d: Erased<'_, '_>, null_as_default: bool) -> Result<(), ErasedError> {
                decode_leaf(self, d, null_as_default)
            }
            fn set_value(&mut self, v: Value, _: Loose) -> Result<(), serde_json::Error> {
                *self = serde_json::from_value(v)?;
                Ok(())
            }
            fn clone_leaf(&mut self, from: &dyn Leaf) {
                clone_leaf(self, from)
            }
        }
    )*};
}

/// The value types of a `BTreeMap<String, _>` field.
pub trait MapValue:
    Serialize + serde::de::DeserializeOwned + fmt::Debug + PartialEq + Clone + 'static
{
}
impl<T: Serialize + serde::de::DeserializeOwned + fmt::Debug + PartialEq + Clone + 'static> MapValue
    for T
{
}

leaf_field!(crate::File, crate::File::default());
plain_leaf!([] crate::File, [T: MapValue] BTreeMap<String, T>);

impl<T: MapValue> Field for BTreeMap<String, T> {
    fn view(&self) -> View<'_> {
        View::Leaf(self)
    }
    fn place(&mut self) -> Place<'_> {
        Place::Leaf(self)
    }
    fn reset(&mut self) {
        self.clear();
    }
    fn blank() -> Self {
        BTreeMap::new()
    }
}

fn erased_value(d: Erased<'_, '_>) -> Result<Value, ErasedError> {
    erased_serde::deserialize::<Value>(d)
}

fn custom(msg: impl fmt::Display) -> ErasedError {
    <ErasedError as serde::de::Error>::custom(msg)
}

/// Calls `some` with the inner deserializer of an `Option` when the value is not `null`.
fn decode_option<'de>(
    d: Erased<'_, 'de>,
    some: &mut dyn FnMut(Erased<'_, 'de>) -> Result<(), ErasedError>,
) -> Result<(), ErasedError> {
    struct OptionVisitor<'a, 'de>(&'a mut dyn FnMut(Erased<'_, 'de>) -> Result<(), ErasedError>);
    impl<'de> Visitor<'de> for OptionVisitor<'_, 'de> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("option")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            let mut d = <dyn erased_serde::Deserializer>::erase(d);
            (self.0)(&mut d).map_err(D::Error::custom)
        }
    }
    d.deserialize_option(OptionVisitor(some))
}

/// Calls `element` with each element of a sequence.
fn decode_seq<'de>(
    d: Erased<'_, 'de>,
    element: &mut dyn FnMut(Erased<'_, 'de>) -> Result<(), ErasedError>,
) -> Result<(), ErasedError> {
    type Each<'a, 'de> = &'a mut dyn FnMut(Erased<'_, 'de>) -> Result<(), ErasedError>;
    struct SeqVisitor<'a, 'de>(Each<'a, 'de>);
    struct Element<'a, 'b, 'de>(&'a mut Each<'b, 'de>);
    impl<'de> DeserializeSeed<'de> for Element<'_, '_, 'de> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            let mut d = <dyn erased_serde::Deserializer>::erase(d);
            (self.0)(&mut d).map_err(D::Error::custom)
        }
    }
    impl<'de> Visitor<'de> for SeqVisitor<'_, 'de> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Element(&mut self.0))?.is_some() {}
            Ok(())
        }
    }
    d.deserialize_seq(SeqVisitor(element))
}

/// Decodes a member's value into `field` with `decoder`, replacing what it held.
pub fn decode_field(
    field: &mut dyn Field,
    decoder: Decoder,
    d: Erased<'_, '_>,
) -> Result<(), ErasedError> {
    field.reset();
    match field.place() {
        Place::Leaf(l) => l.decode(d, decoder == Decoder::NullAsDefault),
        Place::Model(m) => {
            if decoder == Decoder::NullAsDefault {
                decode_option(d, &mut |d| deserialize_erased(d, m))
            } else {
                deserialize_erased(d, m)
            }
        }
        Place::Opt(o) => match decoder {
            Decoder::LenientOpt => match erased_value(d)? {
                Value::Null => Ok(()),
                Value::String(s) if crate::loose::is_blank(&s) => Ok(()),
                v => set_value(o.some(), v, Loose::Scalar).map_err(custom),
            },
            Decoder::StringLenientOpt => match erased_value(d)? {
                Value::Null => Ok(()),
                v => set_value(o.some(), v, Loose::String).map_err(custom),
            },
            _ => decode_option(d, &mut |d| decode_field(o.some(), Decoder::Plain, d)),
        },
        Place::Seq(s) => match decoder {
            Decoder::List | Decoder::ListLenient => {
                let loose = if decoder == Decoder::List {
                    Loose::No
                } else {
                    Loose::Scalar
                };
                for v in crate::decode::list_items(erased_value(d)?) {
                    set_value(s.push(), v, loose).map_err(custom)?;
                }
                Ok(())
            }
            Decoder::NullAsDefault => decode_option(d, &mut |d| {
                decode_seq(d, &mut |d| decode_field(s.push(), Decoder::Plain, d))
            }),
            _ => decode_seq(d, &mut |d| decode_field(s.push(), Decoder::Plain, d)),
        },
    }
}

/// Reads a JSON value into `field` (a list's element or an `Option`'s value), loosely as
/// `loose` says for scalars.
fn set_value(field: &mut dyn Field, v: Value, loose: Loose) -> Result<(), serde_json::Error> {
    field.reset();
    match field.place() {
        Place::Leaf(l) => l.set_value(v, loose),
        Place::Model(m) => from_value_into(v, m),
        Place::Opt(o) => match v {
            Value::Null => Ok(()),
            v => set_value(o.some(), v, loose),
        },
        Place::Seq(s) => match v {
            Value::Array(a) => a
                .into_iter()
                .try_for_each(|v| set_value(s.push(), v, loose)),
            other => Err(serde_json::Error::custom(format!(
                "invalid type: {}, expected a sequence",
                unexpected(&other)
            ))),
        },
    }
}

/// serde's wording of an unexpected JSON value.
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// Decodes into `out` (a generated struct at its [`Model::empty`]) from a JSON value.
pub fn from_value_into(v: Value, out: &mut dyn Model) -> Result<(), serde_json::Error> {
    deserialize_into(v, out)
}

/// Decodes into `out` from a map: unknown members are skipped, a repeated member keeps its
/// last value, a missing required member is an error (the first in declaration order).
/// Generic only in the deserializer; the walk is [`deserialize_erased`].
pub fn deserialize_into<'de, D: Deserializer<'de>>(
    d: D,
    out: &mut dyn Model,
) -> Result<(), D::Error> {
    let mut d = <dyn erased_serde::Deserializer>::erase(d);
    deserialize_erased(&mut d, out).map_err(D::Error::custom)
}

/// [`deserialize_into`] from a deserializer behind a trait object: the one walk, compiled here.
pub fn deserialize_erased(d: Erased<'_, '_>, out: &mut dyn Model) -> Result<(), ErasedError> {
    struct ObjectVisitor<'a>(&'a mut dyn Model);
    impl<'de> Visitor<'de> for ObjectVisitor<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let table = self.0.table();
            let mut result = Ok(());
            self.0
                .fields_mut(&mut |fields| result = walk(table, fields, &mut map));
            result
        }
    }
    d.deserialize_map(ObjectVisitor(out))
}

fn walk<'de, A: MapAccess<'de>>(
    table: &'static Table,
    fields: &mut [&mut dyn Field],
    map: &mut A,
) -> Result<(), A::Error> {
    // Required members seen, as bits (no struct has 64 required members; any past 64 are not
    // checked rather than misreported).
    let mut seen = 0u64;
    while let Some(key) = map.next_key_seed(Key(table))? {
        match key {
            Some(i) => {
                let wire = table.members[i].wire;
                if let Some(r) = table.required.iter().position(|r| *r == wire) {
                    seen |= 1u64.checked_shl(r as u32).unwrap_or(0);
                }
                map.next_value_seed(Slot {
                    field: &mut *fields[i],
                    decoder: table.members[i].decoder,
                })?
            }
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    match (0..table.required.len().min(64)).find(|i| seen & (1 << i) == 0) {
        Some(i) => Err(A::Error::missing_field(table.required[i])),
        None => Ok(()),
    }
}

/// A member name, looked up in the table without allocating: the member's index, or `None`
/// for an unknown member.
struct Key(&'static Table);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.members.iter().position(|m| m.wire == key))
    }
}

struct Slot<'a> {
    field: &'a mut dyn Field,
    decoder: Decoder,
}

impl<'de> DeserializeSeed<'de> for Slot<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let mut d = <dyn erased_serde::Deserializer>::erase(d);
        decode_field(self.field, self.decoder, &mut d).map_err(D::Error::custom)
    }
}

/// `Deserialize` of a generated struct: from [`Model::empty`], through its table.
pub fn deserialize<'de, D: Deserializer<'de>, M: Model>(d: D) -> Result<M, D::Error> {
    let mut out = M::empty();
    deserialize_into(d, &mut out)?;
    Ok(out)
}

/// `Serialize` of a generated struct: a map of its members in declaration order, absent
/// optional members and empty optional lists left out.
pub fn serialize<S: Serializer>(m: &dyn Model, s: S) -> Result<S::Ok, S::Error> {
    erased_serde::serialize(as_serialize(&AsSerialize(m)), s)
}

fn as_serialize<'a>(m: &'a AsSerialize<'a>) -> &'a dyn erased_serde::Serialize {
    m
}

/// A generated struct as a `Serialize` value.
pub struct AsSerialize<'a>(pub &'a dyn Model);

impl Serialize for AsSerialize<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let table = self.0.table();
        let mut map = s.serialize_map(None)?;
        let mut result = Ok(());
        self.0.fields(&mut |fields| {
            result = (|| {
                for (member, field) in table.members.iter().zip(fields) {
                    let view = field.view();
                    if matches!(member.kind, Kind::Opt | Kind::List) && view.is_absent() {
                        continue;
                    }
                    map.serialize_entry(member.wire, &view)?;
                }
                Ok(())
            })()
        });
        result?;
        map.end()
    }
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            View::Leaf(v) => v.ser().serialize(s),
            View::None => s.serialize_none(),
            View::Some(v) => s.serialize_some(&v.view()),
            View::Seq(v) => s.collect_seq((0..v.len()).map(|i| v.get(i).view())),
            View::Model(m) => AsSerialize(m).serialize(s),
        }
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            View::Leaf(v) => v.debug().fmt(f),
            View::None => f.write_str("None"),
            View::Some(v) => f.debug_tuple("Some").field(&v.view()).finish(),
            View::Seq(v) => f
                .debug_list()
                .entries((0..v.len()).map(|i| v.get(i).view()))
                .finish(),
            View::Model(m) => debug(m, f),
        }
    }
}

/// `Debug` of a generated struct, as `#[derive(Debug)]` writes it.
pub fn debug(m: &dyn Model, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let table = m.table();
    let mut result = Ok(());
    m.fields(&mut |fields| {
        let mut d = f.debug_struct(table.name);
        for (member, field) in table.members.iter().zip(fields) {
            let name = member.name.strip_prefix("r#").unwrap_or(member.name);
            d.field(name, &field.view());
        }
        result = d.finish();
    });
    result
}

/// `PartialEq` of a generated struct: every field equal.
pub fn eq(a: &dyn Model, b: &dyn Model) -> bool {
    let mut equal = true;
    a.fields(&mut |a| {
        b.fields(&mut |b| {
            equal = a.len() == b.len() && a.iter().zip(b).all(|(x, y)| view_eq(x.view(), y.view()));
        })
    });
    equal
}

fn view_eq(a: View<'_>, b: View<'_>) -> bool {
    match (a, b) {
        (View::Leaf(x), View::Leaf(y)) => x.eq_leaf(y),
        (View::None, View::None) => true,
        (View::Some(x), View::Some(y)) => view_eq(x.view(), y.view()),
        (View::Seq(x), View::Seq(y)) => {
            x.len() == y.len() && (0..x.len()).all(|i| view_eq(x.get(i).view(), y.get(i).view()))
        }
        (View::Model(x), View::Model(y)) => eq(x, y),
        _ => false,
    }
}

/// `Clone` of a generated struct: [`Model::empty`], then every field cloned.
pub fn clone<M: Model>(m: &M) -> M {
    let mut out = M::empty();
    clone_into(m, &mut out);
    out
}

/// Clones every field of `from` into `to` (two values of the same struct).
pub fn clone_into(from: &dyn Model, to: &mut dyn Model) {
    from.fields(&mut |from| {
        to.fields_mut(&mut |to| {
            for (t, f) in to.iter_mut().zip(from) {
                clone_field(&mut **t, *f);
            }
        })
    });
}

fn clone_field(to: &mut dyn Field, from: &dyn Field) {
    to.reset();
    match (to.place(), from.view()) {
        (Place::Leaf(t), View::Leaf(f)) => t.clone_leaf(f),
        (Place::Opt(t), View::Some(f)) => clone_field(t.some(), f),
        (Place::Seq(t), View::Seq(f)) => {
            for i in 0..f.len() {
                clone_field(t.push(), f.get(i));
            }
        }
        (Place::Model(t), View::Model(f)) => clone_into(f, t),
        // `None`, or (never: both are the same field of one struct) another type.
        _ => {}
    }
}

/// Decodes a JSON response body into a generated struct, mapping failures to
/// [`Error::Decode`] with a body excerpt; an empty body decodes as `{}`. Only
/// [`Model::empty`] is instantiated per struct; the walk is compiled once, here.
pub fn from_json<M: Model>(status: u16, body: &[u8]) -> Result<M, Error> {
    let mut out = M::empty();
    from_json_into(status, body, &mut out)?;
    Ok(out)
}

/// [`from_json`] into a value at its [`Model::empty`].
pub fn from_json_into(status: u16, body: &[u8], out: &mut dyn Model) -> Result<(), Error> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    deserialize_into(&mut de, out)
        .and_then(|()| de.end())
        .map_err(|e| Error::decode(status, e.to_string(), body))
}

/// Field types every models crate uses, instantiated here so that the models crates link to
/// this crate's copies of their [`Field`] code instead of compiling their own (debug builds
/// share generic instances with their dependencies).
#[doc(hidden)]
pub fn __common_fields(f: &mut dyn FnMut(&mut dyn Field)) {
    macro_rules! each {
        ($($ty:ty),* $(,)?) => {$(
            f(&mut <$ty as Field>::blank());
            f(&mut <Option<$ty> as Field>::blank());
            f(&mut <Vec<$ty> as Field>::blank());
        )*};
    }
    each!(
        String,
        bool,
        i32,
        i64,
        u32,
        u64,
        f32,
        f64,
        Value,
        crate::File,
        BTreeMap<String, String>,
        BTreeMap<String, Value>,
        BTreeMap<String, i32>,
        BTreeMap<String, i64>,
        BTreeMap<String, bool>,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A nested struct without `Default` (a request-side type with a required member).
    struct Tag {
        key: String,
        value: Option<i64>,
    }
    crate::wire_object!(
        Tag {
            key: Field("Key", Plain),
            value: Opt("Value", LenientOpt),
        },
        required = ["Key"],
    );

    #[derive(Default)]
    struct Model {
        id: String,
        total: Option<i64>,
        name: Option<String>,
        tags: Vec<Tag>,
        ports: Vec<u16>,
        items: Vec<String>,
        always: Vec<String>,
        extra: Option<BTreeMap<String, Value>>,
        r#type: Option<Tag>,
        free: Value,
    }
    crate::wire_object!(
        Model {
            id: Field("Id", Plain),
            total: Opt("Total", LenientOpt),
            name: Opt("Name", StringLenientOpt),
            tags: List("Tags", List),
            ports: List("Ports", ListLenient),
            items: List("Items", NullAsDefault),
            always: Field("Always", List),
            extra: Opt("Extra", Plain),
            r#type: Opt("Type", Plain),
            free: Field("Free", Plain),
            ..Default::default()
        },
        required = ["Id"],
    );

    /// The same struct with serde's and std's derives: what the table codec must match.
    #[derive(Debug, Clone, PartialEq, serde::Serialize)]
    struct TagDerived {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Value", skip_serializing_if = "Option::is_none")]
        value: Option<i64>,
    }

    #[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
    struct ModelDerived {
        #[serde(rename = "Id")]
        id: String,
        #[serde(rename = "Total", skip_serializing_if = "Option::is_none")]
        total: Option<i64>,
        #[serde(rename = "Name", skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(rename = "Tags", skip_serializing_if = "Vec::is_empty")]
        tags: Vec<TagDerived>,
        #[serde(rename = "Ports", skip_serializing_if = "Vec::is_empty")]
        ports: Vec<u16>,
        #[serde(rename = "Items", skip_serializing_if = "Vec::is_empty")]
        items: Vec<String>,
        #[serde(rename = "Always")]
        always: Vec<String>,
        #[serde(rename = "Extra", skip_serializing_if = "Option::is_none")]
        extra: Option<BTreeMap<String, Value>>,
        #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
        r#type: Option<TagDerived>,
        #[serde(rename = "Free")]
        free: Value,
    }

    fn tag(t: &Tag) -> TagDerived {
        TagDerived {
            key: t.key.clone(),
            value: t.value,
        }
    }

    fn derived(m: &Model) -> ModelDerived {
        ModelDerived {
            id: m.id.clone(),
            total: m.total,
            name: m.name.clone(),
            tags: m.tags.iter().map(tag).collect(),
            ports: m.ports.clone(),
            items: m.items.clone(),
            always: m.always.clone(),
            extra: m.extra.clone(),
            r#type: m.r#type.as_ref().map(tag),
            free: m.free.clone(),
        }
    }

    const FULL: &str = r#"{"Id":"a","Total":"3","Name":7,"Tags":{"Tag":[{"Key":"k","Value":"5"},{"Key":"l"}]},
        "Ports":["80",443],"Items":null,"Always":{"S":["x"]},"Extra":{"a":[1,{"b":null}]},
        "Type":{"Key":"t"},"Free":{"deep":[1,2]},"Unknown":{"deep":[1,2]}}"#;

    #[test]
    fn decodes_leniently_member_by_member() {
        let m: Model = serde_json::from_str(FULL).unwrap();
        assert_eq!(m.id, "a");
        assert_eq!(m.total, Some(3));
        assert_eq!(m.name.as_deref(), Some("7"));
        assert_eq!(
            (
                m.tags.len(),
                m.tags[0].key.as_str(),
                m.tags[0].value,
                m.tags[1].value
            ),
            (2, "k", Some(5), None)
        );
        assert_eq!(m.ports, vec![80, 443]);
        assert!(m.items.is_empty());
        assert_eq!(m.always, vec!["x".to_owned()]);
        assert_eq!(
            m.extra.as_ref().unwrap()["a"],
            serde_json::json!([1, {"b": null}])
        );
        assert_eq!(m.r#type.as_ref().unwrap().key, "t");
        assert_eq!(m.free, serde_json::json!({"deep": [1, 2]}));
        // The same through a `Value` (server parameters), as a list element, and as a body.
        let v: Vec<Model> =
            serde_json::from_value(serde_json::json!([{"Id": "x", "Total": 1}])).unwrap();
        assert_eq!((v[0].id.as_str(), v[0].total), ("x", Some(1)));
        let b: Model = from_json(200, FULL.as_bytes()).unwrap();
        assert_eq!(b, m);
        // Absent members keep their defaults; a repeated member keeps the last value, whole.
        let m: Model = serde_json::from_str(
            r#"{"Id":"a","Type":{"Key":"x","Value":1},"Type":{"Key":"y"},"Id":"b"}"#,
        )
        .unwrap();
        assert_eq!(m.id, "b");
        assert_eq!(
            m.r#type.as_ref().map(|t| (t.key.as_str(), t.value)),
            Some(("y", None))
        );
        assert_eq!((m.total, m.tags.len(), m.free.is_null()), (None, 0, true));
    }

    #[test]
    fn errors_as_the_derive() {
        let missing = serde_json::from_str::<Model>(r#"{"Total":1}"#).unwrap_err();
        assert!(
            missing.to_string().starts_with("missing field `Id`"),
            "{missing}"
        );
        let nested = serde_json::from_str::<Model>(r#"{"Id":"a","Type":{"Value":1}}"#).unwrap_err();
        assert!(
            nested.to_string().contains("missing field `Key`"),
            "{nested}"
        );
        let wrong = serde_json::from_str::<Model>(r#"{"Id":1}"#).unwrap_err();
        assert!(
            wrong.to_string().contains("invalid type: integer `1`"),
            "{wrong}"
        );
        // One position, where the error is.
        assert!(wrong.to_string().ends_with("at line 1 column 7"), "{wrong}");
        assert!(
            serde_json::from_str::<Model>(r#""Id""#).is_err(),
            "not an object"
        );
        assert!(serde_json::from_str::<Model>(r#"{"Id":"a","Total":"x"}"#).is_err());
        assert!(serde_json::from_str::<Model>(r#"{"Id":"a","Ports":["x"]}"#).is_err());
        assert!(serde_json::from_str::<Model>(r#"{"Id":"a","Tags":[{"Key":2}]}"#).is_err());
        let e = from_json::<Model>(200, b"<html>").unwrap_err();
        assert!(matches!(e, Error::Decode { status: 200, .. }), "{e:?}");
        assert!(
            from_json::<Model>(200, br#"{"Id":"a"} x"#).is_err(),
            "trailing data"
        );
        // An empty body is `{}`: here a missing required member.
        assert!(from_json::<Model>(204, b"").is_err());
        assert!(from_json::<Tag>(204, b" ").is_err());
    }

    #[test]
    fn writes_debug_eq_and_clone_as_the_derives() {
        for json in [
            FULL,
            r#"{"Id":""}"#,
            r#"{"Id":"a","Ports":[1],"Total":0,"Type":{"Key":""}}"#,
        ] {
            let m: Model = serde_json::from_str(json).unwrap();
            let d = derived(&m);
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                serde_json::to_string(&d).unwrap(),
                "{json}"
            );
            assert_eq!(
                serde_json::to_value(&m).unwrap(),
                serde_json::to_value(&d).unwrap()
            );
            // The derived structs' names end in `Derived`; the rest is the same text.
            assert_eq!(format!("{m:?}"), format!("{d:?}").replace("Derived", ""));
            assert_eq!(format!("{m:#?}"), format!("{d:#?}").replace("Derived", ""));
            let c = m.clone();
            assert_eq!(format!("{c:?}"), format!("{m:?}"));
            assert!(c == m);
            let mut other = m.clone();
            other.tags.push(Tag {
                key: "z".into(),
                value: None,
            });
            assert!(other != m);
            other = m.clone();
            other.r#type = None;
            assert_eq!(other != m, m.r#type.is_some());
            other = m.clone();
            other.free = serde_json::json!(1);
            assert!(other != m);
        }
        // Empty `Field` lists are written (`[]`), empty `List` lists and `None` left out.
        let m = Model::default();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"Id":"","Always":[],"Free":null}"#
        );
        #[derive(Default)]
        struct Empty {}
        crate::wire_object!(Empty {});
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
        assert_eq!(format!("{:?}", Empty {}), "Empty");
        assert!(Empty {} == Empty {}.clone());
    }
}
