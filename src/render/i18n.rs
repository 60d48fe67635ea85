//! The words the generated pages show, in the site's language: navigation, labels,
//! counts with their plural forms, dates and durations. English (`en.toml` of the
//! default theme) is the reference: it names every key and the `{placeholders}` each
//! may use. Over it, in order: the built-in catalogue of the site's language, the
//! theme's `i18n/LANG.toml`, the site's `i18n/LANG.toml`, then `[strings]` of
//! site.toml. Templates read the result with `t(key="…")`, Rust code with
//! [`Strings::text`], [`Strings::fill`] and [`Strings::count`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml::Spanned;

use crate::dates::{self, Date};
use crate::error::{read_text, Diagnostic, Location, Result};

/// The languages rapport ships words for, by primary language subtag.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../themes/default/i18n/en.toml")),
    ("de", include_str!("../../themes/default/i18n/de.toml")),
    ("es", include_str!("../../themes/default/i18n/es.toml")),
    ("fr", include_str!("../../themes/default/i18n/fr.toml")),
    ("zh", include_str!("../../themes/default/i18n/zh.toml")),
];

/// The key of the twelve month names, the only list of the catalogue.
const MONTHS: &str = "months";

/// Entries of a catalogue as written, each with where it was written.
pub type RawStrings = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// One entry: a text, or a text per plural form.
#[derive(Debug, Clone, PartialEq)]
enum Text {
    Plain(String),
    Plural { one: String, other: String },
}

/// The resolved words of one site.
#[derive(Debug, Clone)]
pub struct Strings {
    /// Primary language subtag, lower case: `fr` for `fr-CA`.
    language: String,
    /// Read for every label of every page: hashed with foldhash, not SipHash.
    texts: foldhash::HashMap<String, Text>,
    months: Vec<String>,
    /// `date` and `date_time` cut at their placeholders, once the catalogue is whole
    /// (on the first date shown): a date is shown for every comment, and looking its
    /// texts up and finding their braces again was half of the work of a date.
    dates: OnceLock<DateTexts>,
}

/// The texts of a date, cut at their placeholders.
#[derive(Debug, Clone)]
struct DateTexts {
    date: Vec<Piece>,
    date_time: Vec<Piece>,
}

/// A part of a text: words as they are, or the place of a value.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Words(String),
    Day,
    Month,
    MonthNumber,
    Year,
    Date,
    Time,
}

