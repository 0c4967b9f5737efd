/* The search page: the site's own static index (search-index/ beside the pages, written by
   generator/search.py). A query downloads the manifest, one shard per word and the chunks of
   the documents shown: tens of kilobytes whatever the size of the site, and nothing leaves
   the site. Works from the form on the page and from a ?q= link (the search form on the home
   page). Results are built as DOM nodes, their text set as text. */
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  if (!input) return;
  var form = input.form;
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var root = new URL(form.getAttribute("data-root") || "../", location.href);
  var base = new URL("search-index/", root);
  var SHOWN = 20;
  var EXTRA_SHARDS = 6; // a short word whose shard was split: at most this many more shards are read
  var cache = {};
  var latest = 0;

  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(new URL(path, base).href).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }

  // The same words as generator/search.py `tokens`: lower case, accents removed (NFKD), split
  // at anything that is not a letter or a digit.
  function tokens(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").match(/[\p{L}\p{N}]+/gu) || [];
  }

  var manifest = null;
  function loadManifest() {
    if (!manifest) {
      manifest = get("manifest.json").then(function (m) {
        m.position = new Map(m.keys.map(function (key, i) { return [key, i]; }));
        m.longest = m.keys.reduce(function (n, k) { return Math.max(n, k.length); }, 0);
        return m;
      });
      manifest.catch(function () { manifest = null; });
    }
    return manifest;
  }

  // The shards that can hold `word` and the words starting with it: the one whose key is the
  // longest prefix of the word, and (for a short word) those whose keys start with it.
  function shardsFor(m, word) {
    var found = [];
    for (var n = Math.min(word.length, m.longest); n > 0; n--) {
      var i = m.position.get(word.slice(0, n));
      if (i !== undefined) { found.push(i); break; }
    }
    if (word.length < m.longest) {
      var extra = [];
      m.keys.forEach(function (key, i) {
        if (key.length > word.length && key.lastIndexOf(word, 0) === 0) extra.push(i);
      });
      if (extra.length <= EXTRA_SHARDS) found = found.concat(extra);
    }
    return found;
  }

  // doc -> best score of this word in it: an exact word counts fully, a longer word starting
  // with it (what is still being typed) counts 0.6; rarer words count more. `complete` is false
  // when a matching word is so common that the index keeps only its best documents: a page
  // missing from the list may still hold the word.
  function matches(m, word, shards) {
    var best = new Map();
    best.complete = true;
    shards.forEach(function (shard) {
      Object.keys(shard).forEach(function (token) {
        var weight = token === word ? 1 : (word.length > 1 && token.lastIndexOf(word, 0) === 0 ? 0.6 : 0);
        if (!weight) return;
        var postings = shard[token];
        if (postings[0] > (postings.length - 1) / 2) best.complete = false;
        var idf = Math.log(1 + m.documents / postings[0]);
        for (var i = 1; i < postings.length; i += 2) {
          var score = postings[i + 1] * weight * idf;
          if (!(best.get(postings[i]) >= score)) best.set(postings[i], score);
        }
      });
    });
    return best;
  }

  // The documents with every word, best first. A word whose list is complete must be in the
  // document; a very common word (list cut short) only adds to the score of those it lists.
  // When no document has every word, those with the most of them.
  function rank(words, perWord) {
    var total = new Map();
    var count = new Map();
    var complete = perWord.filter(function (best) { return best.complete; });
    var lists = complete.length ? complete : perWord;
    perWord.forEach(function (best) {
      best.forEach(function (score, doc) {
        total.set(doc, (total.get(doc) || 0) + score);
      });
    });
    lists.forEach(function (best) {
      best.forEach(function (score, doc) { count.set(doc, (count.get(doc) || 0) + 1); });
    });
    var docs = Array.from(count.keys());
    var most = docs.reduce(function (n, d) { return Math.max(n, count.get(d)); }, 0);
    docs = docs.filter(function (d) { return count.get(d) === most; });
    docs.sort(function (a, b) { return (total.get(b) - total.get(a)) || (a - b); });
    return { docs: docs, all: most === lists.length };
  }

  function show(query, docs, found) {
    list.textContent = "";
    docs.forEach(function (d) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(d[1], root).href;
      link.textContent = d[0];
      item.appendChild(link);
      var about = document.createElement("p");
      about.className = "search-excerpt";
      about.textContent = d[2];
      item.appendChild(about);
      list.appendChild(item);
    });
    var total = found.docs.length;
    var quoted = "\u201c" + query + "\u201d";
    if (total === 0) {
      status.textContent = "No results for " + quoted + ". Try fewer or shorter words.";
      return;
    }
    status.textContent = (total === 1 ? "1 result" : total + " results") + " for " + quoted +
      (found.all ? "" : " (pages with some of the words: none has them all)") +
      (total > docs.length ? ", the first " + docs.length + " shown." : ".");
  }

  function run(query) {
    var mine = ++latest;
    query = query.trim();
    var words = tokens(query);
    if (!words.length) {
      list.textContent = "";
      status.textContent = query ? "Type a word or a number to search for." : "";
      return;
    }
    status.textContent = "Searching\u2026";
    loadManifest().then(function (m) {
      return Promise.all(words.map(function (word) {
        return Promise.all(shardsFor(m, word).map(function (i) { return get("t/" + i + ".json"); }))
          .then(function (shards) { return matches(m, word, shards); });
      })).then(function (perWord) {
        var found = rank(words, perWord);
        var top = found.docs.slice(0, SHOWN);
        var chunks = Array.from(new Set(top.map(function (d) { return Math.floor(d / m.chunk); })));
        return Promise.all(chunks.map(function (c) { return get("d/" + c + ".json"); })).then(function (loaded) {
          var byChunk = new Map();
          chunks.forEach(function (c, i) { byChunk.set(c, loaded[i]); });
          var docs = top.map(function (d) { return byChunk.get(Math.floor(d / m.chunk))[d % m.chunk]; });
          if (mine === latest) show(query, docs, found);
        });
      });
    }).catch(function () {
      if (mine !== latest) return;
      status.textContent = "Search could not load. Try again, or browse the lists of organisations and contracts.";
    });
  }

  var timer = null;
  input.addEventListener("focus", function () { loadManifest().catch(function () {}); });
  input.addEventListener("input", function () {
    loadManifest().catch(function () {});
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
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
  window.siteSearchTokens = tokens; // for tests/test_search.py: the browser's words for a text
})();
