//! One macro for the many closed vocabularies of the domain (kinds, levels,
//! statuses). Each gets serde in snake_case, `as_str`, `FromStr` with a
//! Norwegian message listing the allowed values, and `ALL`, so the store can
//! keep them as text and the API can document them without repeating lists.

/// The error for a value outside a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{value}» er ikke en gyldig verdi; gyldige verdier er: {allowed}")]
pub struct UnknownValue {
    pub value: String,
    pub allowed: String,
}

#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::string_enum::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::string_enum::UnknownValue {
                        value: s.to_string(),
                        allowed: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::string_enum! {
        enum Colour { Red => "red", DarkBlue => "dark_blue" }
    }

    #[test]
    fn round_trips_text_and_serde() {
        assert_eq!("dark_blue".parse::<Colour>(), Ok(Colour::DarkBlue));
        assert_eq!(Colour::Red.as_str(), "red");
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).ok(),
            Some("\"dark_blue\"".into())
        );
        let err = "green".parse::<Colour>().err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("«green» er ikke en gyldig verdi; gyldige verdier er: red, dark_blue")
        );
        assert_eq!(Colour::ALL.len(), 2);
    }
}