/// Where a catalogue's text came from, to locate its errors.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Strings {
    /// The built-in English words.
    pub fn english() -> Self {
        let mut strings = Strings {
            language: "en".into(),
            texts: foldhash::HashMap::default(),
            months: Vec::new(),
            dates: OnceLock::new(),
        };
        for (key, value) in parse_built_in("en") {
            let text = match value.get_ref() {
                toml::Value::Array(_) => {
                    strings.months = months(value.get_ref()).expect("en.toml has twelve months");
                    continue;
                }
                toml::Value::String(s) => Text::Plain(s.clone()),
                v => {
                    let table = v.as_table().expect("en.toml has texts and tables only");
                    Text::Plural {
                        one: table["one"].as_str().expect("text").to_string(),
                        other: table["other"].as_str().expect("text").to_string(),
                    }
                }
            };
            strings.texts.insert(key.into_inner(), text);
        }
        strings
    }

    /// The words of a site in `language` (as written in site.toml, at `language_at`):
    /// the built-in catalogue, then `i18n/LANG.toml` of `theme_dir` and of `root`,
    /// then `overrides` (`[strings]` of `config_text`, read from `config_path`).
    pub fn load(
        language: &str,
        language_at: Location,
        theme_dir: Option<&Path>,
        root: &Path,
        overrides: Option<&RawStrings>,
        config: (&Path, &str),
    ) -> Result<Self> {
        let mut strings = Strings::english();
        strings.language = primary_subtag(language);
        let mut found = strings.language == "en";
        if strings.language != "en" {
            if let Some((_, text)) = BUILT_IN.iter().find(|(l, _)| *l == strings.language) {
                let source = Source {
                    path: &PathBuf::from(format!("{}.toml (built-in)", strings.language)),
                    text,
                };
                let raw: RawStrings = toml::from_str(text).expect("built-in catalogues parse");
                strings.apply(&raw, &source)?;
                found = true;
            }
        }
        let file_name = format!("{}.toml", strings.language);
        let files: Vec<PathBuf> = theme_dir
            .into_iter()
            .chain([root])
            .map(|dir| dir.join("i18n").join(&file_name))
            .filter(|f| f.is_file())
            .collect();
        for file in files {
            let text = read_text(&file)?;
            let shown = file.strip_prefix(root).unwrap_or(&file);
            let raw: RawStrings =
                toml::from_str(&text).map_err(|e| crate::config::toml_error(&e, &text, shown))?;
            strings.apply(
                &raw,
                &Source {
                    path: shown,
                    text: &text,
                },
            )?;
            found = true;
        }
        if !found {
            return Err(Diagnostic::new(
                language_at,
                format!("rapport has no words for the language {language:?}"),
                format!(
                    "use one of {} (pages in other languages need an i18n/{}.toml of the site's, with the texts of [strings]; the README lists them)",
                    BUILT_IN
                        .iter()
                        .map(|(l, _)| format!("\"{l}\""))
                        .collect::<Vec<_>>()
                        .join(", "),
                    strings.language
                ),
            )
            .into());
        }
        if let Some(raw) = overrides {
            let (path, text) = config;
            strings.apply(raw, &Source { path, text })?;
        }
        Ok(strings)
    }

    /// Replaces the entries of `raw`, each checked against English.
    fn apply(&mut self, raw: &RawStrings, source: &Source<'_>) -> Result<()> {
        // Cut again from the texts as they become.
        self.dates.take();
        let english = Strings::english();
        for (key, value) in raw {
            let at = Location::new(
                source.path,
                Some(line_of_offset(source.text, key.span().start)),
            );
            let name = key.get_ref().as_str();
            if name == MONTHS {
                self.months = months(value.get_ref()).ok_or_else(|| {
                    Diagnostic::new(
                        at.clone(),
                        "months must be a list of twelve names",
                        "write months = [\"January\", \"February\", …, \"December\"]",
                    )
                })?;
                continue;
            }
            let Some(reference) = english.texts.get(name) else {
                let mut keys: Vec<&str> = english.texts.keys().map(String::as_str).collect();
                keys.push(MONTHS);
                keys.sort_unstable();
                let help = match crate::explain::did_you_mean(name, &keys) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "the README lists the keys of [strings]; the default theme's i18n/en.toml has them all".to_string(),
                };
                return Err(Diagnostic::new(at, format!("unknown string `{name}`"), help).into());
            };
            let text = read_text_value(value.get_ref(), reference).ok_or_else(|| {
                let help = match reference {
                    Text::Plain(t) => format!("write {name} = {t:?}"),
                    Text::Plural { one, other } => format!(
                        "write a text per count: {name} = {{ one = {one:?}, other = {other:?} }}"
                    ),
                };
                Diagnostic::new(at.clone(), format!("`{name}` must be a text"), help)
            })?;
            check_placeholders(name, &text, reference).map_err(|(bad, allowed)| {
                Diagnostic::new(
                    at.clone(),
                    format!("`{{{bad}}}` is not a value `{name}` can show"),
                    match allowed.as_slice() {
                        [] => format!("write `{name}` without {{…}}"),
                        some => format!(
                            "use {}",
                            some.iter()
                                .map(|p| format!("{{{p}}}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    },
                )
            })?;
            self.texts.insert(name.to_string(), text);
        }
        Ok(())
    }

    /// Whether `key` names a string.
    pub fn has(&self, key: &str) -> bool {
        self.texts.contains_key(key)
    }

    /// The text of `key` (the `other` form of a count); the key itself for a key
    /// that does not exist, which the tests of the pages would show.
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        match self.texts.get(key) {
            Some(Text::Plain(t)) | Some(Text::Plural { other: t, .. }) => t,
            None => key,
        }
    }

    /// The text of `key` with each `{name}` replaced by its value in `args`.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.text(key), args)
    }

    /// `fill` written at the end of `out`.
    pub fn fill_into(&self, out: &mut String, key: &str, args: &[(&str, &str)]) {
        fill_into(out, self.text(key), args);
    }

    /// The form of `key` for the count `n`, with `{n}` and `args` filled in.
    pub fn count(&self, key: &str, n: u64, args: &[(&str, &str)]) -> String {
        let text = match self.texts.get(key) {
            Some(Text::Plural { one, .. }) if self.is_one(n) => one,
            _ => self.text(key),
        };
        let n = n.to_string();
        let mut all = vec![("n", n.as_str())];
        all.extend_from_slice(args);
        fill(text, &all)
    }

    /// Whether `n` takes the singular form: French says "0 commentaire" too.
    fn is_one(&self, n: u64) -> bool {
        match self.language.as_str() {
            "fr" => n <= 1,
            _ => n == 1,
        }
    }

    /// `2 March 2015`, `2 mars 2015`, `2015年3月2日`.
    pub fn date(&self, d: &Date) -> String {
        let mut out = String::with_capacity(24);
        self.push_date(&mut out, d);
        out
    }

    /// `date` of `d` written at the end of `out`.
    fn push_date(&self, out: &mut String, d: &Date) {
        use chrono::Datelike;
        let d = d.naive_utc();
        for piece in &self.date_texts().date {
            match piece {
                Piece::Day => dates::push_digits(out, d.day(), 1),
                Piece::Month => out.push_str(&self.months[d.month() as usize - 1]),
                Piece::MonthNumber => dates::push_digits(out, d.month(), 1),
                Piece::Year if d.year() >= 0 => dates::push_digits(out, d.year() as u32, 1),
                Piece::Year => out.push_str(&d.year().to_string()),
                other => other.push_words(out),
            }
        }
    }

    /// `2 March 2015, 10:15`; the date alone for a date written without a time.
    pub fn date_time(&self, d: &Date) -> String {
        self.date_time_of(d, &self.date(d))
    }

    /// `date_time`, given `date` = `self.date(d)` (a comment's view shows both).
    pub fn date_time_of(&self, d: &Date, date: &str) -> String {
        let mut out = String::with_capacity(date.len() + 16);
        self.push_date_time_by(&mut out, d, |out| out.push_str(date));
        out
    }

    /// `date_time` of `d` written at the end of `out`.
    pub fn push_date_time(&self, out: &mut String, d: &Date) {
        self.push_date_time_by(out, d, |out| self.push_date(out, d));
    }

    /// `date_time` of `d`, its date written by `push_date`.
    fn push_date_time_by(&self, out: &mut String, d: &Date, push_date: impl Fn(&mut String)) {
        use chrono::Timelike;
        if dates::written_without_time(d) {
            return push_date(out);
        }
        let time = d.naive_utc().time();
        for piece in &self.date_texts().date_time {
            match piece {
                Piece::Date => push_date(out),
                Piece::Time => {
                    dates::push_digits(out, time.hour(), 2);
                    out.push(':');
                    dates::push_digits(out, time.minute(), 2);
                }
                other => other.push_words(out),
            }
        }
    }

    fn date_texts(&self) -> &DateTexts {
        self.dates.get_or_init(|| DateTexts {
            date: pieces(self.text("date"), |name| match name {
                "day" => Some(Piece::Day),
                "month" => Some(Piece::Month),
                "month_number" => Some(Piece::MonthNumber),
                "year" => Some(Piece::Year),
                _ => None,
            }),
            date_time: pieces(self.text("date_time"), |name| match name {
                "date" => Some(Piece::Date),
                "time" => Some(Piece::Time),
                _ => None,
            }),
        })
    }

    /// A duration as a person would say it, to the largest whole unit: `5 hours`.
    pub fn duration(&self, d: chrono::Duration) -> String {
        let s = d.num_seconds().max(0) as u64;
        let (n, unit) = match s {
            0..=59 => (s, "seconds"),
            60..=3599 => (s / 60, "minutes"),
            3600..=86_399 => (s / 3600, "hours"),
            _ => (s / 86_400, "days"),
        };
        self.count(unit, n, &[])
    }

    /// A period of the reply rate over time, in words: a quarter, `2015 Q1`, as
    /// `quarter` says it (`T1 2015`); a month, `2015-03`, as `month_period` does
    /// (`mars 2015`); a year as it is.
    pub fn period(&self, label: &str) -> String {
        if let Some((year, quarter)) = label.split_once(" Q") {
            return self.fill("quarter", &[("year", year), ("quarter", quarter)]);
        }
        let month = label
            .split_once('-')
            .and_then(|(year, month)| Some((year, month.parse::<usize>().ok()?)))
            .filter(|(_, m)| (1..=12).contains(m));
        match month {
            Some((year, m)) => self.fill(
                "month_period",
                &[
                    ("year", year),
                    ("month", &self.months[m - 1]),
                    ("month_number", &m.to_string()),
                ],
            ),
            None => label.to_string(),
        }
    }
}

