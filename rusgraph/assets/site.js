// The atlas's search page: MiniSearch (vendored) over this language's search data
// (window.RUSGRAPH_SEARCH, a script beside this one), the query from ?q=. No network.
(function () {
  "use strict";
  var docs = window.RUSGRAPH_SEARCH || [];
  var lang = document.documentElement.lang || "nb";
  var words = lang === "nb"
    ? { hits: "{n} treff for «{q}»", none: "Ingen treff for «{q}».", empty: "Skriv et søkeord." }
    : { hits: "{n} results for “{q}”", none: "No results for “{q}”.", empty: "Type a search word." };
  var index = new MiniSearch({
    idField: "id",
    fields: ["t", "x", "k", "d", "n"],
    storeFields: ["t", "k", "d", "n"],
    searchOptions: { boost: { t: 3, n: 3 }, prefix: true, fuzzy: 0.2, combineWith: "AND" },
  });
  index.addAll(docs);
  var params = new URLSearchParams(window.location.search);
  var q = (params.get("q") || "").trim();
  var box = document.getElementById("q");
  if (box) { box.value = q; }
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  function say(text) { status.textContent = text.replace("{q}", q); }
  if (!q) { say(words.empty); return; }
  var other = document.getElementById("lang-switch");  // the same search in the other language
  if (other) { other.setAttribute("href", other.getAttribute("href") + "?q=" + encodeURIComponent(q)); }
  var hits = index.search(q);
  if (!hits.length) { hits = index.search(q, { combineWith: "OR" }); }
  list.setAttribute("data-count", String(hits.length));
  say(hits.length ? words.hits.replace("{n}", String(hits.length)) : words.none);
  hits.slice(0, 200).forEach(function (h) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = h.id + "." + lang + ".html";
    a.textContent = h.t;
    li.appendChild(a);
    var small = document.createElement("small");
    small.textContent = " " + [h.n, h.k, h.d].filter(Boolean).join(" · ");
    li.appendChild(small);
    list.appendChild(li);
  });
  document.body.setAttribute("data-ready", "true");
})();
