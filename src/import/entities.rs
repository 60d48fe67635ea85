//! HTML character references in plain-text fields: WordPress stores titles and names
//! with `&#8217;` and `&laquo;` in them, and Disqus double-escapes identifiers. Numeric
//! references and every HTML5 named reference (quick-xml's table) are decoded; anything
//! else stays as written.

use std::borrow::Cow;

use quick_xml::escape::resolve_html5_entity;

/// Decodes HTML character references: numeric ones and HTML5 named ones. Unknown
/// names stay as written.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= 32)
            .and_then(|semi| Some((entity(&after[..semi])?, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push_str(&c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<Cow<'static, str>> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code)
            .filter(|&c| c != '\0')
            .map(|c| Cow::Owned(c.to_string()));
    }
    resolve_html5_entity(name).map(Cow::Borrowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_numeric_and_named_references_once() {
        assert_eq!(
            decode_entities("&#8217;&#x41;&amp;amp;&eacute;&THORN;&yuml;"),
            "’A&amp;éÞÿ"
        );
        assert_eq!(
            decode_entities("&bogus; & &#0; &#xZZ;"),
            "&bogus; & &#0; &#xZZ;"
        );
    }
}