/// `t(key="read_more")`, `t(key="comment_count", n=3)`, `t(key="tagged", tag=t.name)`:
/// the templates' access to the strings.
pub struct Translate(pub std::sync::Arc<Strings>);

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let key = match args.get("key") {
            Some(tera::Value::String(k)) => k,
            _ => {
                return Err(tera::Error::msg(
                    "t() needs the key of a string, e.g. t(key=\"read_more\")",
                ))
            }
        };
        if !self.0.has(key) {
            let keys: Vec<&str> = self.0.texts.keys().map(String::as_str).collect();
            let near = crate::explain::did_you_mean(key, &keys)
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            return Err(tera::Error::msg(format!(
                "there is no string `{key}`{near}"
            )));
        }
        let values: Vec<(&str, String)> = args
            .iter()
            .filter(|(name, _)| *name != "key" && *name != "n")
            .map(|(name, v)| {
                let shown = match v {
                    tera::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (name.as_str(), shown)
            })
            .collect();
        let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let text = match args.get("n") {
            Some(n) => {
                let n = n.as_u64().ok_or_else(|| {
                    tera::Error::msg(format!(
                        "t(key=\"{key}\", n=…) needs a whole number, not {n}"
                    ))
                })?;
                self.0.count(key, n, &values)
            }
            None => self.0.fill(key, &values),
        };
        Ok(tera::Value::String(text))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

/// `fr` of `fr-CA`, `zh` of `zh_Hans`.
fn primary_subtag(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn parse_built_in(language: &str) -> RawStrings {
    let text = BUILT_IN
        .iter()
        .find(|(l, _)| *l == language)
        .expect("a built-in language")
        .1;
    toml::from_str(text).expect("built-in catalogues parse")
}

fn months(value: &toml::Value) -> Option<Vec<String>> {
    let names: Option<Vec<String>> = value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect();
    names.filter(|n| n.len() == 12)
}

/// A value of the catalogue as the kind of text its English reference is: a count
/// may be one text for every count, or `{ one, other }` (`one` defaults to `other`).
fn read_text_value(value: &toml::Value, reference: &Text) -> Option<Text> {
    match (value, reference) {
        (toml::Value::String(s), Text::Plain(_)) => Some(Text::Plain(s.clone())),
        (toml::Value::String(s), Text::Plural { .. }) => Some(Text::Plural {
            one: s.clone(),
            other: s.clone(),
        }),
        (toml::Value::Table(t), Text::Plural { .. }) => {
            if t.keys().any(|k| k != "one" && k != "other") {
                return None;
            }
            let other = t.get("other")?.as_str()?.to_string();
            let one = match t.get("one") {
                Some(v) => v.as_str()?.to_string(),
                None => other.clone(),
            };
            Some(Text::Plural { one, other })
        }
        _ => None,
    }
}

/// The `{names}` of `text`.
fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                found.push(name);
                rest = &rest[close + 1..];
            }
        }
    }
    found
}

