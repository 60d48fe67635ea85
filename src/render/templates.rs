//! Loading templates: the default theme is compiled into the binary; `theme = "NAME"`
//! reads `themes/NAME/templates/` over it; the site's own `templates/` overrides same-named
//! theme templates. Every theme template is also registered as `theme/<name>` so a
//! site override can `{% extends "theme/post.html" %}`, and every default template
//! as `default/<name>` so a theme can extend those.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use tera::ast::{Expr, ExprVal, LogicOperator, Node};
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::error::{read_text, Diagnostic, Error, Location, Result};

/// The default theme's templates, compiled in so a site needs no theme folder.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "post.html",
        include_str!("../../themes/default/templates/post.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "tag.html",
        include_str!("../../themes/default/templates/tag.html"),
    ),
    (
        "tags.html",
        include_str!("../../themes/default/templates/tags.html"),
    ),
    (
        "category.html",
        include_str!("../../themes/default/templates/category.html"),
    ),
    (
        "categories.html",
        include_str!("../../themes/default/templates/categories.html"),
    ),
    (
        "engagement.html",
        include_str!("../../themes/default/templates/engagement.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "alias.html",
        include_str!("../../themes/default/templates/alias.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "thread.html",
        include_str!("../../themes/default/templates/thread.html"),
    ),
    (
        "partials/thread.html",
        include_str!("../../themes/default/templates/partials/thread.html"),
    ),
    (
        "partials/toc.html",
        include_str!("../../themes/default/templates/partials/toc.html"),
    ),
    (
        "partials/related.html",
        include_str!("../../themes/default/templates/partials/related.html"),
    ),
    (
        "partials/thread-loop.html",
        include_str!("../../themes/default/templates/partials/thread-loop.html"),
    ),
    (
        "partials/engagement.html",
        include_str!("../../themes/default/templates/partials/engagement.html"),
    ),
    (
        "partials/engagement-loop.html",
        include_str!("../../themes/default/templates/partials/engagement-loop.html"),
    ),
    (
        "partials/post-list.html",
        include_str!("../../themes/default/templates/partials/post-list.html"),
    ),
    (
        "partials/post-list-loop.html",
        include_str!("../../themes/default/templates/partials/post-list-loop.html"),
    ),
];

/// The default theme's static files.
pub const DEFAULT_STATIC: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_str!("../../themes/default/static/search.js"),
    ),
];

/// Compiles the templates of the site configured by `config`, and keeps where each
/// came from to locate errors.
pub fn load(config: &SiteConfig) -> Result<(tera::Tera, Sources)> {
    // A theme inherits every template it does not define from the default theme, so
    // a theme may be as small as one file and still gets pages added later.
    let mut theme: BTreeMap<String, String> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let mut sources = Sources::default();
    if let Some(dir) = config.theme_dir() {
        let found = read_dir_templates(&dir.join("templates"))?;
        sources.add(
            &config.root,
            &dir.join("templates"),
            &found,
            &["", "theme/"],
        );
        theme.extend(found);
    }
    let site: BTreeMap<String, String> = read_dir_templates(&config.templates_dir())?
        .into_iter()
        .collect();
    sources.add(
        &config.root,
        &config.templates_dir(),
        &site
            .iter()
            .map(|(n, t)| (n.clone(), t.clone()))
            .collect::<Vec<_>>(),
        &[""],
    );
    let aliases: Vec<(String, String)> = theme
        .iter()
        .map(|(n, t)| (format!("theme/{n}"), t.clone()))
        .chain(
            DEFAULT_TEMPLATES
                .iter()
                .map(|(n, t)| (format!("default/{n}"), t.to_string())),
        )
        .collect();
    theme.extend(site);
    let all: BTreeMap<&str, &str> = aliases
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .chain(theme.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .collect();
    sources.add_built_in(&all);
    check_extends(&all, &sources)?;
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm"]);
    // Tera's own escaper also escapes `/`, which makes every URL unreadable in the
    // output; ours escapes exactly what HTML text and quoted attributes need.
    tera.set_escape_fn(crate::render::escape::escape_html);
    add_templates(&mut tera, aliases.into_iter().chain(theme))
        .map_err(|e| sources.error("", &e, None))?;
    Ok((tera, sources))
}

/// Whether the `post_list` macro of `macros.html`, and the `comment_count` macro it
/// calls, are the default theme's: only then may a list's posts be drawn by the
/// markup written in Rust (`posts_html`), which a theme or site changing the macros
/// would not see.
pub fn default_post_list(tera: &tera::Tera, sources: &Sources) -> bool {
    if sources.is_built_in("macros.html") {
        return true;
    }
    let macros = |name: &str| tera.templates.get(name).map(|t| &t.macros);
    match (macros("macros.html"), macros("default/macros.html")) {
        (Some(now), Some(default)) if sources.is_built_in("default/macros.html") => {
            ["post_list", "comment_count"]
                .iter()
                .all(|m| now.get(*m).is_some() && now.get(*m) == default.get(*m))
        }
        _ => false,
    }
}

/// Whether `name` and every template it reaches (those it extends, includes or
/// imports macros from, and theirs) are the default theme's, as compiled into the
/// binary: only then may its pages be written by the default theme's markup in Rust
/// (`render::default_theme`).
pub fn default_tree(tera: &tera::Tera, sources: &Sources, name: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut due = vec![name.to_string()];
    while let Some(n) = due.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        let Some(now) = tera.templates.get(&n).filter(|_| sources.is_built_in(&n)) else {
            return false;
        };
        due.extend(reached_from(now).into_iter().map(str::to_string));
    }
    true
}

