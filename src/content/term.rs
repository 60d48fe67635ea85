//! Tags and categories as posts hold them: each distinct name once, with its slug.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock, Weak};

use crate::content::tag_slug;

/// A tag or category as written, with its slug (`tag_slug`). Every post holds its terms
/// to the end of a build, and a big site's posts share a few hundred: each is held once
/// while any post holds it, its slug made once, in place of a name and a slug in every
/// post: those were a tenth of what a build of 50,000 posts held of each post.
#[derive(Clone)]
pub struct Term(Arc<Text>);

struct Text {
    name: Box<str>,
    slug: Box<str>,
}

/// The terms held somewhere, by name. Weak: a term nothing holds any longer (an edit
/// under `serve`, a fuzzed input) is freed, and its place is cleared once such places
/// outnumber the others.
#[derive(Default)]
struct Terms {
    by_name: HashMap<Box<str>, Weak<Text>, foldhash::fast::RandomState>,
    /// How many places, live or not, make the next insertion clear the others.
    clear_at: usize,
}

fn terms() -> &'static RwLock<Terms> {
    static TERMS: OnceLock<RwLock<Terms>> = OnceLock::new();
    TERMS.get_or_init(Default::default)
}

impl Term {
    /// The term named `name`.
    pub fn new(name: &str) -> Term {
        let held = |terms: &Terms| terms.by_name.get(name).and_then(Weak::upgrade).map(Term);
        if let Some(term) = held(&terms().read().unwrap_or_else(|e| e.into_inner())) {
            return term;
        }
        let slug = tag_slug(name);
        let mut terms = terms().write().unwrap_or_else(|e| e.into_inner());
        // Another thread may have made it meanwhile.
        if let Some(term) = held(&terms) {
            return term;
        }
        let text = Arc::new(Text {
            name: name.into(),
            slug: slug.into(),
        });
        terms.insert(name, &text);
        Term(text)
    }

    /// Its name, as written.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The last segment of its address.
    pub fn slug(&self) -> &str {
        &self.0.slug
    }
}

impl Terms {
    fn insert(&mut self, name: &str, text: &Arc<Text>) {
        if self.by_name.len() >= self.clear_at {
            self.by_name.retain(|_, text| text.strong_count() > 0);
            self.clear_at = (2 * self.by_name.len()).max(1024);
        }
        self.by_name.insert(name.into(), Arc::downgrade(text));
    }
}

/// By name: what the front matter says.
impl PartialEq for Term {
    fn eq(&self, other: &Term) -> bool {
        self.name() == other.name()
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.name(), f)
    }
}

impl serde::Serialize for Term {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Term {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Term, D::Error> {
        deserializer.deserialize_str(TermVisitor)
    }
}

/// Reads a term's name where it lies: a held term costs no copy of it.
struct TermVisitor;

impl serde::de::Visitor<'_> for TermVisitor {
    type Value = Term;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name of a tag or category")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Term, E> {
        Ok(Term::new(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_is_held_once_with_its_slug() {
        let a = Term::new("C++");
        let b = Term::new(&String::from("C++"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!((a.name(), a.slug()), ("C++", "c-plus-plus"));
        assert_ne!(a, Term::new("c++"));
        assert_eq!(Term::new("c++").slug(), a.slug());
    }

    #[test]
    fn a_term_is_saved_as_its_name() {
        let json = serde_json::to_string(&[Term::new("Rust"), Term::new("Web dev")]).unwrap();
        assert_eq!(json, r#"["Rust","Web dev"]"#);
        let back: Vec<Term> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [Term::new("Rust"), Term::new("Web dev")]);
        assert_eq!(back[1].slug(), "web-dev");
    }

    #[test]
    fn a_term_nothing_holds_is_freed() {
        let term = Term::new("a term only this test names");
        let text = Arc::downgrade(&term.0);
        drop(term);
        assert!(text.upgrade().is_none());
        // Names made and let go, as a fuzzer or a long `serve` makes them, leave no
        // more places than there are terms held.
        for i in 0..20_000 {
            drop(Term::new(&format!("passing term {i}")));
        }
        let places = terms().read().unwrap().by_name.len();
        assert!(places < 20_000, "{places} places kept");
    }
}
