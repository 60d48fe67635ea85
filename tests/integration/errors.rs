//! The catalogue of common mistakes: each row is a one-post site with one mistake
//! written over it, the command a user would run, and the exact message they get,
//! with exit status 1. The README's table of mistakes is checked against it.

use crate::harness::SiteTest;

const POST: &str = "---\ntitle: Hello\ndate: 2020-01-01\n---\nHi.\n";

/// One mistake: the files written over the one-post site, the command, what it prints.
struct Mistake {
    /// As the README's table names it.
    mistake: &'static str,
    /// Each file's path and text; a text `link to TARGET` makes a symbolic link, and
    /// `padded to N` a file of N bytes using no disk (sparse).
    files: &'static [(&'static str, &'static str)],
    args: &'static [&'static str],
    stderr: &'static str,
}

const CATALOGUE: &[Mistake] = &[
    Mistake {
        mistake: "site.toml: a misspelt key",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\ntitel = \"My blog\"\n")],
        args: &["build"],
        stderr: "error: site.toml:3:1: unknown key `titel`\n  help: did you mean `title`? (keys are case-sensitive)\n",
    },
    Mistake {
        mistake: "site.toml: a key rapport does not know",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\ntwitter = \"@me\"\n")],
        args: &["build"],
        stderr: "error: site.toml:3:1: unknown key `twitter`\n  help: remove it, use one of `title`, `base_url`, `description`, `language`, `theme`, `posts_per_page`, `author`, `comments`, `feeds`, `deploy`, `favicon`, `menu`, `permalinks`, `taxonomies`, `strings`, `fetch`, `engagement`, `highlight` or `extra`, or keep a value of your own under extra, e.g. twitter = … below a line [extra] at the end of the file\n",
    },
    Mistake {
        mistake: "site.toml: a misspelt table",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n[comment]\nmax_depth = 3\n")],
        args: &["build"],
        stderr: "error: site.toml:3:2: unknown key `comment`\n  help: did you mean `comments`? (keys are case-sensitive)\n",
    },
    Mistake {
        mistake: "site.toml: a number written as text",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\nposts_per_page = \"ten\"\n")],
        args: &["build"],
        stderr: "error: site.toml:3:18: posts_per_page must be a whole number, not \"ten\"\n  help: write a number without quotes, e.g. posts_per_page = 10\n",
    },
    Mistake {
        mistake: "site.toml: zero posts per page",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\nposts_per_page = 0\n")],
        args: &["build"],
        stderr: "error: site.toml:3: posts_per_page must be at least 1\n  help: set posts_per_page = 10, or remove the key for the default\n",
    },
    Mistake {
        mistake: "site.toml: no title",
        files: &[("site.toml", "base_url = \"https://example.org/\"\n")],
        args: &["build"],
        stderr: "error: site.toml: this file has no `title`, which is required\n  help: add it, e.g. title = \"My blog\"\n",
    },
    Mistake {
        mistake: "site.toml: a quote left open",
        files: &[("site.toml", "title = \"My blog\nbase_url = \"https://example.org/\"\n")],
        args: &["build"],
        stderr: "error: site.toml:1:17: a quote opened on this line is never closed\n  help: end the text with \" on the same line (write \\\" for a quote inside it)\n",
    },
    Mistake {
        mistake: "site.toml: text without quotes",
        files: &[("site.toml", "title = My blog\nbase_url = \"https://example.org/\"\n")],
        args: &["build"],
        stderr: "error: site.toml:1:9: the value of `title` must be in double quotes\n  help: write title = \"My blog\"\n",
    },
    Mistake {
        mistake: "site.toml: a key without a value",
        files: &[("site.toml", "title = \"T\"\nbase_url =\n")],
        args: &["build"],
        stderr: "error: site.toml:2:11: `base_url` has no value\n  help: write the value after the equals sign, e.g. base_url = \"https://example.org/\"\n",
    },
    Mistake {
        mistake: "site.toml: a key set twice",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\ntitle = \"Again\"\n")],
        args: &["build"],
        stderr: "error: site.toml:3:1: `title` is set twice\n  help: keep one of the two lines\n",
    },
    Mistake {
        mistake: "site.toml: base_url without https://",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"example.org\"\n")],
        args: &["build"],
        stderr: "error: site.toml:2: base_url \"example.org\" must start with http:// or https://\n  help: write the address the site is published at, e.g. base_url = \"https://example.github.io/blog/\"\n",
    },
    Mistake {
        mistake: "site.toml: a theme that is not there",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\ntheme = \"nope\"\n")],
        args: &["build"],
        stderr: "error: site.toml:3: theme \"nope\" has no folder themes/nope/\n  help: create the theme's folder, or remove the theme key to use the built-in theme\n",
    },
    Mistake {
        mistake: "site.toml: a permalink pattern with an unknown placeholder",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n[permalinks]\nposts = \"/:year/:title/\"\n")],
        args: &["build"],
        stderr: "error: site.toml:4: permalink pattern \"/:year/:title/\" names :title, which is not a placeholder (the post's address name is :slug)\n  help: write a path on this site made of :year, :month, :day, :slug, :id and :section, e.g. posts = \"/:year/:month/:slug/\"\n",
    },
    Mistake {
        mistake: "site.toml: a permalink pattern without :slug or :id",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n[permalinks]\nposts = \"/:year/:month/\"\n")],
        args: &["build"],
        stderr: "error: site.toml:4: permalink pattern \"/:year/:month/\" names neither :slug nor :id, so posts would share an address\n  help: add :slug (or :id), e.g. posts = \"/:year/:month/:slug/\"\n",
    },
    Mistake {
        mistake: "a post without the id its permalink pattern names",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n[permalinks]\nposts = \"/archives/:id/\"\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:1: this post has no id, which the permalink pattern \"/archives/:id/\" (site.toml:4) needs\n  help: add its id to the front matter, e.g. id: 1234, or use :slug in the pattern\n",
    },
    Mistake {
        mistake: "TOML front matter (+++): a misspelt key",
        files: &[("content/posts/hello.md", "+++\ntitel = \"Hello\"\ndate = 2020-01-01\n+++\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2:1: unknown key `titel`\n  help: did you mean `title`? (keys are case-sensitive)\n",
    },
    Mistake {
        mistake: "TOML front matter: a date that does not exist",
        files: &[("content/posts/hello.md", "+++\ntitle = \"Hello\"\ndate = 2020-02-30\n+++\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:3:16: date is not a valid date: its month or day does not exist\n  help: write a day of the calendar, e.g. date = 2015-03-02 or date = 2015-03-02T10:15:00Z\n",
    },
    Mistake {
        mistake: "TOML front matter: a date without two-digit month and day",
        files: &[("content/posts/hello.md", "+++\ntitle = \"Hello\"\ndate = 2020-3-1\n+++\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:3:13: date is not a valid date: it is not written YYYY-MM-DD\n  help: write two-digit months and days, e.g. date = 2015-03-02 or date = 2015-03-02T10:15:00Z\n",
    },
    Mistake {
        mistake: "TOML front matter: a date in quotes that is not a date",
        files: &[("content/posts/hello.md", "+++\ntitle = \"Hello\"\ndate = \"yesterday\"\n+++\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:3: date: \"yesterday\" is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)\n  help: write the date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n",
    },
    Mistake {
        mistake: "TOML front matter: text without quotes",
        files: &[("content/posts/hello.md", "+++\ntitle = Hello\ndate = 2020-01-01\n+++\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2:9: the value of `title` must be in double quotes\n  help: write title = \"Hello\"\n",
    },
    Mistake {
        mistake: "TOML front matter closed with ---",
        files: &[("content/posts/hello.md", "+++\ntitle = \"Hello\"\ndate = 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:1: the front matter that starts here is never closed\n  help: end the front matter with a line that holds only +++\n",
    },
    Mistake {
        mistake: "a post without front matter",
        files: &[("content/posts/hello.md", "Hi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:1: this file has no front matter\n  help: start the file with a line ---, then lines such as title: My post and date: 2024-01-31, then a line ---\n",
    },
    Mistake {
        mistake: "a blank line before the front matter",
        files: &[("content/posts/hello.md", "\n---\ntitle: Hello\ndate: 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2: the front matter must start on the file's first line\n  help: remove the blank lines (or spaces) before the first ---\n",
    },
    Mistake {
        mistake: "front matter without its closing ---",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:1: the front matter that starts here is never closed\n  help: end the front matter with a line that holds only ---\n",
    },
    Mistake {
        mistake: "front matter: a misspelt key",
        files: &[("content/posts/hello.md", "---\ntitel: Hello\ndate: 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2:1: unknown key `titel`\n  help: did you mean `title`? (keys are case-sensitive)\n",
    },
    Mistake {
        mistake: "front matter: a key from Jekyll or Hugo",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\nlayout: post\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4:1: unknown key `layout`\n  help: rapport's key for this is `template`\n",
    },
    Mistake {
        mistake: "front matter: a key rapport does not know",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\nmood: happy\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4:1: unknown key `mood`\n  help: remove it, use one of `title`, `date`, `updated`, `tags`, `categories`, `draft`, `summary`, `slug`, `id`, `aliases`, `template`, `syndication`, `toc` or `extra`, or keep a value of your own under extra, e.g. extra: {mood: …}\n",
    },
    Mistake {
        mistake: "front matter: a key set twice",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\ntitle: Again\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4: `title` is set twice\n  help: keep one of the two lines\n",
    },
    Mistake {
        mistake: "front matter: tags written without brackets",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\ntags: rust, web\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4:7: tags must be a list, not \"rust, web\"\n  help: write the items in brackets: tags: [rust, web]\n",
    },
    Mistake {
        mistake: "front matter: a list left open",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\ntags: [rust, web\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4:7: a list opened with [ here is never closed\n  help: end the list with ] on the same line, its items separated by commas\n",
    },
    Mistake {
        mistake: "front matter: draft that is not true or false",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\ndraft: yes please\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4:8: draft must be true or false, not \"yes please\"\n  help: write draft: true or draft: false\n",
    },
    Mistake {
        mistake: "front matter: a tab for indentation",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\ntags:\n\t- rust\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:5:1: a tab is used for indentation here; YAML allows only spaces\n  help: replace the tab with spaces (two per level)\n",
    },
    Mistake {
        mistake: "front matter: a quote left open",
        files: &[("content/posts/hello.md", "---\ntitle: \"Hello\ndate: 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2:8: a quote opened here is never closed\n  help: end the value with the same quote on this line (write \\\" for a quote inside double quotes)\n",
    },
    Mistake {
        mistake: "front matter: a quote inside a quoted value",
        files: &[("content/posts/hello.md", "---\ntitle: \"Say \"hi\"\"\ndate: 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2:14: a quoted value ends before the end of the line\n  help: quote a value holding \" with single quotes (title: 'Say \"hi\"'), and write ' inside single quotes as '' (title: 'It''s')\n",
    },
    Mistake {
        mistake: "front matter: a colon in a value",
        files: &[("content/posts/hello.md", "---\ntitle: Rust: a review\ndate: 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2:12: the value of `title` contains \": \", which YAML reads as the start of another key\n  help: put the value in double quotes: title: \"Rust: a review\"\n",
    },
    Mistake {
        mistake: "front matter: a value starting with @",
        files: &[("content/posts/hello.md", "---\ntitle: @home\ndate: 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:2:8: a value cannot start with `@` unless it is quoted\n  help: put the value in double quotes: title: \"@home\"\n",
    },
    Mistake {
        mistake: "front matter: a key without its colon",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:3:1: this line is not of the form `key: value`\n  help: add a colon and a space after the key, or indent the line if it continues the value above\n",
    },
    Mistake {
        mistake: "front matter: a key indented by mistake",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\n  date: 2020-01-01\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:3:7: this line is indented more than the keys above it\n  help: start every key of a block at the same column\n",
    },
    Mistake {
        mistake: "front matter: a date that does not exist",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2021-02-30\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:3: date: \"2021-02-30\" is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)\n  help: write the date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n",
    },
    Mistake {
        mistake: "a post without a date",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:1: this post has no date\n  help: add a date to its front matter, e.g. date: 2024-01-31 (drafts may go without)\n",
    },
    Mistake {
        mistake: "front matter: a slug with a space",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\nslug: my post\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4: slug \"my post\" is not a single URL segment (it may not contain '/', '..' or spaces)\n  help: use letters, digits and dashes only, e.g. slug: my-first-post\n",
    },
    Mistake {
        mistake: "front matter: a slug longer than 200 bytes",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\nslug: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4: slug \"aaaaaaaaaaaaaaaaaaaa\"… is 201 bytes long, and a part of an address between slashes may have at most 200 (it becomes the name of a folder)\n  help: set a shorter slug in the front matter, e.g. slug: my-first-post\n",
    },
    Mistake {
        mistake: "front matter: a template that does not exist",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\ntemplate: wide.html\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.md:4: template \"wide.html\" does not exist\n  help: create it in templates/, or remove the template: key\n",
    },
    Mistake {
        mistake: "two posts at one address",
        files: &[("content/posts/other.md", "---\ntitle: Other\ndate: 2020-01-01\nslug: hello\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/other.md:1: this post is published at /posts/hello/, which content/posts/hello.md:1 also uses\n  help: give it another address with slug: in its front matter, or rename the file\n",
    },
    Mistake {
        mistake: "two addresses that differ only in case",
        files: &[("content/posts/other.md", "---\ntitle: Other\ndate: 2020-01-01\nslug: Hello\n---\nHi.\n")],
        args: &["build"],
        stderr: "error: content/posts/other.md:1: this post is published at /posts/Hello/, which content/posts/hello.md:1 also uses in other capitals, one address on case-insensitive file systems (macOS, Windows)\n  help: give it another address with slug: in its front matter, or rename the file\n",
    },
    Mistake {
        mistake: "static/: a link to the output folder",
        files: &[("static/pub", "link to ../public")],
        args: &["build"],
        stderr: "error: static/pub: this link leads into the build's output (public): each build would publish the previous one inside itself\n  help: remove the link, or point it at a folder that is not, and does not hold, the output\n",
    },
    Mistake {
        mistake: "a post that is a named pipe",
        files: &[("content/posts/pipe.md", "a named pipe")],
        args: &["build"],
        stderr: "error: content/posts/pipe.md: this is not a file but a named pipe, a socket or a device, which rapport does not read\n  help: replace it with a file, or move it out of content/\n",
    },
    Mistake {
        mistake: "content/: a link that leads nowhere",
        files: &[("content/posts/gone.md", "link to nowhere.md")],
        args: &["build"],
        stderr: "error: content/posts/gone.md: this link leads to nowhere.md, which does not exist\n  help: remove the link, or point it at a file that exists\n",
    },
    Mistake {
        mistake: "content/: a link that leads nowhere, a newline in its name",
        files: &[("content/posts/x\nNo problems found.md", "link to nowhere.md")],
        args: &["build"],
        stderr: "error: content/posts/x\\nNo problems found.md: this link leads to nowhere.md, which does not exist\n  help: remove the link, or point it at a file that exists\n",
    },
    Mistake {
        mistake: "content/: a link to a folder that holds it",
        files: &[("content/posts/up", "link to ..")],
        args: &["build"],
        stderr: "error: content/posts/up: this link leads to .., which leads back to it or to a folder holding it, so it never ends\n  help: remove the link, or point it at a file or folder that does not lead back to it\n",
    },
    Mistake {
        mistake: "content/: a link to the output folder",
        files: &[("content/mirror", "link to ../public")],
        args: &["build"],
        stderr: "error: content/mirror: this link leads into the build's output (public): each build would publish the previous one inside itself\n  help: remove the link, or point it at a folder that is not, and does not hold, the output\n",
    },
    Mistake {
        mistake: "static/: a link to a folder that holds it",
        files: &[("static/a/up", "link to ..")],
        args: &["build"],
        stderr: "error: static/a/up: this link leads to static, which holds it, so the files under it never end\n  help: remove the link, or point it at a folder that does not hold it\n",
    },
    Mistake {
        mistake: "a post larger than 16 MB",
        files: &[("content/posts/hello.md", "padded to 17000000")],
        args: &["build"],
        stderr: "error: content/posts/hello.md: this file is 17 MB; rapport reads markdown files of up to 16 MB\n  help: split it into several posts, or keep what is not text (data, images) in files beside it\n",
    },
    Mistake {
        mistake: "thread file: comments without `comments:`",
        files: &[("content/posts/hello.comments.yaml", "- id: 1\n  body: Hi\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:1: the comments are written as a bare list; they go under a `comments:` key\n  help: add a line comments: above the list, and indent the list under it by two spaces\n",
    },
    Mistake {
        mistake: "thread file: `comment:` for `comments:`",
        files: &[("content/posts/hello.comments.yaml", "comment:\n  - id: 1\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:1:1: unknown key `comment`\n  help: did you mean `comments`? (keys are case-sensitive)\n",
    },
    Mistake {
        mistake: "thread file: a misspelt key",
        files: &[("content/posts/hello.comments.yaml", "comments:\n  - id: 1\n    athor: Fiona\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:3:5: unknown key `athor` in a comment\n  help: did you mean `author`? (keys are case-sensitive)\n",
    },
    Mistake {
        mistake: "thread file: a role in capitals",
        files: &[("content/posts/hello.comments.yaml", "comments:\n  - id: 1\n    role: Author\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:3:11: role `Author` is not one of `reader`, `author` or `mention`\n  help: did you mean `author`? (role: author)\n",
    },
    Mistake {
        mistake: "thread file: a comment without id",
        files: &[("content/posts/hello.comments.yaml", "comments:\n  - author: Fiona\n    body: Hi\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:2:5: this comment has no `id`, which is required\n  help: add it, e.g. id: \"7\"\n",
    },
    Mistake {
        mistake: "thread file: a date that is not a date",
        files: &[("content/posts/hello.comments.yaml", "comments:\n  - id: 1\n    date: yesterday\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:3: comment \"1\": \"yesterday\" is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)\n  help: write the date as RFC 3339, e.g. 2015-03-02T10:15:00Z, or remove it\n",
    },
    Mistake {
        mistake: "thread file: two comments with one id",
        files: &[("content/posts/hello.comments.yaml", "comments:\n  - id: 1\n  - id: 1\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:3: duplicate comment id \"1\" (first used on line 2)\n  help: give each comment its own id; replies point at ids with parent:\n",
    },
    Mistake {
        mistake: "thread file: a reply to a comment that is not there",
        files: &[("content/posts/hello.comments.yaml", "comments:\n  - id: 1\n    parent: 9\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yaml:3: comment \"1\" replies to \"9\", which is not in this file\n  help: set parent: to the id of a comment in this file, or remove it to make a top-level comment\n",
    },
    Mistake {
        mistake: "thread file: named .yml (or .comment.yaml)",
        files: &[("content/posts/hello.comments.yml", "comments:\n  - id: 1\n")],
        args: &["build"],
        stderr: "error: content/posts/hello.comments.yml: this looks like a thread file, but thread files end in .comments.yaml\n  help: rename it to hello.comments.yaml\n",
    },
    Mistake {
        mistake: "a thread file whose name matches no post",
        files: &[("content/posts/helo.comments.yaml", "comments: []\n")],
        args: &["build"],
        stderr: "error: content/posts/helo.comments.yaml: this thread file has no post beside it\n  help: rename it to match its post (content/posts/helo.md), or delete it\n",
    },
    Mistake {
        mistake: "template: an expression left open",
        files: &[("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n{% endblock content %}\n")],
        args: &["build"],
        stderr: "error: templates/post.html:3:19: this template cannot be read here: expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)\n  help: close every {{ with }} and every {% %} tag with %}, and end each block, if and for with its end tag\n",
    },
    Mistake {
        mistake: "template: a misspelt variable",
        files: &[("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.titel }}</h1>\n{% endblock content %}\n")],
        args: &["build"],
        stderr: "error: templates/post.html:3:8: `page.titel` is not a variable this template gets\n  help: did you mean `page.title`? (the README lists each template's variables)\n",
    },
    Mistake {
        mistake: "template: a variable a page may not have",
        files: &[("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.extra.subtitle }}</p>\n{% endblock content %}\n")],
        args: &["build"],
        stderr: "error: templates/post.html:3:7: `page.extra.subtitle` is not a variable this template gets\n  help: check the spelling (the README lists each template's variables), or write {{ page.extra.subtitle | default(value=\"\") }} if it may be missing\n",
    },
    Mistake {
        mistake: "template: a misspelt variable in the base template",
        files: &[("templates/base.html", "<!doctype html>\n<title>{{ site.titel }}</title>\n{% block content %}{% endblock content %}\n")],
        args: &["build"],
        stderr: "error: templates/base.html:2:11: `site.titel` is not a variable this template gets\n  help: did you mean `site.title`? (the README lists each template's variables)\n",
    },
    Mistake {
        mistake: "template: a filter that does not exist",
        files: &[("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title | upcase }}</h1>\n{% endblock content %}\n")],
        args: &["build"],
        stderr: "error: templates/post.html:3:21: there is no filter named `upcase`\n  help: check the spelling; tera's documentation lists the built-in filters, functions and tests\n",
    },
    Mistake {
        mistake: "template: including a template that is not there",
        files: &[("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}\n{% include \"header.html\" %}\n{% endblock content %}\n")],
        args: &["build"],
        stderr: "error: templates/post.html:3:13: there is no template named header.html\n  help: create it in templates/, or fix the name\n",
    },
    Mistake {
        mistake: "--root names a folder that does not exist",
        files: &[],
        args: &["build", "--root", "my-blgo"],
        stderr: "error: my-blgo: this folder does not exist\n  help: pass the site's folder with --root, or create a site here with `rapport init my-blgo`\n",
    },
    Mistake {
        mistake: "--root names a folder inside the site",
        files: &[],
        args: &["build", "--root", "content"],
        stderr: "error: content/site.toml: no site.toml here\n  help: this folder is inside the site at .: run rapport there, or pass --root .\n",
    },
    Mistake {
        mistake: "content is a link to the site's own folder",
        files: &[("content", "link to .")],
        args: &["build"],
        stderr: "error: content: this leads to the site's own folder, or to a folder holding it, so the site would be read as its own content\n  help: make content a folder of its own inside the site\n",
    },
    Mistake {
        mistake: "site.toml is a named pipe",
        files: &[("site.toml", "a named pipe")],
        args: &["build"],
        stderr: "error: site.toml: this is not a file but a named pipe, a socket or a device, which rapport does not read\n  help: replace it with a file holding the site's settings (`rapport init DIR` writes one)\n",
    },
    Mistake {
        mistake: "site.toml is a folder",
        files: &[("site.toml", "a folder")],
        args: &["build"],
        stderr: "error: site.toml: this is a folder, not a file\n  help: replace it with a file holding the site's settings (`rapport init DIR` writes one)\n",
    },
    Mistake {
        mistake: "--output names the site's own folder",
        files: &[],
        args: &["build", "--output", "content"],
        stderr: "error: refusing to build into content: it holds the site's own files, and a build replaces the whole folder\n  help: pass an --output folder of its own, e.g. --output public\n",
    },
    Mistake {
        mistake: "init in a folder that holds a site",
        files: &[],
        args: &["init", "."],
        stderr: "error: .: this folder already holds a site (it has a site.toml)\n  help: choose an empty folder, e.g. rapport init my-blog\n",
    },
    Mistake {
        mistake: "import: a new site from an export whose posts have several authors",
        files: &[("export.xml", "<rss><channel><link>https://old.example/</link>\n<item><dc:creator>ann</dc:creator><wp:post_id>1</wp:post_id><wp:status>publish</wp:status></item>\n<item><dc:creator>bob</dc:creator><wp:post_id>2</wp:post_id><wp:status>publish</wp:status></item>\n</channel></rss>\n")],
        args: &["import", "wordpress", "export.xml", "--root", "blog"],
        stderr: "error: export.xml: the published posts have 2 authors, and a new site has one: ann (1 post), bob (1 post)\n  help: choose the site's author with --author LOGIN, e.g. --author ann; the posts of every author are imported\n",
    },
    Mistake {
        mistake: "import: --uploads names a folder that is not there",
        files: &[],
        args: &["import", "wordpress", "export.xml", "--uploads", "wp-content/uploads"],
        stderr: "error: wp-content/uploads: --uploads names no folder here\n  help: pass the copy of the old site's wp-content/uploads (the folder that holds the year folders, 2019/ …), or leave --uploads out to keep the media on the old site\n",
    },
    Mistake {
        mistake: "import: a Disqus export into a folder without a site",
        files: &[],
        args: &["import", "disqus", "export.xml", "--root", "blog"],
        stderr: "error: blog: no site here to add the Disqus comments to (there is no site.toml)\n  help: a Disqus export has comments but no posts: make the site first, from your WordPress export with `rapport import wordpress export.xml --root blog` or with `rapport init blog`, then import the Disqus export into it\n",
    },
    Mistake {
        mistake: "check: a link to a page that does not exist",
        files: &[("content/posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\n---\nSee [the next post](/posts/next/).\n")],
        args: &["check"],
        stderr: "error: content/posts/hello.md:5:5: links to /posts/next/, which the site does not have\n  help: fix the address (one starting with / is read from the site's root, e.g. /posts/hello/), or create what it points at\n",
    },
    Mistake {
        mistake: "fetch: a token in site.toml",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[fetch]\nwebmention_io = { domain = \"example.org\", token = \"abc123\" }\n")],
        args: &["fetch"],
        stderr: "error: site.toml:5: a token does not belong in site.toml: the file travels with the site's sources, and the token would be as public as they are\n  help: remove the token from site.toml and set the environment variable WEBMENTION_IO_TOKEN instead (e.g. export WEBMENTION_IO_TOKEN=... before rapport fetch)\n",
    },
    Mistake {
        mistake: "fetch: --post with a misspelt slug",
        files: &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[fetch]\nmastodon = true\n")],
        args: &["fetch", "--post", "helo"],
        stderr: "error: --post helo: no post or page has this slug\n  help: did you mean --post hello?\n",
    },
    Mistake {
        mistake: "fetch: no source set up",
        files: &[],
        args: &["fetch"],
        stderr: "error: site.toml: there is no source to fetch from: no [fetch] table names one\n  help: add a [fetch] table naming one or more of: mastodon = true, bluesky = true, webmention_io = { domain = \"example.org\" }, staticman = { folder = \"data/comments\" } (README: Fetching replies)\n",
    },
];

/// What is wrong with the run of `m`, if anything.
fn run(m: &Mistake) -> Option<String> {
    let site = SiteTest::with_files(&[("content/posts/hello.md", POST)]);
    for (rel, text) in m.files {
        match text.strip_prefix("link to ") {
            Some(target) => {
                let link = site.root.join(rel);
                let _ = std::fs::remove_dir_all(&link);
                std::fs::create_dir_all(link.parent().unwrap()).unwrap();
                std::os::unix::fs::symlink(target, link).unwrap();
            }
            None if *text == "a folder" => {
                let _ = std::fs::remove_file(site.root.join(rel));
                std::fs::create_dir_all(site.root.join(rel)).unwrap();
            }
            None if *text == "a named pipe" => {
                let _ = std::fs::remove_file(site.root.join(rel));
                let made = std::process::Command::new("mkfifo")
                    .arg(site.root.join(rel))
                    .status()
                    .unwrap();
                assert!(made.success());
            }
            None => match text.strip_prefix("padded to ") {
                Some(len) => {
                    let file = std::fs::File::create(site.root.join(rel)).unwrap();
                    file.set_len(len.parse().unwrap()).unwrap();
                }
                None => {
                    site.write(rel, text);
                }
            },
        }
    }
    let run = site.run(m.args);
    (run.code != Some(1) || run.stderr != m.stderr).then(|| {
        format!(
            "{}: exit {:?}\nexpected:\n{}got:\n{}",
            m.mistake, run.code, m.stderr, run.stderr
        )
    })
}

/// serde's wording ("invalid type: sequence, expected struct RawThread", "unknown
/// variant `Author`"), a tab never called a tab, TOML front matter called "no front
/// matter", a template error naming no file: every common mistake now gets one
/// message saying where, what is wrong and what to do.
#[test]
fn common_mistakes_got_the_parsers_wording_instead_of_the_users() {
    assert!(CATALOGUE.len() >= 25);
    let failures: Vec<String> = CATALOGUE
        .chunks(4)
        .flat_map(|chunk| {
            std::thread::scope(|scope| {
                let runs: Vec<_> = chunk.iter().map(|m| scope.spawn(move || run(m))).collect();
                runs.into_iter()
                    .filter_map(|r| r.join().expect("the run finished"))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_lists_every_mistake_of_the_catalogue() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for m in CATALOGUE {
        let row = readme_row(m);
        assert!(readme.contains(&row), "README.md lacks the row\n{row}");
    }
}

/// The README table row of a mistake: `| mistake | message<br>help: … |`, with the
/// pipes of the message escaped.
fn readme_row(m: &Mistake) -> String {
    let message = m
        .stderr
        .trim_end()
        .strip_prefix("error: ")
        .unwrap_or(m.stderr)
        .replace('|', "\\|")
        .replace("\n  help: ", "<br>help: ");
    format!("| {} | {} |", m.mistake.replace('|', "\\|"), message)
}