/// `tera.add_raw_templates(named)`, parsing each distinct text once and the texts in
/// parallel: a template is registered under up to three names (its own, `theme/` and
/// `default/`), and parsing was a build's only serial step of any length.
fn add_templates(
    tera: &mut tera::Tera,
    named: impl Iterator<Item = (String, String)>,
) -> tera::Result<()> {
    use rayon::prelude::*;
    let named: Vec<(String, String)> = named.collect();
    let mut texts: Vec<&str> = named.iter().map(|(_, t)| t.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    let parsed: Option<BTreeMap<&str, tera::Template>> = texts
        .par_iter()
        .map(|&text| Some((text, tera::Template::new("", None, text).ok()?)))
        .collect();
    let Some(parsed) = parsed else {
        // The error names the first template that does not parse, as tera does.
        return tera.add_raw_templates(named.iter().map(|(n, t)| (n, t)));
    };
    for (name, text) in &named {
        let mut template = parsed[text.as_str()].clone();
        template.name.clone_from(name);
        tera.templates.insert(name.clone(), template);
    }
    tera.build_inheritance_chains()?;
    tera.check_macro_files()
}

/// The templates whose rendering may read `page.thread.comments`: those that name it,
/// or `page.thread` or `page` as a whole (a `set`, a macro's argument, a loop over
/// the page), or the whole context, in themselves or in a template they extend,
/// include or import macros from. Template names in tera are written out, so this
/// finds every template a rendering can reach. The others are given the comments'
/// count and markup without the list, which was most of the values a post's page
/// handed tera.
pub fn reading_comment_lists(tera: &tera::Tera) -> BTreeSet<String> {
    reading(tera, &COMMENT_LIST)
}

/// A part of the context that templates which do not read it are not given.
pub struct Part {
    /// Whether a variable written so may be, or hold, the part.
    may_read: fn(&str) -> bool,
    /// The variables holding the part whose truth alone does not read it.
    tested: &'static [&'static str],
}

/// `page.thread.comments`.
pub const COMMENT_LIST: Part = Part {
    may_read: may_read_comments,
    tested: &["page", "page.thread"],
};

/// The lists of the conversations page (`engagement.ranking`, `regulars`,
/// `periods`, `chart`, `sources`), which its default theme's markup
/// (`engagement.html`) is written from.
pub const ENGAGEMENT_LISTS: Part = Part {
    may_read: may_read_engagement_lists,
    tested: &["engagement"],
};

