/* The search page: the site's own static index (search-index/ beside the pages, written by
   generator/search.py). A query downloads the manifest, one shard per word and the chunks of
   the documents shown: tens of kilobytes whatever the size of the site, and nothing leaves
   the site. Works from the form on the page and from a ?q= link (the search form on the home
   page). Results are built as DOM nodes, their text set as text.
   The index holds English stems (Porter2): the words typed are stemmed with the same algorithm
   (vendor/porter2.js, loaded beside this file when the page has a search box), so "grant" finds
   "grants" and "funding" finds "funded". */
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

  // The stem of a word, as generator/search.py `stem`: Porter2 for a word of a to z and
  // digits, else the word itself. The stemmer is loaded once, on the first search.
  var porter2 = null;
  function loadStemmer() {
    if (!porter2) {
      porter2 = new Promise(function (resolve, reject) {
        if (window.porter2) { resolve(window.porter2.stem); return; }
        var script = document.createElement("script");
        script.src = new URL("assets/vendor/porter2.js", root).href;
        script.onload = function () {
          if (window.porter2) resolve(window.porter2.stem); else reject(new Error("porter2.js"));
        };
        script.onerror = function () { reject(new Error("porter2.js")); };
        document.head.appendChild(script);
      });
      porter2.catch(function () { porter2 = null; });
    }
    return porter2;
  }
  function stemWith(stem, word) {
    return /^[\x00-\x7f]*$/.test(word) ? stem(word) : word;
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

  // doc -> best score of this word in it: its stem counts fully, a longer stem starting with
  // the stem or with the word as typed (a word still being typed) counts 0.6; rarer words count
  // more. `complete` is false when a matching word is so common that the index keeps only its
  // best documents: a page missing from the list may still hold the word. `q` is
  // {word, stem}; with `q.within`, only the longest stem that the word (still being typed)
  // starts with counts, at 0.6: "fundi" finds "fund" (funding), "organisati" "organis".
  function matches(m, q, shards) {
    var best = new Map();
    best.complete = true;
    var word = q.word, stem = q.stem, within = "";
    if (q.within) {
      shards.forEach(function (shard) {
        Object.keys(shard).forEach(function (token) {
          if (token.length > within.length && token.length >= q.within && token.length < word.length &&
              word.lastIndexOf(token, 0) === 0) within = token;
        });
      });
      if (!within) return best;
    }
    shards.forEach(function (shard) {
      Object.keys(shard).forEach(function (token) {
        var weight = q.within ? (token === within ? 0.6 : 0) :
          token === stem ? 1 :
          (word.length > 1 && (token.lastIndexOf(stem, 0) === 0 || token.lastIndexOf(word, 0) === 0) ? 0.6 : 0);
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

  function shards(m, words) {
    var wanted = [];
    words.forEach(function (w) {
      shardsFor(m, w).forEach(function (i) { if (wanted.indexOf(i) < 0) wanted.push(i); });
    });
    return Promise.all(wanted.map(function (i) { return get("t/" + i + ".json"); }));
  }

  // The shorter words a word still being typed may be the stem of: its prefixes down to
  // BACK_OFF letters fewer (Porter2 takes at most a few letters off), and 3 letters at least.
  var BACK_OFF = 4;
  function prefixes(word) {
    var out = [];
    for (var n = word.length - 1; n >= Math.max(3, word.length - BACK_OFF); n--) out.push(word.slice(0, n));
    return out;
  }

  function lookUp(m, q) {
    return shards(m, q.stem === q.word ? [q.word] : [q.stem, q.word]).then(function (loaded) {
      var best = matches(m, q, loaded);
      // The last word, still being typed, found nothing: it may be a longer word's beginning
      // that is longer than that word's stem ("fundi" of "funding", whose stem is "fund").
      if (best.size || !q.typing || q.word.length < 4 || !/^[\x00-\x7f]*$/.test(q.word)) return best;
      var shorter = { word: q.word, stem: q.stem, within: Math.max(3, q.word.length - BACK_OFF) };
      return shards(m, prefixes(q.word)).then(function (more) { return matches(m, shorter, more); });
    });
  }

  function run(query) {
    var mine = ++latest;
    var typing = !/\s$/.test(query);
    query = query.trim();
    var words = tokens(query);
    if (!words.length) {
      list.textContent = "";
      status.textContent = query ? "Type a word or a number to search for." : "";
      return;
    }
    status.textContent = "Searching\u2026";
    Promise.all([loadManifest(), loadStemmer()]).then(function (loaded) {
      var m = loaded[0], stem = loaded[1];
      return Promise.all(words.map(function (word, i) {
        return lookUp(m, { word: word, stem: stemWith(stem, word), typing: typing && i === words.length - 1 });
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
  function preload() {
    loadManifest().catch(function () {});
    loadStemmer().catch(function () {});
  }
  input.addEventListener("focus", preload);
  input.addEventListener("input", function () {
    preload();
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
  window.siteSearchTokens = tokens; // for tests/site/test_search.py: the browser's words for a text
  // for tests/site/test_stemming.py: the browser's stems of words
  window.siteSearchStems = function (words) {
    return loadStemmer().then(function (stem) { return words.map(function (w) { return stemWith(stem, w); }); });
  };
})();
