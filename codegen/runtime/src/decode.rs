//! Tolerant decoding where the vendors are loose, as serde `deserialize_with` helpers.
//!
//! Documented cases: Alibaba Kafka types `Code` as Integer but sends `"200"`; MSE types
//! `HttpCode` as String but shows `202`; booleans arrive as `"true"`; Alibaba wraps lists in an
//! object named after the element type (`"TopicList": {"TopicVO": [...]}`) in some operations and
//! not in others; a single element sometimes stands where a list is expected. Unknown fields are
//! ignored by serde's default, and missing optional fields decode as `None` with
//! `#[serde(default)]`.
//!
//! The generated models do not use serde's derives (too costly to compile): they implement
//! [`Object`] and decode through [`object`], with the helpers as types ([`LenientOpt`],
//! [`List`]…), and serialize through [`Members`].

use std::fmt::Display;
use std::str::FromStr;

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::Error;

/// Decodes a JSON response body, mapping failures to [`Error::Decode`] with a body excerpt.
pub fn decode_json<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    // An empty body (HTTP 204, or a 200 the document lists without a body) decodes like `null`
    // for `()`/`Option` responses, and like `{}` for a response struct whose members are all
    // optional.
    if body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_slice(b"null")
            .or_else(|_| serde_json::from_slice(b"{}"))
            .map_err(|e| Error::decode(status, e.to_string(), body));
    }
    serde_json::from_slice(body).map_err(|e| Error::decode(status, e.to_string(), body))
}

/// Parses a scalar as [`crate::loose`] allows: a string through its [`crate::loose::text_forms`],
/// a number or boolean natively or through its text.
pub(crate) fn parse_from_value<T, E>(v: Value) -> Result<T, E>
where
    T: FromStr + DeserializeOwned,
    T::Err: Display,
    E: serde::de::Error,
{
    let from_text = |s: &str| crate::loose::parse_text::<T>(s);
    match v {
        Value::String(s) => from_text(&s).ok_or_else(|| match T::from_str(s.trim()) {
            Err(e) => E::custom(format!("{s:?}: {e}")),
            Ok(_) => E::custom(format!("{s:?}")),
        }),
        // A number where a string is expected (`["1", 2]` for `Vec<String>`) parses from its text.
        other => serde_json::from_value(other.clone()).or_else(|e| {
            crate::loose::string_of(other.clone())
                .and_then(|s| from_text(&s))
                .or_else(|| {
                    // Java's `Long.MAX_VALUE` printed through a double (`9223372036854776000`,
                    // DMS Kafka's `remain_time`): the sentinel, not an overflow.
                    (other.as_f64() == Some(i64::MAX as f64))
                        .then(|| T::from_str(&i64::MAX.to_string()).ok())
                        .flatten()
                })
                .ok_or_else(|| E::custom(e))
        }),
    }
}

/// A number or boolean that may arrive as a JSON string (`"200"`, `"true"`) or natively.
pub fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + DeserializeOwned,
    T::Err: Display,
{
    parse_from_value(Value::deserialize(d)?)
}

/// Optional [`lenient`]: `null`, a missing field (with `#[serde(default)]`) and `""` give `None`.
pub fn lenient_opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + DeserializeOwned,
    T::Err: Display,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if crate::loose::is_blank(&s) => Ok(None),
        v => parse_from_value(v).map(Some),
    }
}

/// A string that may arrive as a number or boolean (`"HttpCode": 202`).
pub fn string_lenient<'de, D>(d: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    let v = Value::deserialize(d)?;
    match v {
        Value::Null => Ok(String::new()),
        v => crate::loose::string_of(v).ok_or_else(|| D::Error::custom("expected a string")),
    }
}

/// Optional [`string_lenient`].
pub fn string_lenient_opt<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => crate::loose::string_of(v)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected a string")),
    }
}