/// The templates whose rendering may read `part`, as `reading_comment_lists` finds
/// them for the comment list.
pub fn reading(tera: &tera::Tera, part: &Part) -> BTreeSet<String> {
    let reads: BTreeMap<&str, bool> = (tera.templates.iter())
        .map(|(name, t)| (name.as_str(), template_reads(t, part)))
        .collect();
    (tera.templates.keys())
        .filter(|name| {
            let mut seen = BTreeSet::new();
            let mut due = vec![name.as_str()];
            while let Some(n) = due.pop() {
                let Some(t) = tera.templates.get(n).filter(|_| seen.insert(n)) else {
                    continue;
                };
                if reads[n] {
                    return true;
                }
                due.extend(reached_from(t));
            }
            false
        })
        .cloned()
        .collect()
}

/// The templates `t` extends, includes or imports macros from.
fn reached_from(t: &tera::Template) -> Vec<&str> {
    let mut names: Vec<&str> = t.parents.iter().map(String::as_str).collect();
    names.extend(t.parent.as_deref());
    names.extend(t.imported_macro_files.iter().map(|(file, _)| file.as_str()));
    let mut nodes: Vec<&Node> = t.ast.iter().collect();
    while let Some(node) = nodes.pop() {
        if let Node::Include(_, included, _) = node {
            names.extend(included.iter().map(String::as_str));
        }
        nodes.extend(children(node));
    }
    for m in t.macros.values() {
        let mut nodes: Vec<&Node> = m.body.iter().collect();
        while let Some(node) = nodes.pop() {
            if let Node::Include(_, included, _) = node {
                names.extend(included.iter().map(String::as_str));
            }
            nodes.extend(children(node));
        }
    }
    names
}

/// The nodes inside `node`.
fn children(node: &Node) -> Vec<&Node> {
    match node {
        Node::MacroDefinition(_, m, _) => m.body.iter().collect(),
        Node::FilterSection(_, f, _) => f.body.iter().collect(),
        Node::Block(_, b, _) => b.body.iter().collect(),
        Node::Forloop(_, f, _) => f.body.iter().chain(f.empty_body.iter().flatten()).collect(),
        Node::If(i, _) => (i.conditions.iter())
            .flat_map(|(_, _, body)| body)
            .chain(i.otherwise.iter().flat_map(|(_, body)| body))
            .collect(),
        _ => Vec::new(),
    }
}

/// The expressions of `node` itself (not of the nodes inside it).
fn expressions(node: &Node) -> Vec<&Expr> {
    match node {
        Node::VariableBlock(_, e) => vec![e],
        Node::Set(_, set) => vec![&set.value],
        Node::Forloop(_, f, _) => vec![&f.container],
        Node::If(i, _) => i.conditions.iter().map(|(_, e, _)| e).collect(),
        Node::FilterSection(_, f, _) => f.filter.args.values().collect(),
        Node::MacroDefinition(_, m, _) => m.args.values().flatten().collect(),
        _ => Vec::new(),
    }
}

/// Whether `t` itself (its blocks and macros included) may read `part`.
fn template_reads(t: &tera::Template, part: &Part) -> bool {
    let mut nodes: Vec<&Node> = t.ast.iter().collect();
    nodes.extend(t.macros.values().flat_map(|m| &m.body));
    // Each expression, and whether only its truth is used: `{% if page %}` does not
    // read the comments, the page being no emptier without them.
    let mut exprs: Vec<(&Expr, bool)> = (t.macros.values())
        .flat_map(|m| m.args.values().flatten())
        .map(|e| (e, false))
        .collect();
    while let Some(node) = nodes.pop() {
        match node {
            Node::If(i, _) => exprs.extend(i.conditions.iter().map(|(_, e, _)| (e, true))),
            _ => exprs.extend(expressions(node).into_iter().map(|e| (e, false))),
        }
        nodes.extend(children(node));
    }
    while let Some((e, truth)) = exprs.pop() {
        let truth = truth && e.filters.is_empty();
        exprs.extend(
            e.filters
                .iter()
                .flat_map(|f| f.args.values())
                .map(|a| (a, false)),
        );
        let idents: Vec<&str> = match &e.val {
            ExprVal::Ident(ident) if truth && part.tested.contains(&ident.as_str()) => {
                vec![]
            }
            ExprVal::Ident(ident) => vec![ident],
            ExprVal::Test(test) => {
                exprs.extend(test.args.iter().map(|a| (a, false)));
                vec![&test.ident]
            }
            ExprVal::Logic(l) => {
                let both = truth && matches!(l.operator, LogicOperator::And | LogicOperator::Or);
                exprs.extend([(&*l.lhs, both), (&*l.rhs, both)]);
                vec![]
            }
            ExprVal::Math(m) => {
                exprs.extend([(&*m.lhs, false), (&*m.rhs, false)]);
                vec![]
            }
            ExprVal::In(i) => {
                exprs.extend([(&*i.lhs, false), (&*i.rhs, false)]);
                vec![]
            }
            ExprVal::MacroCall(m) => {
                exprs.extend(m.args.values().map(|a| (a, false)));
                vec![]
            }
            ExprVal::FunctionCall(f) => {
                exprs.extend(f.args.values().map(|a| (a, false)));
                vec![]
            }
            ExprVal::Array(items) => {
                exprs.extend(items.iter().map(|a| (a, false)));
                vec![]
            }
            ExprVal::StringConcat(c) => (c.values.iter())
                .filter_map(|v| match v {
                    ExprVal::Ident(ident) => Some(ident.as_str()),
                    _ => None,
                })
                .collect(),
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {
                vec![]
            }
        };
        if idents.into_iter().any(part.may_read) {
            return true;
        }
    }
    false
}

