// The search page of the default theme: searches search/index.json (written by the
// build) in the browser, with no request anywhere else. Without this script the page
// offers the tag list alone. Text from the index is written with textContent only. Its
// messages are the page's, in the site's language: the form's data-no-match,
// data-one-match, data-matches (`{n}` is the count) and data-unavailable.
(function () {
  "use strict";
  var form = document.querySelector("form.search-form");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var LIMIT = 50;
  var posts = null;

  // Lower case, without accents: "Café" is found by "cafe".
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function prepare(entries) {
    return entries.map(function (p) {
      return {
        post: p,
        title: fold(p.title),
        rest: fold([(p.tags || []).join(" "), (p.categories || []).join(" "), p.summary, (p.authors || []).join(" ")].join(" ")),
      };
    });
  }

  function search(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return null;
    var found = posts.filter(function (p) {
      return words.every(function (w) { return p.title.indexOf(w) >= 0 || p.rest.indexOf(w) >= 0; });
    });
    // Posts whose title has every word first; otherwise the index's order (newest first).
    var inTitle = function (p) { return words.every(function (w) { return p.title.indexOf(w) >= 0; }); };
    return found.filter(inTitle).concat(found.filter(function (p) { return !inTitle(p); }));
  }

  function show(query) {
    var found = search(query);
    list.textContent = "";
    if (!found) { status.textContent = ""; return; }
    status.textContent = found.length === 0 ? form.dataset.noMatch :
      found.length === 1 ? form.dataset.oneMatch : form.dataset.matches.split("{n}").join(found.length);
    found.slice(0, LIMIT).forEach(function (p) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.post.url;
      link.textContent = p.post.title;
      item.appendChild(link);
      if (p.post.date) {
        var date = document.createElement("span");
        date.className = "search-date";
        date.textContent = " · " + p.post.date;
        item.appendChild(date);
      }
      if (p.post.summary) {
        var summary = document.createElement("p");
        summary.textContent = p.post.summary;
        item.appendChild(summary);
      }
      list.appendChild(item);
    });
  }

  fetch(form.getAttribute("data-index"))
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (entries) {
      posts = prepare(entries);
      form.hidden = false;
      var query = new URLSearchParams(window.location.search).get("q") || "";
      input.value = query;
      show(query);
      input.addEventListener("input", function () {
        show(input.value);
        var url = new URL(window.location.href);
        if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
        window.history.replaceState(null, "", url);
      });
      form.addEventListener("submit", function (e) { e.preventDefault(); show(input.value); });
    })
    .catch(function () { status.textContent = form.dataset.unavailable; });
})();