/// Each `{name}` of `text` must be one English fills in for `key`.
fn check_placeholders(
    key: &str,
    text: &Text,
    reference: &Text,
) -> std::result::Result<(), (String, Vec<String>)> {
    let forms = |t: &Text| match t {
        Text::Plain(s) => vec![s.clone()],
        Text::Plural { one, other } => vec![one.clone(), other.clone()],
    };
    let mut allowed: Vec<String> = forms(reference)
        .iter()
        .flat_map(|f| placeholders(f).into_iter().map(str::to_string))
        .collect();
    if matches!(reference, Text::Plural { .. }) {
        allowed.push("n".into());
    }
    if key == "date" {
        allowed = ["day", "month", "month_number", "year"]
            .map(String::from)
            .to_vec();
    }
    if key == "month_period" {
        allowed = ["month", "month_number", "year"].map(String::from).to_vec();
    }
    allowed.sort();
    allowed.dedup();
    for form in forms(text) {
        if let Some(bad) = placeholders(&form)
            .into_iter()
            .find(|p| !allowed.iter().any(|a| a == p))
        {
            return Err((bad.to_string(), allowed));
        }
    }
    Ok(())
}

/// `text` with each `{name}` of `args` replaced by its value; other braces are kept.
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    fill_into(&mut out, text, args);
    out
}