/// How much of the variable `root` a variable written `ident` may hold.
enum Reach<'a> {
    Nothing,
    /// All of it: the whole context, `root` itself, or `root` indexed by an expression.
    Whole,
    /// The field of `root` it names, and the path below that field.
    Field(&'a str, std::str::Split<'a, char>),
}

fn reach<'a>(ident: &'a str, root: &str) -> Reach<'a> {
    if ident.starts_with("__tera_context") {
        return Reach::Whole;
    }
    let mut path = ident.split('.');
    let first = path.next().unwrap_or_default();
    if first != root {
        let indexed = first.strip_prefix(root).is_some_and(|r| r.starts_with('['));
        return if indexed {
            Reach::Whole
        } else {
            Reach::Nothing
        };
    }
    match path.next() {
        None => Reach::Whole,
        Some(field) => Reach::Field(field, path),
    }
}

/// Whether a variable written `ident` may be, or hold, the list of comments: the
/// whole context, `page`, `page.thread`, or a part of `page.thread` other than
/// those that do not hold it.
fn may_read_comments(ident: &str) -> bool {
    match reach(ident, "page") {
        Reach::Nothing => false,
        Reach::Whole => true,
        Reach::Field("thread", mut below) => !matches!(
            below.next(),
            Some("count" | "html" | "max_depth" | "reactions")
        ),
        Reach::Field(field, _) => field.starts_with("thread["),
    }
}

/// Whether a variable written `ident` may be, or hold, a list of the conversations
/// page: the whole context, `engagement`, or one of its lists.
fn may_read_engagement_lists(ident: &str) -> bool {
    match reach(ident, "engagement") {
        Reach::Nothing => false,
        Reach::Whole => true,
        Reach::Field(field, _) => {
            field.starts_with('[')
                || matches!(
                    field.split('[').next(),
                    Some("ranking" | "regulars" | "periods" | "chart" | "sources")
                )
        }
    }
}

/// Follows every `{% extends %}` chain: tera overflows its stack on a template that
/// extends itself, directly or through others, instead of reporting it.
fn check_extends(templates: &BTreeMap<&str, &str>, sources: &Sources) -> Result<()> {
    for start in templates.keys() {
        let mut chain = vec![*start];
        let mut current = *start;
        while let Some(parent) = templates.get(current).and_then(|t| extended(t)) {
            if chain.contains(&parent) {
                chain.push(parent);
                return Err(Diagnostic::new(
                    sources.location(start, Some(1)),
                    format!("templates extend each other in a circle: {}", chain.join(" → ")),
                    "a theme's template extends the default theme's with {% extends \"default/NAME\" %}; a site template extends the theme's with {% extends \"theme/NAME\" %}",
                )
                .into());
            }
            chain.push(parent);
            current = parent;
        }
    }
    Ok(())
}

