/* The search page: Pagefind's static index, loaded from the site itself
   (pagefind/ beside this site's pages). Works from the form on the page and from
   a ?q= link (the search form on the home page). Results are built as DOM nodes:
   titles as text, and excerpts keep only Pagefind's <mark> highlighting. */
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  if (!input) return;
  var form = input.form;
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var root = new URL(form.getAttribute("data-root") || "../", location.href);
  var pagefind = null;
  var latest = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
        // Ranking: term frequency counts less than Pagefind's default, so a name matched in a
        // page's title beats a long list that repeats its words (tests/test_browser.py).
        return module.options({ baseUrl: root.pathname, ranking: { termFrequency: 0.3, pageLength: 1.0 } })
          .then(function () { return module; });
      });
    }
    return pagefind;
  }

  function excerpt(html) {
    // Parsed in an inert document: nothing in it runs or loads. Only text and <mark> are kept.
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createElement("p");
    out.className = "search-excerpt";
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function show(query, results, total) {
    list.textContent = "";
    results.forEach(function (r) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = r.url;
      link.textContent = (r.meta && r.meta.title) || r.url;
      item.appendChild(link);
      item.appendChild(excerpt(r.excerpt || ""));
      list.appendChild(item);
    });
    status.textContent = total === 0 ? "No results for \u201c" + query + "\u201d." :
      (total === 1 ? "1 result" : total + " results") + " for \u201c" + query + "\u201d" +
      (total > results.length ? ", the first " + results.length + " shown." : ".");
  }

  function run(query) {
    var mine = ++latest;
    query = query.trim();
    if (!query) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    status.textContent = "Searching\u2026";
    load().then(function (module) {
      return module.search(query);
    }).then(function (search) {
      if (mine !== latest) return null;
      var total = search.results.length;
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); })).then(function (data) {
        if (mine === latest) show(query, data, total);
      });
    }).catch(function () {
      status.textContent = "Search could not load. Try again, or browse the lists of organisations and contracts.";
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 200);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    run(input.value);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