/// Unwraps an Alibaba list wrapper and accepts a lone element: `[..]`, `{"TopicVO": [..]}`,
/// `{"TopicVO": {..}}`, a single object (when it is not a one-key wrapper), `null` and `""`
/// (empty list).
pub fn list_items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        Value::Object(mut m) if m.len() == 1 => {
            let (k, inner) = m
                .iter_mut()
                .next()
                .map(|(k, v)| (k.clone(), v.take()))
                .unwrap_or_default();
            match inner {
                Value::Array(a) => a,
                Value::Null => Vec::new(),
                // `{"TagVO": {...}}` wraps one element; a one-field element whose field is a
                // scalar is kept whole.
                Value::Object(o) => vec![Value::Object(o)],
                scalar => {
                    m.insert(k, scalar);
                    vec![Value::Object(m)]
                }
            }
        }
        other => vec![other],
    }
}

/// A list that may be wrapped (`{"InstanceVO": [...]}`), a single element, `null` or absent.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    list_items(Value::deserialize(d)?)
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(D::Error::custom))
        .collect()
}

/// Optional [`list`]: `null` gives `None`, anything else as [`list`].
pub fn list_opt<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => list_items(v)
            .into_iter()
            .map(|v| serde_json::from_value(v).map_err(D::Error::custom))
            .collect::<Result<Vec<T>, _>>()
            .map(Some),
    }
}

/// A list of lenient scalars (`["1", 2]` for `Vec<i64>`), wrapped or not.
pub fn list_lenient<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + DeserializeOwned,
    T::Err: Display,
{
    list_items(Value::deserialize(d)?)
        .into_iter()
        .map(parse_from_value::<T, D::Error>)
        .collect()
}

/// Optional [`list_lenient`]: `null` gives `None`.
pub fn list_lenient_opt<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + DeserializeOwned,
    T::Err: Display,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => list_items(v)
            .into_iter()
            .map(parse_from_value::<T, D::Error>)
            .collect::<Result<Vec<T>, _>>()
            .map(Some),
    }
}

/// Object keys of `original` (dotted paths, `[i]` for array elements) that are missing from
/// `decoded`, the re-serialised result of decoding `original`: the fields a model would drop.
/// `null` members count as absent on both sides.
pub fn dropped_fields(original: &Value, decoded: &Value) -> Vec<String> {
    let mut out = Vec::new();
    dropped_into("", original, decoded, &mut out);
    out
}

fn dropped_into(path: &str, original: &Value, decoded: &Value, out: &mut Vec<String>) {
    match (original, decoded) {
        (Value::Object(o), Value::Object(d)) => {
            for (k, v) in o {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match d.get(k) {
                    _ if v.is_null() => {}
                    Some(dv) => dropped_into(&p, v, dv, out),
                    None => out.push(p),
                }
            }
        }
        (Value::Array(o), Value::Array(d)) => {
            for (i, v) in o.iter().enumerate() {
                if let Some(dv) = d.get(i) {
                    dropped_into(&format!("{path}[{i}]"), v, dv, out);
                } else if !v.is_null() {
                    out.push(format!("{path}[{i}]"));
                }
            }
        }
        // A lone element decoded into a one-element list (Alibaba collapses lists).
        (o @ Value::Object(_), Value::Array(d)) if d.len() == 1 => {
            dropped_into(path, o, &d[0], out)
        }
        // An object where the model has a scalar or free-form value: fine only if kept whole.
        (Value::Object(o), _) if !o.is_empty() => out.push(path.to_owned()),
        _ => {}
    }
}

/// Decodes `json` into `T` and fails when decoding errors or drops a field the example has
/// (generated response-example tests call this).
pub fn check_example<T>(json: &str) -> Result<T, crate::examples::ExampleError>
where
    T: DeserializeOwned + serde::Serialize,
{
    use crate::examples::ExampleError;
    let original: Value = serde_json::from_str(json).map_err(ExampleError::ResponseJson)?;
    let decoded: T = serde_json::from_value(original.clone()).map_err(ExampleError::Decode)?;
    let again = serde_json::to_value(&decoded).map_err(ExampleError::Reencode)?;
    let fields = dropped_fields(&original, &again);
    if fields.is_empty() {
        Ok(decoded)
    } else {
        Err(ExampleError::Dropped { fields })
    }
}

