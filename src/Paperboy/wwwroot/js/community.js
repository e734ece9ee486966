// Progressive enhancement for members; every action also works without this file.
// Pages are shared between readers (list pages are even cached), so they carry nothing personal:
// this script asks /api/me/state who is reading, fills the account corner, marks the reader's
// upvotes and toggles them with fetch, sending the antiforgery token in the X-CSRF-TOKEN header.
// DOM is built with textContent and attributes only, never innerHTML: names are member input.
(function () {
  "use strict";

  var state = null;

  function upvoteForms() {
    return Array.prototype.slice.call(document.querySelectorAll("form.upvote[data-paper-id]"));
  }

  function here() {
    return location.pathname + location.search;
  }

  // Where an anonymous upvote goes: the no-script upvote page, which sends the reader to sign in with
  // the reason and the vote carried along (it is applied when they sign in).
  function upvoteUrl(form) {
    return form.action + "?returnUrl=" + encodeURIComponent(here());
  }

  function paperPath(id) {
    return id.split("/").map(encodeURIComponent).join("/");
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function item(list, child) {
    var li = document.createElement("li");
    li.appendChild(child);
    list.appendChild(li);
  }

  // The account links sit in a menu behind the member's name, so the tabs and the search box keep
  // their room at every width. A <details> opens and closes without script; this only closes it on
  // Escape and on a click elsewhere.
  function fillNav(s) {
    var nav = document.getElementById("member-nav");
    if (!nav || !s.signed_in) return;
    while (nav.firstChild) nav.removeChild(nav.firstChild);
    var menu = document.createElement("details");
    menu.className = "account-menu";
    var summary = document.createElement("summary");
    var name = document.createElement("span");
    name.className = "member-name";
    name.textContent = s.name;
    summary.appendChild(name);
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = ", account menu";
    summary.appendChild(hint);
    menu.appendChild(summary);
    var panel = document.createElement("nav");
    panel.setAttribute("aria-label", "Account");
    var list = document.createElement("ul");
    item(list, link("/for-you", "For you"));
    item(list, link("/library", "Library"));
    item(list, link("/submit", "Submit a paper"));
    item(list, link("/settings", "Settings"));
    if (s.is_admin) {
      var admin = link("/admin", "Admin");
      admin.className = "admin-link";
      item(list, admin);
    }
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/logout";
    form.className = "inline";
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "__RequestVerificationToken";
    token.value = s.csrf;
    var back = document.createElement("input");
    back.type = "hidden";
    back.name = "returnUrl";
    back.value = here();
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "link";
    button.textContent = "Sign out";
    form.appendChild(token);
    form.appendChild(back);
    form.appendChild(button);
    item(list, form);
    panel.appendChild(list);
    menu.appendChild(panel);
    nav.appendChild(menu);
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        summary.focus();
      }
    });
  }

  function show(id, upvotes, upvoted) {
    upvoteForms().forEach(function (form) {
      if (form.getAttribute("data-paper-id") !== id) return;
      form.classList.toggle("upvoted", upvoted);
      var button = form.querySelector("button");
      if (button) button.setAttribute("aria-pressed", upvoted ? "true" : "false");
      var n = form.querySelector(".n");
      if (n && upvotes !== null) {
        n.textContent = String(upvotes);
        // The label is what a screen reader announces: it must say the new count, not the rendered one.
        var label = upvotes === 1 ? "1 upvote" : upvotes + " upvotes";
        form.title = label;
        if (button) button.setAttribute("aria-label", "Upvote: " + label);
      }
    });
  }

  function load() {
    var ids = [];
    upvoteForms().forEach(function (form) {
      var id = form.getAttribute("data-paper-id");
      if (ids.indexOf(id) === -1 && ids.length < 200) ids.push(id);
    });
    fetch("/api/me/state?ids=" + encodeURIComponent(ids.join(",")), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (s) {
      if (!s) return;
      state = s;
      fillNav(s);
      (s.upvoted || []).forEach(function (id) { show(id, null, true); });
    }).catch(function () {
      // Offline or blocked: the plain links and forms still work.
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("upvote")) return;
    // Until we know who is reading, the button does what it does without script (the confirmation page).
    if (!state) return;
    event.preventDefault();
    if (!state.signed_in) {
      location.href = upvoteUrl(form);
      return;
    }
    if (form.classList.contains("busy")) return;
    var id = form.getAttribute("data-paper-id");
    var on = !form.classList.contains("upvoted");
    form.classList.add("busy");
    fetch("/api/papers/" + paperPath(id) + "/upvote", {
      method: on ? "POST" : "DELETE",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-TOKEN": state.csrf }
    }).then(function (r) {
      if (r.status === 401) {
        location.href = upvoteUrl(form);
        return null;
      }
      if (!r.ok) throw new Error("upvote failed: " + r.status);
      return r.json();
    }).then(function (vote) {
      if (vote) show(id, vote.upvotes, vote.upvoted);
    }).catch(function () {
      // Let the server explain (rate limit, blocked account…) on the confirmation page.
      location.href = form.action;
    }).then(function () {
      form.classList.remove("busy");
    });
  });

  function notInterested(id, token, on) {
    return fetch("/api/papers/" + paperPath(id) + "/not-interested", {
      method: on ? "POST" : "DELETE",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-TOKEN": token }
    }).then(function (r) {
      if (!r.ok) throw new Error("not interested failed: " + r.status);
    });
  }

  // "Not interested" on /for-you: mark by fetch and put a one-line "Undo" where the card was.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("not-interested")) return;
    var token = form.querySelector("input[name=__RequestVerificationToken]");
    var id = form.getAttribute("data-paper-id");
    if (!token || !id || form.classList.contains("busy")) return;
    event.preventDefault();
    form.classList.add("busy");
    notInterested(id, token.value, true).then(function () {
      form.classList.remove("busy");
      var card = form.closest("li.card");
      if (!card) return;
      var note = document.createElement("li");
      note.className = "form-note hidden-pick";
      note.setAttribute("role", "status");
      note.appendChild(document.createTextNode("You will not be recommended this paper again. "));
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "link";
      undo.textContent = "Undo";
      undo.addEventListener("click", function () {
        notInterested(id, token.value, false).then(function () {
          note.parentNode.replaceChild(card, note);
        }).catch(function () { location.reload(); });
      });
      note.appendChild(undo);
      card.parentNode.replaceChild(note, card);
      undo.focus();
    }).catch(function () {
      form.classList.remove("busy");
      form.submit(); // the plain form explains what went wrong
    });
  });

  // The blend slider on /settings says its value in words as it moves.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.id !== "personal-blend") return;
    var text = input.value + "% personal, " + (100 - input.value) + "% community";
    input.setAttribute("aria-valuetext", text);
    var output = document.getElementById("blend-value");
    if (output) output.textContent = text;
  });

  // Copy buttons (a new API token): shown only where script can do the copying.
  function copyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          button.textContent = "Copied ✓";
        }).catch(function () {
          button.textContent = "Select and copy it by hand";
        });
      });
    });
  }

  function start() {
    load();
    copyButtons();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
