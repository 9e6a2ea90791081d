//! Ids on the wire. Answers write every id as a string of digits (`"id": "12"`), as seed 004
//! and TrueFoundry's API do and as TrueFoundry's SDK requires; requests may give an id as a
//! number or as such a string.

use serde::{Deserialize, Deserializer, Serializer, de};
use std::fmt::Display;

/// `#[serde(serialize_with = "ids::string")]`: an id (or any number) as a JSON string.
pub fn string<T: Display, S: Serializer>(id: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

/// `#[serde(serialize_with = "ids::optional_string")]`: `null`, or the id as a JSON string.
pub fn optional_string<T: Display, S: Serializer>(
    id: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => serializer.collect_str(id),
        None => serializer.serialize_none(),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString {
    Number(i64),
    String(String),
}

fn parse<E: de::Error>(value: NumberOrString) -> Result<i64, E> {
    match value {
        NumberOrString::Number(n) => Ok(n),
        NumberOrString::String(text) => text.trim().parse().map_err(|_| {
            E::custom(format!(
                "expected an id (a number, or its digits in a string), not \"{text}\""
            ))
        }),
    }
}

/// `#[serde(deserialize_with = "ids::id")]`.
pub fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    parse(NumberOrString::deserialize(deserializer)?)
}

/// `#[serde(default, deserialize_with = "ids::optional_id")]`: absent or `null` is `None`.
pub fn optional_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Option::<NumberOrString>::deserialize(deserializer)?
        .map(parse)
        .transpose()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::id")]
        role_id: i64,
        #[serde(default, deserialize_with = "super::optional_id")]
        parent_id: Option<i64>,
    }

    fn body(json: &str) -> Result<Body, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn ids_come_as_numbers_or_strings() {
        let both = body(r#"{"role_id": "12", "parent_id": 7}"#).unwrap();
        assert_eq!((both.role_id, both.parent_id), (12, Some(7)));
        let plain = body(r#"{"role_id": 12}"#).unwrap();
        assert_eq!((plain.role_id, plain.parent_id), (12, None));
        assert_eq!(
            body(r#"{"role_id": 1, "parent_id": null}"#)
                .unwrap()
                .parent_id,
            None
        );
        let bad = body(r#"{"role_id": "role-abc"}"#).unwrap_err().to_string();
        assert!(bad.contains("role-abc"), "{bad}");
    }
}