/// `null` decodes as `T::default()` (for non-optional fields the vendors sometimes null out).
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A generated model struct, decoded member by member by [`object`].
///
/// The models crates implement `Deserialize` with this instead of serde's derive: the derive
/// emits a field enum, its visitor and a sequence and a map visitor per struct, which made up
/// about three quarters of a models crate's build time; one `member` match per struct is a
/// fraction of that.
pub trait Object: Sized {
    /// Wire names of the members that must be present (as with serde's derive, a missing one
    /// is an error).
    const REQUIRED: &'static [&'static str] = &[];
    /// The value decoding starts from: every member at its default.
    fn empty() -> Self;
    /// Decodes the value of member `key` from `map` into `self`; `false` when `key` is not a
    /// member (the value is then skipped).
    fn member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
}

/// Decodes an [`Object`] from a map: unknown members are skipped, a repeated member keeps its
/// last value, a missing required member is an error.
pub fn object<'de, D: Deserializer<'de>, T: Object>(d: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut out = T::empty();
            let mut seen = vec![false; T::REQUIRED.len()];
            while let Some(key) = map.next_key::<String>()? {
                if let Some(i) = T::REQUIRED.iter().position(|r| *r == key) {
                    seen[i] = true;
                }
                if !out.member(&key, &mut map)? {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            match seen.iter().position(|s| !s) {
                Some(i) => Err(A::Error::missing_field(T::REQUIRED[i])),
                None => Ok(out),
            }
        }
    }
    d.deserialize_map(ObjectVisitor(PhantomData))
}

/// The `Serialize` side of [`Object`]: a generated model writes its members as a map, in
/// declaration order, leaving out absent optional members and empty request-side lists (the
/// derive's `skip_serializing_if`, in a fraction of its code). Response-side lists are written
/// with [`Members::field`], `[]` when empty, as the services answer them.
pub struct Members<M>(M);

impl<M: SerializeMap> Members<M> {
    /// Starts the map.
    pub fn new<S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>>(
        s: S,
    ) -> Result<Self, M::Error> {
        s.serialize_map(None).map(Members)
    }

    /// A member that is always written.
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    /// An optional member: left out when `None`.
    pub fn opt<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(v) => self.0.serialize_entry(key, v),
            None => Ok(()),
        }
    }

    /// A list a request may leave out: left out when empty (not sent).
    pub fn list<T: Serialize>(&mut self, key: &'static str, value: &[T]) -> Result<(), M::Error> {
        if value.is_empty() {
            Ok(())
        } else {
            self.0.serialize_entry(key, value)
        }
    }

    /// Ends the map.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}

/// [`lenient_opt`] as a type, for [`Object::member`]: `map.next_value::<LenientOpt<_>>()?.0`.
pub struct LenientOpt<T>(pub Option<T>);

impl<T> LenientOpt<T> {
    /// The decoded value.
    pub fn into_inner(self) -> Option<T> {
        self.0
    }
}

impl<'de, T> Deserialize<'de> for LenientOpt<T>
where
    T: FromStr + DeserializeOwned,
    T::Err: Display,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_opt(d).map(LenientOpt)
    }
}

/// [`string_lenient_opt`] as a type, for [`Object::member`] (`V` is `Option<String>`; the
/// parameter lets [`wire_object!`] name every decoder as `Decoder<_>`).
pub struct StringLenientOpt<V = Option<String>>(pub V);

impl<V> StringLenientOpt<V> {
    /// The decoded value.
    pub fn into_inner(self) -> V {
        self.0
    }
}

impl<'de> Deserialize<'de> for StringLenientOpt<Option<String>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        string_lenient_opt(d).map(StringLenientOpt)
    }
}

/// [`list`] as a type, for [`Object::member`]: `map.next_value::<List<_>>()?.0`.
pub struct List<V>(pub V);

impl<V> List<V> {
    /// The decoded value.
    pub fn into_inner(self) -> V {
        self.0
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for List<Vec<T>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        list(d).map(List)
    }
}

/// [`list_lenient`] as a type, for [`Object::member`].
pub struct ListLenient<V>(pub V);

