//! Counting what an import did and saying it in a few lines: what was imported, what
//! was left out and why, and what the user should know (unverified author replies,
//! unmatched threads). The counts are product surface: tests assert them.

use std::collections::BTreeMap;

use crate::import::media::MediaTally;
use crate::import::merge::MergeOutcome;

/// Everything an import counted.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) posts_new: usize,
    pub(crate) posts_present: usize,
    pub(crate) pages_new: usize,
    pub(crate) pages_present: usize,
    /// Of the new posts and pages, how many are drafts.
    pub(crate) drafts_new: usize,
    /// Approved comments of published sources, by what they became.
    pub(crate) readers: usize,
    pub(crate) authors: usize,
    pub(crate) mentions: usize,
    pub(crate) added: usize,
    pub(crate) present: usize,
    pub(crate) threads_created: usize,
    pub(crate) threads_updated: usize,
    pub(crate) reattached: usize,
    /// Replies moved back under the comment they answered, now published.
    pub(crate) restored: usize,
    /// Comments left out, by reason (`pending`, `spam`, `trash`, `deleted` …).
    pub(crate) withheld: BTreeMap<String, usize>,
    /// Comments of a type that is neither a comment nor a ping, by type.
    pub(crate) other_types: BTreeMap<String, usize>,
    /// Approved comments on items that were not imported.
    pub(crate) on_skipped: usize,
    /// Private and password-protected posts: `slug ("Title")`.
    pub(crate) private: Vec<String>,
    pub(crate) trashed: usize,
    /// Items that are not posts or pages, by type.
    pub(crate) not_content: BTreeMap<String, usize>,
    /// Published posts without any date, imported as drafts.
    pub(crate) undated: Vec<String>,
    pub(crate) query_links: usize,
    /// Comments dated by the old site's local time (their GMT date was zero).
    pub(crate) local_dates: usize,
    pub(crate) aliases_dropped: Vec<String>,
    /// Old links with a part longer than an address's part may be.
    pub(crate) aliases_too_long: Vec<String>,
    /// Tags and categories whose page's address would have such a part.
    pub(crate) terms_too_long: Vec<String>,
    /// Posts and pages written at a free address because a file that is not from
    /// the export had theirs: one sentence each, naming both files.
    pub(crate) conflicts: Vec<String>,
    /// Comments written under a new id because their thread had another comment with
    /// theirs: one line per thread file.
    pub(crate) renamed: Vec<String>,
    /// Shortcodes left as text in post bodies, by name.
    pub(crate) shortcodes_unknown: BTreeMap<String, usize>,
    /// Gallery images whose attachment id the export does not have.
    pub(crate) gallery_missing: usize,
    /// Featured images (`_thumbnail_id`) whose attachment the export does not have.
    pub(crate) images_missing: usize,
    /// The old blog's media in new posts and pages.
    pub(crate) media: MediaTally,
    pub(crate) warnings: Vec<String>,
    /// How author replies were recognised, for the report.
    pub(crate) author_rule: String,
    /// Lines that come after the summary (e.g. the list of unmatched threads).
    pub(crate) notes: Vec<String>,
}

impl Tally {
    pub(crate) fn count_merge(&mut self, outcome: MergeOutcome) {
        self.added += outcome.added;
        self.restored += outcome.restored;
        if !outcome.renamed.is_empty() {
            let pairs: Vec<String> = outcome
                .renamed
                .iter()
                .map(|(from, to)| format!("{from} → {to}"))
                .collect();
            self.renamed.push(format!(
                "{}: {} whose id another comment of the thread has, written under a new id: {}",
                outcome.file.display(),
                plural(outcome.renamed.len(), "comment"),
                pairs.join(", ")
            ));
        }
        self.present += outcome.present;
        if outcome.created {
            self.threads_created += 1;
        } else if outcome.added + outcome.restored > 0 {
            self.threads_updated += 1;
        }
    }