/// The template named by a `{% extends "NAME" %}` tag, if `text` has one.
fn extended(text: &str) -> Option<&str> {
    let rest = &text[text.find("{%")?..];
    let rest = rest[2..].trim_start_matches(['-', ' ', '\t', '\n', '\r']);
    let rest = rest.strip_prefix("extends")?.trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let name = &rest[1..];
    name.find(quote).map(|end| &name[..end])
}

fn read_dir_templates(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(dir, "cannot list", e.into()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_ignored(&name) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root");
        let name = rel.to_string_lossy().replace('\\', "/");
        out.push((name, read_text(entry.path())?));
    }
    Ok(out)
}

/// Where each template was read from (relative to the site's folder) and its text, to
/// point a template error at a file and line.
#[derive(Default)]
pub struct Sources(BTreeMap<String, (PathBuf, String)>);

impl Sources {
    /// Templates read from `dir`, registered under each of `prefixes` + their name.
    fn add(&mut self, root: &Path, dir: &Path, found: &[(String, String)], prefixes: &[&str]) {
        for (name, text) in found {
            let path = dir.join(name);
            let path = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            for prefix in prefixes {
                self.0
                    .insert(format!("{prefix}{name}"), (path.clone(), text.clone()));
            }
        }
    }

    /// The rest: the default theme compiled into the binary.
    fn add_built_in(&mut self, all: &BTreeMap<&str, &str>) {
        for (name, text) in all {
            let file = name
                .trim_start_matches("theme/")
                .trim_start_matches("default/");
            self.0.entry(name.to_string()).or_insert_with(|| {
                (
                    PathBuf::from(format!("{file} (built-in theme)")),
                    text.to_string(),
                )
            });
        }
    }

    /// Whether the template registered as `name` is the default theme's own text
    /// under its own name (a site's `templates/default/NAME` is not).
    pub fn is_built_in(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|(_, text)| {
            let own = name.strip_prefix("default/").unwrap_or(name);
            DEFAULT_TEMPLATES
                .iter()
                .any(|(n, t)| *n == own && t == text)
        })
    }

    fn location(&self, name: &str, line: Option<usize>) -> Location {
        let path = self
            .0
            .get(name)
            .map_or_else(|| PathBuf::from(name), |(p, _)| p.clone());
        Location::new(&path, line)
    }

    /// The template `name` and those it extends, nearest first.
    fn chain(&self, name: &str) -> Vec<&str> {
        let mut chain = vec![];
        let mut current = Some(name);
        while let Some(n) = current.filter(|n| !chain.contains(n) && chain.len() < 64) {
            let Some((key, (_, text))) = self.0.get_key_value(n) else {
                break;
            };
            chain.push(key.as_str());
            current = extended(text);
        }
        chain
    }

    /// A tera error as a diagnostic at the template file, line and column it is
    /// about. Tera gives a position for syntax errors only; for a missing variable,
    /// filter or function the line is the first that names it, in the template or
    /// one it extends.
    pub fn error(
        &self,
        rendering: &str,
        e: &tera::Error,
        context: Option<&tera::Context>,
    ) -> Error {
        let mut causes = vec![e.to_string()];
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            causes.push(s.to_string());
            source = s.source();
        }
        let first = &causes[0];
        if let Some(name) = quoted_after(first, "Failed to parse '") {
            let detail = causes.last().map(String::as_str).unwrap_or_default();
            return parse_error(self.location(name, None), detail).into();
        }
        let name = quoted_after(first, "Failed to render '").unwrap_or(rendering);
        let cause = causes.last().map(String::as_str).unwrap_or(first);
        let (message, mut help, word) = explain_render_error(cause);
        if let Some(near) = cause
            .starts_with("Variable `")
            .then_some(word.as_deref())
            .flatten()
            .zip(context)
            .and_then(|(var, ctx)| nearest_variable(var, ctx))
        {
            help = format!("did you mean `{near}`? (the README lists each template's variables)");
        }
        let found = word.as_deref().and_then(|w| {
            self.chain(name).into_iter().find_map(|n| {
                let text = &self.0.get(n)?.1;
                let (line, column) = find_in_tags(text, w)?;
                let mut at = self.location(n, Some(line));
                at.column = Some(column);
                Some(at)
            })
        });
        let location = found.unwrap_or_else(|| self.location(name, None));
        Diagnostic::new(location, message, help).into()
    }
}