impl<V> ListLenient<V> {
    /// The decoded value.
    pub fn into_inner(self) -> V {
        self.0
    }
}

impl<'de, T> Deserialize<'de> for ListLenient<Vec<T>>
where
    T: FromStr + DeserializeOwned,
    T::Err: Display,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        list_lenient(d).map(ListLenient)
    }
}

/// [`null_as_default`] as a type, for [`Object::member`].
pub struct NullAsDefault<T>(pub T);

impl<T> NullAsDefault<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for NullAsDefault<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        null_as_default(d).map(NullAsDefault)
    }
}

/// A generated model struct's [`codec::Model`](crate::codec::Model) table and its
/// `Serialize`, `Deserialize`, `Debug`, `Clone` and `PartialEq` (the struct derives only
/// `Default`, where it has one), from one line per member, `field: Kind("WireName", Decoder)`,
/// then the wire names of the members decoding requires (`required = ["Name"]`, as serde's
/// derive requires non-`Option` members).
///
/// `Kind` says how the member is written ([`codec::Kind`](crate::codec::Kind)): `Field`
/// (always), `Opt` (left out when `None`) or `List` (left out when empty: request-side lists;
/// the models emitter writes response-side lists as `Field`, so an empty one is `[]`, as the
/// services answer). `Decoder` ([`codec::Decoder`](crate::codec::Decoder)) is `Plain` (the
/// member type's own `Deserialize`) or one of the tolerant decoders: `LenientOpt`,
/// `StringLenientOpt`, `List`, `ListLenient`, `NullAsDefault`.
///
/// The expansion holds no code per member: a constant table, two accessors that hand the
/// runtime the fields as trait objects, and one-line impls calling the walkers of
/// [`crate::codec`], which are compiled once, in the runtime. The accessors and impls are
/// `#[inline]`, so a crate compiles them only where it uses them.
///
/// ```
/// #[derive(Default)]
/// pub struct Topic {
///     pub name: String,
///     pub partitions: Option<i32>,
///     pub tags: Vec<String>,
/// }
/// apigen_runtime::wire_object!(
///     Topic {
///         name: Field("Name", Plain),
///         partitions: Opt("PartitionNum", LenientOpt),
///         tags: List("Tags", List),
///         ..Default::default()
///     },
///     required = ["Name"],
/// );
///
/// let t: Topic = serde_json::from_str(r#"{"Name":"t","PartitionNum":"12"}"#).unwrap();
/// assert_eq!(t.partitions, Some(12));
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"Name":"t","PartitionNum":12}"#);
/// assert_eq!(
///     format!("{t:?}"),
///     r#"Topic { name: "t", partitions: Some(12), tags: [] }"#
/// );
/// assert_eq!(t.clone(), t);
/// assert!(serde_json::from_str::<Topic>("{}").is_err());
/// ```
#[macro_export]
macro_rules! wire_object {
    ($name:ident {}) => {
        impl $crate::codec::Model for $name {
            #[inline]
            fn table(&self) -> &'static $crate::codec::Table {
                const TABLE: $crate::codec::Table = $crate::codec::Table {
                    name: stringify!($name),
                    members: &[],
                    required: &[],
                };
                &TABLE
            }
            #[inline]
            fn fields(&self, f: &mut dyn FnMut(&[&dyn $crate::codec::Field])) {
                f(&[])
            }
            #[inline]
            fn fields_mut(&mut self, f: &mut dyn FnMut(&mut [&mut dyn $crate::codec::Field])) {
                f(&mut [])
            }
            #[inline]
            fn empty() -> Self {
                Self {}
            }
        }
        $crate::wire_object!(@shims $name);
    };
    // The one-line impls every struct gets: each calls the runtime's walker of the table.
    (@shims $name:ident) => {
        impl $crate::serde::Serialize for $name {
            #[inline]
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::codec::serialize(self, s)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::codec::deserialize(d)
            }
        }
        impl ::std::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::codec::debug(self, f)
            }
        }
        impl ::std::clone::Clone for $name {
            #[inline]
            fn clone(&self) -> Self {
                $crate::codec::clone(self)
            }
        }
        impl ::std::cmp::PartialEq for $name {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                $crate::codec::eq(self, other)
            }
        }
    };
    // Two arms with the same body but `empty()`: a struct deriving `Default` starts from it
    // (`..Default::default()` after its members), others from every member's default. One
    // shared inner arm would re-parse every struct's members, which costs build time.
    (
        $name:ident {
            $($field:ident: $kind:ident($wire:literal, $decoder:ident),)+
            ..Default::default()
        }
        $(, required = [$($required:literal),* $(,)?])? $(,)?
    ) => {
        impl $crate::codec::Model for $name {
            #[inline]
            fn table(&self) -> &'static $crate::codec::Table {
                const TABLE: $crate::codec::Table = $crate::codec::Table {
                    name: stringify!($name),
                    members: &[$($crate::codec::Member {
                        wire: $wire,
                        name: stringify!($field),
                        kind: $crate::codec::Kind::$kind,
                        decoder: $crate::codec::Decoder::$decoder,
                    }),*],
                    required: &[$($($required),*)?],
                };
                &TABLE
            }
            #[inline]
            fn fields(&self, f: &mut dyn FnMut(&[&dyn $crate::codec::Field])) {
                f(&[$(&self.$field),*])
            }
            #[inline]
            fn fields_mut(&mut self, f: &mut dyn FnMut(&mut [&mut dyn $crate::codec::Field])) {
                f(&mut [$(&mut self.$field),*])
            }
            #[inline]
            fn empty() -> Self {
                Self::default()
            }
        }
        $crate::wire_object!(@shims $name);
    };
    (
        $name:ident { $($field:ident: $kind:ident($wire:literal, $decoder:ident)),+ $(,)? }
        $(, required = [$($required:literal),* $(,)?])? $(,)?
    ) => {
        impl $crate::codec::Model for $name {
            #[inline]
            fn table(&self) -> &'static $crate::codec::Table {
                const TABLE: $crate::codec::Table = $crate::codec::Table {
                    name: stringify!($name),
                    members: &[$($crate::codec::Member {
                        wire: $wire,
                        name: stringify!($field),
                        kind: $crate::codec::Kind::$kind,
                        decoder: $crate::codec::Decoder::$decoder,
                    }),*],
                    required: &[$($($required),*)?],
                };
                &TABLE
            }
            #[inline]
            fn fields(&self, f: &mut dyn FnMut(&[&dyn $crate::codec::Field])) {
                f(&[$(&self.$field),*])
            }
            #[inline]
            fn fields_mut(&mut self, f: &mut dyn FnMut(&mut [&mut dyn $crate::codec::Field])) {
                f(&mut [$(&mut self.$field),*])
            }
            #[inline]
            fn empty() -> Self {
                Self { $($field: Default::default(),)+ }
            }
        }
        $crate::wire_object!(@shims $name);
    };
}