/// `fill` written at the end of `out`.
fn fill_into(out: &mut String, text: &str, args: &[(&str, &str)]) {
    fill_by_into(out, text, |name, out| {
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, value)) => {
                out.push_str(value);
                true
            }
            None => false,
        }
    });
}

/// `text` with each `{name}` replaced by what `value` writes for it; braces around a
/// name `value` does not know (it returns `false`, writing nothing) are kept.
fn fill_by(text: &str, value: impl FnMut(&str, &mut String) -> bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    fill_by_into(&mut out, text, value);
    out
}

/// `fill_by` written at the end of `out`.
fn fill_by_into(out: &mut String, text: &str, mut value: impl FnMut(&str, &mut String) -> bool) {
    let mut rest = text;
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match memchr::memchr(b'}', after.as_bytes()) {
            Some(close) if value(&after[..close], out) => rest = &after[close + 1..],
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// `text` cut as `fill_by` fills it: a `{name}` that `value` knows becomes its
/// piece; anything else, braces included, stays words.
fn pieces(text: &str, value: impl Fn(&str) -> Option<Piece>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    // What `fill_by` has written since the last value is the words before it.
    let rest = fill_by(text, |name, words| {
        let Some(piece) = value(name) else {
            return false;
        };
        if !words.is_empty() {
            pieces.push(Piece::Words(std::mem::take(words)));
        }
        pieces.push(piece);
        true
    });
    if !rest.is_empty() {
        pieces.push(Piece::Words(rest));
    }
    pieces
}

impl Piece {
    /// Words, written as they are (a value's place is written by its text's reader).
    fn push_words(&self, out: &mut String) {
        if let Piece::Words(words) = self {
            out.push_str(words);
        }
    }
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_text_cut_at_its_placeholders_fills_as_fill_by_fills_it(
            text in "(\\{|\\}|day|year|x| |é){0,12}"
        ) {
            let value = |name: &str| match name {
                "day" => Some(Piece::Day),
                "year" => Some(Piece::Year),
                _ => None,
            };
            let cut: String = (pieces(&text, value).iter())
                .map(|piece| match piece {
                    Piece::Words(words) => words.as_str(),
                    Piece::Day => "2",
                    _ => "2015",
                })
                .collect();
            let filled = fill_by(&text, |name, out| {
                match name {
                    "day" => out.push('2'),
                    "year" => out.push_str("2015"),
                    _ => return false,
                }
                true
            });
            proptest::prop_assert_eq!(cut, filled);
        }
    }

    fn load(language: &str) -> Strings {
        Strings::load(
            language,
            Location::new(Path::new("site.toml"), Some(1)),
            None,
            Path::new("/nonexistent"),
            None,
            (Path::new("site.toml"), ""),
        )
        .unwrap()
    }

    #[test]
    fn every_catalogue_has_the_keys_and_placeholders_of_english() {
        let english = Strings::english();
        for (language, _) in BUILT_IN {
            let raw = parse_built_in(language);
            let keys: Vec<&str> = raw.keys().map(|k| k.get_ref().as_str()).collect();
            let mut expected: Vec<&str> = english.texts.keys().map(String::as_str).collect();
            expected.push(MONTHS);
            expected.sort_unstable();
            assert_eq!(keys, expected, "{language}.toml");
            load(language);
        }
    }

    #[test]
    fn counts_take_the_language_s_plural() {
        let en = load("en");
        assert_eq!(en.count("comment_count", 1, &[]), "1 comment");
        assert_eq!(en.count("comment_count", 0, &[]), "0 comments");
        let fr = load("fr-CA");
        assert_eq!(fr.count("comment_count", 0, &[]), "0 commentaire");
        assert_eq!(fr.count("comment_count", 2, &[]), "2 commentaires");
    }

    #[test]
    fn dates_read_as_in_the_language() {
        let d = dates::parse("2015-03-02T10:15:00Z").unwrap();
        assert_eq!(load("en").date(&d), "2 March 2015");
        assert_eq!(load("en").date_time(&d), "2 March 2015, 10:15");
        assert_eq!(load("fr").date(&d), "2 mars 2015");
        assert_eq!(load("de").date(&d), "2. März 2015");
        assert_eq!(load("es").date(&d), "2 de marzo de 2015");
        assert_eq!(load("zh").date(&d), "2015年3月2日");
        let midnight = dates::parse("2024-04-03").unwrap();
        assert_eq!(load("en").date_time(&midnight), "3 April 2024");
    }

    #[test]
    fn quarters_read_as_in_the_language() {
        assert_eq!(load("en").period("2015 Q1"), "2015 Q1");
        assert_eq!(load("fr").period("2015 Q1"), "T1 2015");
        assert_eq!(load("zh").period("2015 Q1"), "2015年第1季度");
        assert_eq!(load("en").period("2015-03"), "March 2015");
        assert_eq!(load("fr").period("2015-03"), "mars 2015");
        assert_eq!(load("es").period("2015-11"), "noviembre de 2015");
        assert_eq!(load("zh").period("2015-03"), "2015年3月");
        assert_eq!(load("fr").period("2015"), "2015");
    }

    #[test]
    fn durations_read_naturally() {
        let en = load("en");
        assert_eq!(en.duration(chrono::Duration::minutes(1)), "1 minute");
        assert_eq!(en.duration(chrono::Duration::hours(5)), "5 hours");
        assert_eq!(load("fr").duration(chrono::Duration::days(3)), "3 jours");
    }

    #[test]
    fn fill_keeps_braces_it_has_no_value_for() {
        assert_eq!(fill("{a} {b} {", &[("a", "x")]), "x {b} {");
        assert_eq!(placeholders("{n} of {total} {x y}"), ["n", "total"]);
    }
}