/// A syntax error from tera's parser: ` --> 3:15` then the line and a caret, then
/// `= expected …`.
fn parse_error(mut location: Location, detail: &str) -> Diagnostic {
    if let Some((line, column)) = detail
        .split_once("--> ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|at| at.split_once(':'))
    {
        location.line = line.parse().ok();
        location.column = column.parse().ok().filter(|_| location.line.is_some());
    }
    let expected = detail
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or("the template cannot be read here");
    Diagnostic::new(
        location,
        format!("this template cannot be read here: {expected}"),
        "close every {{ with }} and every {% %} tag with %}, and end each block, if and for with its end tag",
    )
}

/// (what, what to do, the name to look for in the template) for tera's last cause.
fn explain_render_error(cause: &str) -> (String, String, Option<String>) {
    let cause = cause.trim();
    if let Some(var) = quoted_after(cause, "Variable `") {
        return (
            format!("`{var}` is not a variable this template gets"),
            format!("check the spelling (the README lists each template's variables), or write {{{{ {var} | default(value=\"\") }}}} if it may be missing"),
            Some(var.to_string()),
        );
    }
    for (kind, what) in [
        ("Filter '", "filter"),
        ("Function '", "function"),
        ("Test '", "test"),
    ] {
        if let Some(name) = quoted_after(cause, kind) {
            return (
                format!("there is no {what} named `{name}`"),
                "check the spelling; tera's documentation lists the built-in filters, functions and tests".into(),
                Some(name.to_string()),
            );
        }
    }
    if let Some(name) = quoted_after(cause, "Template '") {
        let name = name.trim_start_matches('[').trim_end_matches(']');
        return (
            format!("there is no template named {name}"),
            "create it in templates/, or fix the name".into(),
            Some(name.to_string()),
        );
    }
    (cause.to_string(), "fix the template here".into(), None)
}

/// The variable of `context` closest to the misspelt `var` (`page.titel` →
/// `page.title`, `pag.title` → `page.title`): the first part that does not exist is
/// replaced by the nearest key beside it.
fn nearest_variable(var: &str, context: &tera::Context) -> Option<String> {
    let json = context.clone().into_json();
    let parts: Vec<&str> = var.split('.').collect();
    let mut value = &json;
    for (i, part) in parts.iter().enumerate() {
        let object = value.as_object()?;
        match object.get(*part) {
            Some(next) => value = next,
            None => {
                let keys: Vec<&str> = object.keys().map(String::as_str).collect();
                let near = crate::explain::did_you_mean(part, &keys)?;
                let mut fixed: Vec<&str> = parts.clone();
                fixed[i] = near;
                return Some(fixed.join("."));
            }
        }
    }
    None
}

/// The text between `prefix` and the next quote of the same kind.
fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let close = prefix.chars().last()?;
    let rest = &text[text.find(prefix)? + prefix.len()..];
    rest.find(close).map(|end| &rest[..end])
}

