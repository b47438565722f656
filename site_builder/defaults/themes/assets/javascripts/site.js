// The few behaviours every page adds to the theme, in one file the browser caches once
// for the whole site instead of inline scripts repeated in every page (main.html loads it
// after the theme's bundle). Each works without the others; without JavaScript the page
// keeps plain links and forms.

// The search box (partials/search.html): this only opens and closes it (also with the `/`
// and `s` keys); the first keystroke in it imports search.js, which loads Pagefind and then,
// for each query, only the index chunks that query needs. The search page fills the box
// with its `?q=` query.
(function () {
  var f = document.getElementById("dr-search");
  if (!f) return;
  var q = f.elements.q, t = document.getElementById("__search"), m = null;
  function use() {
    m = m || import(new URL("../assets/javascripts/search.js", f.action).href)
      .then(function (s) { return s.attach(f); });
  }
  function open() { t.checked = true; q.focus(); }
  q.addEventListener("input", use);
  q.addEventListener("focus", function () { t.checked = true; });
  t.addEventListener("change", function () { if (t.checked) q.focus(); });
  f.addEventListener("submit", function (e) { e.preventDefault(); use(); });
  // Keyboard focus leaving the open box (Tab past its results, Shift+Tab before it)
  // closes it, so that focus never moves on through the page under it (WCAG 2.4.11).
  var box = f.closest(".md-search");
  document.addEventListener("focusin", function (e) {
    if (t.checked && box && !box.contains(e.target)) t.checked = false;
  });
  document.addEventListener("keydown", function (e) {
    var k = e.key, x = e.target;
    if (k === "Escape" && t.checked) { t.checked = false; q.blur(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey || x.isContentEditable
        || /^(INPUT|TEXTAREA|SELECT)$/.test(x.tagName)) return;
    if (k === "/" || k === "s" || k === "S") { e.preventDefault(); open(); }
  });
  var v = new URLSearchParams(location.search).get("q");
  if (v && f.action === location.origin + location.pathname) { q.value = v; open(); use(); }
})();

// The language switcher keeps the part of the page being read (`#anchor`): anchors are
// made from ids, the same in every language. Without JavaScript it opens the top.
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a.dr-keep-anchor");
  if (a && location.hash) a.hash = location.hash;
}, true);

// A table wider than the screen scrolls sideways in the theme's wrapper: the wrapper takes
// the keyboard focus then, so that it can be scrolled without a mouse (WCAG 2.1.1).
(function () {
  function f() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (w) {
      if (w.scrollWidth > w.clientWidth + 1) w.tabIndex = 0;
      else w.removeAttribute("tabindex");
    });
  }
  if (window.document$) document$.subscribe(function () { setTimeout(f); });
  addEventListener("resize", f);
})();

// A page's table of contents (main.html prints it, folded, after the title) stays in view
// beside the page on wide screens, in the theme's empty sidebar, open; on narrower ones it
// goes back under the title, folded. Without JavaScript it stays under the title.
(function () {
  var toc = document.querySelector("details.dr-toc");
  var side = document.querySelector(".md-sidebar--secondary .md-sidebar__inner");
  if (!toc || !side || side.children.length) return;
  var home = document.createComment("dr-toc"), wide = matchMedia("(min-width: 76.25em)");
  toc.before(home);
  function place() {
    if (wide.matches) { side.append(toc); toc.open = true; }
    else if (toc.parentNode === side) { home.after(toc); toc.open = false; }
  }
  place();
  wide.addEventListener("change", place);
})();
