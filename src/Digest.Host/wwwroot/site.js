// Two conveniences on the subscribe and preferences forms. Both forms work the same without this file:
// the server checks every field again and shows its own messages.
(function () {
  "use strict";

  // After a refused form, keyboard and screen-reader users land on the list of what to fix.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // The time zone starts as the browser's own, on the subscribe form only (a saved choice is never overridden).
  var zone = document.querySelector("select[name=zone][data-default-from-browser]");
  if (zone && window.Intl) {
    var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    for (var i = 0; i < zone.options.length; i++) {
      if (zone.options[i].value === browserZone) { zone.value = browserZone; break; }
    }
  }

  // Topics are checked against the topic language as they are typed, one result per line.
  var topics = document.querySelector("textarea[name=topics]");
  var results = document.getElementById("topic-check");
  if (!topics || !results || !window.fetch) return;
  var timer = null;
  topics.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  });

  function check() {
    var lines = topics.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean).slice(0, 21);
    if (lines.length === 0) { results.replaceChildren(); return; }
    var query = lines.map(function (l) { return "q=" + encodeURIComponent(l); }).join("&");
    fetch("/api/topics/check?" + query, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(show)
      .catch(function () { results.replaceChildren(); });
  }

  // textContent only: what a person typed, and the titles of listings, are never read as HTML.
  function show(checks) {
    results.replaceChildren.apply(results, checks.map(function (c) {
      var li = document.createElement("li");
      li.className = c.ok ? "ok" : "bad";
      li.textContent = c.ok
        ? "\u2713 " + c.topic + " \u2014 understood as: " + c.canonical + " \u2014 " + matches(c.matches)
        : "\u2717 " + c.topic + " \u2014 " + c.error;
      if (c.ok && c.titles && c.titles.length) li.appendChild(titles(c.titles));
      return li;
    }));
  }

  function matches(n) {
    return n === 1 ? "1 listing last week" : n + " listings last week";
  }

  // The newest listings the topic would have matched; for a topic by meaning, how close each is to its sentence.
  function titles(list) {
    var ul = document.createElement("ul");
    ul.className = "trial";
    list.forEach(function (t) {
      var item = document.createElement("li");
      item.textContent = t.similarity == null ? t.title : t.title + " (similarity " + t.similarity.toFixed(2) + ")";
      ul.appendChild(item);
    });
    return ul;
  }
})();
