//! Taxonomies: the ways a post is filed under terms, each with its list of terms, a
//! page and feeds per term. Tags, and categories as WordPress, Hugo and Zola blogs
//! have them; a site names the ones it uses in site.toml (`taxonomies`).

/// One way of filing posts. Its name is the front matter key, the folder of its
/// pages and the word site.toml uses.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Taxonomy {
    Tags,
    Categories,
}

impl Taxonomy {
    /// Every taxonomy rapport knows, in the order pages show them.
    pub const ALL: [Taxonomy; 2] = [Taxonomy::Tags, Taxonomy::Categories];

    /// `tags`: the front matter key, the folder of its pages, its name in site.toml.
    pub fn name(self) -> &'static str {
        match self {
            Taxonomy::Tags => "tags",
            Taxonomy::Categories => "categories",
        }
    }

    /// `tag`: one of its terms, for messages and the placeholder of its strings.
    pub fn singular(self) -> &'static str {
        match self {
            Taxonomy::Tags => "tag",
            Taxonomy::Categories => "category",
        }
    }

    /// The taxonomy named `name` in site.toml or front matter.
    pub fn named(name: &str) -> Option<Taxonomy> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The keys of the words its pages show (`render::i18n`): its index's title, a
    /// term's list page 1 and page n, a term's feed title, an empty index.
    pub fn strings(self) -> TaxonomyStrings {
        match self {
            Taxonomy::Tags => TaxonomyStrings {
                index: "tags",
                list: "tagged",
                list_page: "tagged_page",
                feed_title: "tag_feed_title",
                none: "no_tags",
            },
            Taxonomy::Categories => TaxonomyStrings {
                index: "categories",
                list: "in_category",
                list_page: "in_category_page",
                feed_title: "category_feed_title",
                none: "no_categories",
            },
        }
    }

    /// The templates of its index and of a term's list.
    pub fn templates(self) -> (&'static str, &'static str) {
        match self {
            Taxonomy::Tags => ("tags.html", "tag.html"),
            Taxonomy::Categories => ("categories.html", "category.html"),
        }
    }
}

/// See `Taxonomy::strings`.
#[derive(Debug, Clone, Copy)]
pub struct TaxonomyStrings {
    pub index: &'static str,
    pub list: &'static str,
    pub list_page: &'static str,
    pub feed_title: &'static str,
    pub none: &'static str,
}

/// The line to write in site.toml for a site using `taxonomies`.
pub fn config_line(taxonomies: &[Taxonomy]) -> String {
    let names: Vec<String> = taxonomies
        .iter()
        .map(|t| format!("{:?}", t.name()))
        .collect();
    format!("taxonomies = [{}]", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for t in Taxonomy::ALL {
            assert_eq!(Taxonomy::named(t.name()), Some(t));
        }
        assert_eq!(Taxonomy::named("series"), None);
        assert_eq!(
            config_line(&Taxonomy::ALL),
            "taxonomies = [\"tags\", \"categories\"]"
        );
    }
}