    pub(crate) fn withhold(&mut self, reason: &str) {
        *self.withheld.entry(reason.to_string()).or_default() += 1;
    }

    /// The report, one fact per line.
    pub(crate) fn lines(&self, source: &str) -> Vec<String> {
        let mut lines = vec![format!("Imported {source}:")];
        for (what, new, present) in [
            ("posts", self.posts_new, self.posts_present),
            ("pages", self.pages_new, self.pages_present),
        ] {
            if new + present > 0 {
                lines.push(format!("  {what}: {}", created(new, present)));
            }
        }
        if self.drafts_new > 0 {
            lines.push(format!(
                "  {} of the new ones {} (draft: true, not published)",
                self.drafts_new,
                if self.drafts_new == 1 {
                    "is a draft"
                } else {
                    "are drafts"
                }
            ));
        }
        let kept = self.readers + self.authors + self.mentions;
        lines.push(format!(
            "  comments: {} approved, {} added, {} already there ({} new thread {}, {} updated)",
            kept,
            self.added,
            self.present,
            self.threads_created,
            if self.threads_created == 1 {
                "file"
            } else {
                "files"
            },
            self.threads_updated
        ));
        if self.authors > 0 {
            lines.push(format!(
                "  author replies: {} of them (role: author, verified by {})",
                self.authors, self.author_rule
            ));
        }
        if self.mentions > 0 {
            lines.push(format!(
                "  pingbacks and trackbacks: {} of them, imported as mentions (role: mention), not as reader comments",
                self.mentions
            ));
        }
        if self.reattached > 0 {
            lines.push(format!(
                "  {} whose parent was not imported now {} the nearest imported comment above it (or the post)",
                plural(self.reattached, "approved reply"),
                if self.reattached == 1 { "answers" } else { "answer" }
            ));
        }
        if self.restored > 0 {
            lines.push(format!(
                "  {} moved back under the comment {} answered, now imported",
                plural(self.restored, "reply"),
                if self.restored == 1 { "it" } else { "they" }
            ));
        }
        self.skipped_lines(&mut lines);
        if !self.conflicts.is_empty() {
            lines.push(format!(
                "  {} written at a free address, because a file not from this export has theirs (both are kept):",
                counted(self.conflicts.len(), "post or page", "posts or pages"),
            ));
            lines.extend(self.conflicts.iter().map(|c| format!("    {c}")));
        }
        lines.extend(self.renamed.iter().map(|r| format!("  {r}")));
        self.media.lines(&mut lines);
        for w in &self.warnings {
            lines.push(format!("warning: {w}"));
        }
        lines.extend(self.notes.iter().cloned());
        lines
    }

