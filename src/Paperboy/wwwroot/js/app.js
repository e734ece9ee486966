// Progressive enhancement only: every page works without this file.
// Renders LaTeX in titles, abstracts and comments with KaTeX (bundled at build time under /lib/katex).
// KaTeX builds DOM nodes and sets styles through the CSSOM, which the CSP (style-src 'self') allows.
(function () {
  "use strict";

  var options = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true }
    ],
    throwOnError: false,
    // Source text is untrusted: no \href, \url or \includegraphics from abstracts.
    trust: false,
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"]
  };

  function hasMath(el) {
    var text = el.textContent || "";
    return text.indexOf("$") !== -1 || text.indexOf("\\(") !== -1 || text.indexOf("\\[") !== -1;
  }

  function render(el) {
    if (el.dataset.math === "done" || !hasMath(el)) return;
    el.dataset.math = "done";
    try {
      window.renderMathInElement(el, options);
    } catch (e) {
      // Math that KaTeX cannot parse stays as readable LaTeX text.
    }
    // A display formula wider than its column scrolls sideways (site.css): one tab stop each, so that a keyboard
    // can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable). Whether it overflows depends on the
    // width of the window, which may change, so every display formula gets one.
    var displays = el.querySelectorAll(".katex-display");
    for (var k = 0; k < displays.length; k++) displays[k].setAttribute("tabindex", "0");
  }

  // <time class="relative" datetime="…"> already says "2 h ago" as the server rendered it (RelativeTime);
  // here it is said again from the reader's clock, so a tab left open does not keep saying "just now".
  function ago(el) {
    var t = Date.parse(el.getAttribute("datetime") || "");
    if (isNaN(t)) return;
    var seconds = Math.max(0, (Date.now() - t) / 1000);
    var text;
    if (seconds < 60) text = "just now";
    else if (seconds < 3600) text = Math.floor(seconds / 60) + " min ago";
    else if (seconds < 86400) text = Math.floor(seconds / 3600) + " h ago";
    else if (seconds < 7 * 86400) text = Math.floor(seconds / 86400) === 1 ? "yesterday" : Math.floor(seconds / 86400) + " days ago";
    else {
      var date = new Date(t);
      var options = { month: "short", day: "numeric" };
      if (date.getFullYear() !== new Date().getFullYear()) options.year = "numeric";
      text = date.toLocaleDateString("en", options);
    }
    el.textContent = text;
  }

  function relativeTimes() {
    var nodes = document.querySelectorAll("time.relative[datetime]");
    for (var i = 0; i < nodes.length; i++) ago(nodes[i]);
  }

  function start() {
    relativeTimes();
    if (typeof window.renderMathInElement !== "function") return;
    var nodes = document.querySelectorAll(".math");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      // Abstracts inside a closed <details> are rendered when opened: a day has up to 50 of them.
      var details = el.closest("details");
      if (details && !details.open) {
        details.addEventListener("toggle", function (event) {
          var opened = event.currentTarget;
          if (!opened.open) return;
          var inner = opened.querySelectorAll(".math");
          for (var j = 0; j < inner.length; j++) render(inner[j]);
        });
        continue;
      }
      render(el);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