/// The impls of a generated enum of documented string values with an `Unknown(String)`
/// variant for the others, from one line per value: `Variant: "wire value"`.
///
/// Gives `Default` (an empty `Unknown`, so structs holding the enum can derive `Default`),
/// `as_str`, `From<&str>`, `Display`, `Serialize` (the wire string), a lenient
/// `Deserialize` (numbers and booleans read as their text) and [`crate::Param`] (a request
/// parameter sent as the wire string).
///
/// ```
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// pub enum Status {
///     Enabled,
///     Disabled,
///     Unknown(String),
/// }
/// apigen_runtime::wire_enum!(Status {
///     Enabled: "enabled",
///     Disabled: "disabled",
/// });
///
/// assert_eq!(Status::from("enabled"), Status::Enabled);
/// assert_eq!(Status::from("other").as_str(), "other");
/// assert_eq!(serde_json::to_string(&Status::Disabled).unwrap(), r#""disabled""#);
/// ```
#[macro_export]
macro_rules! wire_enum {
    ($name:ident { $($variant:ident: $wire:literal),* $(,)? }) => {
        impl Default for $name {
            /// An empty `Unknown` (structs holding the enum derive `Default`).
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(s) => s.as_str(),
                }
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)*
                    other => $name::Unknown(other.to_string()),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl $crate::codec::Field for $name {
            fn view(&self) -> $crate::codec::View<'_> {
                $crate::codec::View::Leaf(self)
            }
            fn place(&mut self) -> $crate::codec::Place<'_> {
                $crate::codec::Place::Leaf(self)
            }
            fn reset(&mut self) {
                *self = $name::Unknown(String::new());
            }
            fn blank() -> Self {
                $name::Unknown(String::new())
            }
        }
        impl $crate::codec::LeafMut for $name {
            fn decode(
                &mut self,
                d: $crate::codec::Erased<'_, '_>,
                _: bool,
            ) -> Result<(), $crate::codec::ErasedError> {
                *self = $name::from($crate::codec::enum_text(d)?.as_str());
                Ok(())
            }
            fn set_value(
                &mut self,
                v: $crate::serde_json::Value,
                _: $crate::codec::Loose,
            ) -> Result<(), $crate::serde_json::Error> {
                *self = $name::from($crate::codec::enum_text_value(v)?.as_str());
                Ok(())
            }
            fn clone_leaf(&mut self, from: &dyn $crate::codec::Leaf) {
                $crate::codec::clone_leaf(self, from)
            }
        }
        impl $crate::param::Param for $name {
            fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), $crate::Error> {
                $crate::param::write_str(self.as_str(), name, out)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::decode::string_lenient(d).map(|s| $name::from(s.as_str()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Tag {
        #[serde(rename = "Key")]
        key: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Resp {
        #[serde(deserialize_with = "lenient")]
        code: i32,
        #[serde(default, deserialize_with = "lenient_opt")]
        success: Option<bool>,
        #[serde(default, deserialize_with = "string_lenient_opt")]
        http_code: Option<String>,
        #[serde(default, deserialize_with = "list")]
        tags: Vec<Tag>,
        #[serde(default, deserialize_with = "lenient_opt")]
        total: Option<u64>,
        #[serde(default, deserialize_with = "null_as_default")]
        name: String,
    }

    /// A model as the models emitter writes it: decoded through [`object`].
    #[derive(Debug, Default, PartialEq)]
    struct Model {
        id: String,
        total: Option<i64>,
        name: Option<String>,
        tags: Vec<Tag>,
        ports: Vec<u16>,
        items: Vec<String>,
    }

    impl<'de> Deserialize<'de> for Model {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    impl Object for Model {
        const REQUIRED: &'static [&'static str] = &["Id"];
        fn empty() -> Self {
            Self::default()
        }
        fn member<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "Id" => self.id = map.next_value()?,
                "Total" => self.total = map.next_value::<LenientOpt<_>>()?.0,
                "Name" => self.name = map.next_value::<StringLenientOpt>()?.0,
                "Tags" => self.tags = map.next_value::<List<_>>()?.0,
                "Ports" => self.ports = map.next_value::<ListLenient<_>>()?.0,
                "Items" => self.items = map.next_value::<NullAsDefault<_>>()?.0,
                _ => return Ok(false),
            }
            Ok(true)
        }
    }

    impl Serialize for Model {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = Members::new(s)?;
            m.field("Id", &self.id)?;
            m.opt("Total", &self.total)?;
            m.opt("Name", &self.name)?;
            m.list("Ports", &self.ports)?;
            m.end()
        }
    }

    #[test]
    fn members_leave_out_absent_and_empty() {
        let mut m = Model {
            id: "a".into(),
            ..Model::default()
        };
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"Id":"a"}"#);
        m.total = Some(2);
        m.ports = vec![80];
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"Id":"a","Total":2,"Ports":[80]}"#
        );
    }

    #[test]
    fn objects_member_by_member() {
        let m: Model = serde_json::from_str(
            r#"{"Id":"a","Total":"3","Name":7,"Tags":{"Tag":[{"Key":"k"}]},"Ports":["80",443],
                "Items":null,"Unknown":{"deep":[1,2]}}"#,
        )
        .unwrap();
        assert_eq!(
            m,
            Model {
                id: "a".into(),
                total: Some(3),
                name: Some("7".into()),
                tags: vec![Tag { key: "k".into() }],
                ports: vec![80, 443],
                items: vec![],
            }
        );
        // Absent optional members keep their defaults; a repeated member keeps the last value.
        let m: Model = serde_json::from_str(r#"{"Id":"a","Id":"b"}"#).unwrap();
        assert_eq!((m.id.as_str(), m.total, m.tags.len()), ("b", None, 0));
        // The same through a `Value` (server parameters) and as a list element.
        let v = serde_json::json!([{"Id": "x", "Total": 1}]);
        let ms: Vec<Model> = serde_json::from_value(v).unwrap();
        assert_eq!((ms[0].id.as_str(), ms[0].total), ("x", Some(1)));
        let missing = serde_json::from_str::<Model>(r#"{"Total":1}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `Id`"),
            "{missing}"
        );
        let wrong = serde_json::from_str::<Model>(r#"{"Id":1}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
        assert!(
            serde_json::from_str::<Model>(r#""Id""#).is_err(),
            "not an object"
        );
        assert!(serde_json::from_str::<Model>(r#"{"Id":"a","Total":"x"}"#).is_err());
    }

    #[test]
    fn numbers_as_strings_and_back() {
        let r: Resp = serde_json::from_str(
            r#"{"Code":"200","Success":"true","HttpCode":202,"Total":"1.0","Name":null,"Unknown":1}"#,
        )
        .unwrap();
        assert_eq!(r.code, 200);
        assert_eq!(r.success, Some(true));
        assert_eq!(r.http_code.as_deref(), Some("202"));
        assert_eq!(r.total, Some(1));
        assert_eq!(r.name, "");
        assert!(r.tags.is_empty(), "missing list is empty");
        let r: Resp = serde_json::from_str(r#"{"Code":200,"Success":false,"Total":""}"#).unwrap();
        let r2: Resp = serde_json::from_str(r#"{"Code":1,"Total":9223372036854776000}"#).unwrap();
        assert_eq!(
            r2.total,
            Some(9_223_372_036_854_776_000),
            "fits a u64 as is"
        );
        #[derive(Deserialize)]
        struct L {
            #[serde(deserialize_with = "lenient")]
            t: i64,
        }
        let l: L = serde_json::from_str(r#"{"t":9223372036854776000}"#).unwrap();
        assert_eq!(l.t, i64::MAX);
        assert!(serde_json::from_str::<L>(r#"{"t":1e300}"#).is_err());
        assert_eq!((r.code, r.success, r.total), (200, Some(false), None));
        assert!(serde_json::from_str::<Resp>(r#"{"Code":"abc"}"#).is_err());
    }

    #[test]
    fn alibaba_list_wrappers_and_single_elements() {
        for body in [
            r#"{"Code":1,"Tags":{"TagVO":[{"Key":"a"}]}}"#,
            r#"{"Code":1,"Tags":[{"Key":"a"}]}"#,
            r#"{"Code":1,"Tags":{"TagVO":{"Key":"a"}}}"#,
            r#"{"Code":1,"Tags":{"Key":"a"}}"#,
        ] {
            let r: Resp = serde_json::from_str(body).unwrap();
            assert_eq!(r.tags, vec![Tag { key: "a".into() }], "{body}");
        }
        let r: Resp = serde_json::from_str(r#"{"Code":1,"Tags":{"TagVO":[]}}"#).unwrap();
        assert!(r.tags.is_empty());
    }

    #[test]
    fn decode_json_reports_excerpt() {
        let e = decode_json::<Resp>(200, b"<html>oops</html>").unwrap_err();
        match e {
            Error::Decode {
                status, excerpt, ..
            } => {
                assert_eq!(status, 200);
                assert_eq!(excerpt, "<html>oops</html>");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(decode_json::<Option<Resp>>(204, b"").unwrap(), None);
        // A struct of optional members decodes from an empty body as if it were `{}`.
        #[derive(Debug, Default, PartialEq, serde::Deserialize)]
        struct Empty {
            a: Option<i32>,
        }
        assert_eq!(decode_json::<Empty>(204, b"").unwrap(), Empty::default());
    }
}
