//! Identifiers. Internal ids are UUIDs (v7 for incidents, so they sort by creation);
//! op ids and replica ids are random 128-bit values.
//!
//! Human ids (`INC-7KQ2M-14`) are what people read out on a call: `INC-`, the declaring
//! laptop's five-character replica tag, and that laptop's own incident counter. Two
//! laptops declaring offline never produce the same id unless their tags are equal; a
//! tag is 25 random bits of the replica id in Crockford base32 (no I, L, O or U, so it
//! reads aloud unambiguously), and a new replica re-rolls its id while its tag equals
//! one it has already seen. For a team of 200 laptops that never met, the chance that
//! any two share a tag is about 200²/2/2²⁵ ≈ 0.06%; should it happen, both incidents
//! stay intact (their internal ids differ) and a lookup by the ambiguous human id asks
//! for the internal id instead of guessing.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

macro_rules! hex128 {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
        #[ts(type = "string")]
        pub struct $name(pub u128);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:032x}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = crate::CoreError;
            fn from_str(s: &str) -> crate::Result<Self> {
                if s.len() != 32 {
                    return Err(crate::CoreError::Invalid(format!(
                        "{} must be 32 hex digits, got {:?}",
                        stringify!($name),
                        s
                    )));
                }
                u128::from_str_radix(s, 16).map($name).map_err(|_| {
                    crate::CoreError::Invalid(format!("{} must be 32 hex digits, got {:?}", stringify!($name), s))
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hex128!(OpId, "A random 128-bit operation id; also the id of the timeline entry an op creates.");
hex128!(ReplicaId, "A random 128-bit id of one local database (one laptop, one data directory).");

impl ReplicaId {
    /// Five Crockford base32 characters from the top 25 bits.
    pub fn tag(&self) -> String {
        (0..5).map(|i| CROCKFORD[((self.0 >> (123 - 5 * i)) & 31) as usize] as char).collect()
    }
}

/// The internal incident id: a UUIDv7.
pub type IncidentId = uuid::Uuid;

/// `INC-<replica tag>-<counter>`.
pub fn human_id(replica: ReplicaId, counter: u64) -> String {
    format!("INC-{}-{}", replica.tag(), counter)
}

/// True when `s` has the shape of a human id (`INC-` followed by something).
pub fn looks_like_human_id(s: &str) -> bool {
    s.len() > 4 && s[..4].eq_ignore_ascii_case("INC-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_use_crockford_letters_only_and_differ_by_replica() {
        let a = ReplicaId(0xFFFF_FFFF_0000_0000_0000_0000_0000_0000);
        let b = ReplicaId(0x0000_0001_0000_0000_0000_0000_0000_0000);
        assert_eq!(a.tag(), "ZZZZZ");
        assert_eq!(b.tag(), "00000");
        let c = ReplicaId(0x5A5A_5A5A_0000_0000_0000_0000_0000_0000);
        assert!(c.tag().chars().all(|ch| CROCKFORD.contains(&(ch as u8))));
        assert_eq!(human_id(a, 14), "INC-ZZZZZ-14");
    }

    #[test]
    fn hex_ids_round_trip_and_reject_garbage() {
        let id = OpId(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let s = id.to_string();
        assert_eq!(s.parse::<OpId>().unwrap(), id);
        assert!("xyz".parse::<OpId>().is_err());
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<OpId>(&json).unwrap(), id);
    }
}