/// The 1-based line and column of the first `{{ … }}` or `{% … %}` of `text` that
/// names `word`.
fn find_in_tags(text: &str, word: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = &text[..at];
        let open = before.rfind("{{").max(before.rfind("{%"));
        let close = before.rfind("}}").max(before.rfind("%}"));
        if open.is_some() && open > close {
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            return Some((
                before.matches('\n').count() + 1,
                before[line_start..].chars().count() + 1,
            ));
        }
        from = at + word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_variable_gets_the_nearest_one() {
        let ctx = tera::Context::from_value(serde_json::json!({
            "page": {"title": "x", "extra": {"mood": "ok"}},
            "site": {"title": "y"}
        }))
        .unwrap();
        let near = |var| nearest_variable(var, &ctx);
        assert_eq!(near("page.titel").as_deref(), Some("page.title"));
        assert_eq!(near("pag.title").as_deref(), Some("page.title"));
        assert_eq!(near("page.extra.moood").as_deref(), Some("page.extra.mood"));
        assert_eq!(near("page.extra.subtitle"), None);
    }

    #[test]
    fn finds_every_template_that_may_read_the_comment_list() {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates([
            ("base.html", "{% if page and page.title %}{{ page.title }}{% endif %}{% block b %}{% endblock b %}"),
            ("count.html", "{% extends \"base.html\" %}{% block b %}{% if page.thread.count > 0 %}{{ page.thread.html | safe }}{{ page.thread.reactions.total }}{% endif %}{% endblock b %}"),
            ("loop.html", "{% for c in page.thread.comments %}{{ c.author }}{% endfor %}"),
            ("includes.html", "{% include \"loop.html\" %}"),
            ("child.html", "{% extends \"includes.html\" %}"),
            ("set.html", "{% set t = page.thread %}{{ t.max_depth }}"),
            ("m.html", "{% macro show(p) %}{{ p.title }}{% endmacro show %}{% macro all() %}{{ page.thread.comments | length }}{% endmacro all %}"),
            ("passes.html", "{% import \"m.html\" as m %}{{ m::show(p=page) }}"),
            ("imports.html", "{% import \"m.html\" as m %}{{ m::show(p=site) }}"),
            ("json.html", "{{ page | json_encode }}"),
            ("index.html", "{{ page[\"thread\"] }}"),
            ("dump.html", "{{ __tera_context }}"),
            ("compared.html", "{% if page.thread == site %}x{% endif %}"),
            ("tested.html", "{% if page.thread.comments %}x{% endif %}"),
            ("engagement.html", "{{ page.engagement.comments }}{{ e.comments }}"),
        ])
        .unwrap();
        let reading = reading_comment_lists(&tera);
        let reads = |name: &str| reading.contains(name);
        for name in ["base.html", "count.html", "engagement.html"] {
            assert!(!reads(name), "{name}");
        }
        for name in [
            "loop.html",
            "includes.html",
            "child.html",
            "set.html",
            "m.html",
            "passes.html",
            "imports.html",
            "json.html",
            "index.html",
            "dump.html",
            "compared.html",
            "tested.html",
        ] {
            assert!(reads(name), "{name}");
        }
    }

    /// The templates of a site with nothing of its own: the default theme's.
    fn default_site_templates() -> tera::Tera {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"t\"\nbase_url = \"https://e.org/\"\n",
        )
        .unwrap();
        load(&crate::config::load(dir.path()).unwrap()).unwrap().0
    }

    #[test]
    fn the_default_posts_do_not_read_the_comment_list() {
        let tera = default_site_templates();
        let reading = reading_comment_lists(&tera);
        assert!(!reading.contains("post.html") && !reading.contains("page.html"));
        assert!(reading.contains("partials/thread-loop.html"));
    }

    #[test]
    fn the_default_conversations_page_does_not_read_its_lists() {
        let mut tera = default_site_templates();
        tera.add_raw_templates([
            ("mine.html", "{% if engagement %}{{ engagement.html | safe }}{{ engagement.more_regulars }}{% endif %}"),
            ("ranked.html", "{% for r in engagement.ranking %}{{ r.title }}{% endfor %}"),
            ("whole.html", "{% set g = engagement %}{{ g.reader_comments }}"),
            ("tested.html", "{% if engagement.regulars %}x{% endif %}"),
        ])
        .unwrap();
        let reading = reading(&tera, &ENGAGEMENT_LISTS);
        for name in ["engagement.html", "partials/engagement.html", "mine.html"] {
            assert!(!reading.contains(name), "{name}");
        }
        for name in [
            "partials/engagement-loop.html",
            "ranked.html",
            "whole.html",
            "tested.html",
        ] {
            assert!(reading.contains(name), "{name}");
        }
    }

    #[test]
    fn finds_extends_and_cycles() {
        assert_eq!(extended("{% extends \"base.html\" %}x"), Some("base.html"));
        assert_eq!(extended("{%- extends 'a' -%}"), Some("a"));
        assert_eq!(extended("{% block x %}{% endblock %}"), None);
        let ok = BTreeMap::from([("a", "{% extends \"b\" %}"), ("b", "")]);
        assert!(check_extends(&ok, &Sources::default()).is_ok());
        let circle = BTreeMap::from([("a", "{% extends \"b\" %}"), ("b", "{% extends \"a\" %}")]);
        assert!(check_extends(&circle, &Sources::default())
            .unwrap_err()
            .to_string()
            .contains("a → b → a"));
    }
}