    fn skipped_lines(&self, lines: &mut Vec<String>) {
        let withheld: usize = self.withheld.values().sum();
        if withheld > 0 {
            lines.push(format!(
                "  skipped {} that may not be published: {}",
                plural(withheld, "comment"),
                list(&self.withheld)
            ));
        }
        let other: usize = self.other_types.values().sum();
        if other > 0 {
            lines.push(format!(
                "  skipped {} of other types: {}",
                plural(other, "comment"),
                list(&self.other_types)
            ));
        }
        if !self.private.is_empty() {
            lines.push(format!(
                "  skipped {}: {}",
                plural(self.private.len(), "private or password-protected post"),
                self.private.join(", ")
            ));
        }
        if self.trashed > 0 {
            lines.push(format!(
                "  skipped {} in the trash",
                plural(self.trashed, "post")
            ));
        }
        if self.on_skipped > 0 {
            lines.push(format!(
                "  skipped {} on posts that were not imported",
                plural(self.on_skipped, "approved comment")
            ));
        }
        if !self.not_content.is_empty() {
            lines.push(format!(
                "  not content (not imported): {}",
                list(&self.not_content)
            ));
        }
        if !self.undated.is_empty() {
            lines.push(format!(
                "  {} without any date imported as drafts (add a date, then remove draft: true): {}",
                plural(self.undated.len(), "post"),
                self.undated.join(", ")
            ));
        }
        if self.query_links > 0 {
            lines.push(format!(
                "  {} (?p=N) not kept as redirects: a static site cannot redirect by query string",
                plural(self.query_links, "old query-string link")
            ));
        }
        if !self.shortcodes_unknown.is_empty() {
            let names: Vec<String> = self
                .shortcodes_unknown
                .iter()
                .map(|(name, n)| format!("[{name}] ×{n}"))
                .collect();
            lines.push(format!(
                "  shortcodes left as text (rapport does not know them): {}",
                names.join(", ")
            ));
        }
        if self.gallery_missing > 0 {
            lines.push(format!(
                "  {} not in the export (attachment id not found), left out of their gallery",
                plural(self.gallery_missing, "gallery image")
            ));
        }
        if self.images_missing > 0 {
            lines.push(format!(
                "  {} not in the export (attachment id not found): {} no image",
                plural(self.images_missing, "featured image"),
                if self.images_missing == 1 {
                    "its post has"
                } else {
                    "their posts have"
                }
            ));
        }
        if !self.aliases_dropped.is_empty() {
            lines.push(format!(
                "  {} not kept because another page already uses the address: {}",
                plural(self.aliases_dropped.len(), "old link"),
                self.aliases_dropped.join(", ")
            ));
        }
        if !self.aliases_too_long.is_empty() {
            lines.push(format!(
                "  {} not kept as redirects, each too long for an address (a part longer than {} bytes, which no folder can be named, or more than {} bytes in all): {}",
                plural(self.aliases_too_long.len(), "old link"),
                crate::limits::MAX_SEGMENT_BYTES,
                crate::limits::MAX_ADDRESS_BYTES,
                self.aliases_too_long.join(", ")
            ));
        }
        if !self.terms_too_long.is_empty() {
            lines.push(format!(
                "  {} left out, the address of each page longer than {} bytes: {}",
                counted(
                    self.terms_too_long.len(),
                    "tag or category",
                    "tags or categories"
                ),
                crate::limits::MAX_SEGMENT_BYTES,
                self.terms_too_long.join(", ")
            ));
        }
    }
}

fn created(new: usize, present: usize) -> String {
    match present {
        0 => format!("{new} new"),
        _ => format!("{new} new, {present} already there (left as they were)"),
    }
}

/// `n` things, named `one` or `many` where `plural` cannot make one from the other.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `1 comment`, `2 comments`; `1 reply`, `2 replies`.
pub(crate) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("{n} {what}")
    } else if what.ends_with(['s', 'x']) || what.ends_with("sh") || what.ends_with("ch") {
        format!("{n} {what}es")
    } else if let Some(stem) = what
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o']))
    {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {what}s")
    }
}

fn list(counts: &BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_read_naturally() {
        let mut t = Tally {
            posts_new: 2,
            pages_present: 1,
            readers: 3,
            mentions: 1,
            added: 4,
            threads_created: 1,
            reattached: 1,
            ..Tally::default()
        };
        t.withhold("pending");
        t.withhold("pending");
        t.withhold("spam");
        let text = t.lines("x.xml").join("\n");
        assert_eq!(
            text,
            "Imported x.xml:\n  posts: 2 new\n  pages: 0 new, 1 already there (left as they were)\n  comments: 4 approved, 4 added, 0 already there (1 new thread file, 0 updated)\n  pingbacks and trackbacks: 1 of them, imported as mentions (role: mention), not as reader comments\n  1 approved reply whose parent was not imported now answers the nearest imported comment above it (or the post)\n  skipped 3 comments that may not be published: 2 pending, 1 spam"
        );
        assert_eq!(plural(2, "reply"), "2 replies");
        assert_eq!(plural(2, "day"), "2 days");
        assert_eq!(plural(2, "media address"), "2 media addresses");
    }
}
