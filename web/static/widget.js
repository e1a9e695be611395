/* Arshif search widget: a search box with results inside any page.
 *
 *   <div data-arshif-search data-size="5"></div>
 *   <script src="https://ARSHIF-HOST/PREFIX/widget.js" defer></script>
 *
 * The widget calls ARSHIF-HOST's /api/search, so the host page's origin must be
 * in Arshif's CORS_ORIGINS.  It lives in a shadow root (the host's styles do not
 * leak in, its own do not leak out) and builds every node with textContent:
 * article text is never parsed as HTML.  Without a [data-arshif-search] element
 * it adds one right after the script tag.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = script.src.replace(/widget\.js(\?.*)?$/, "");

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  // snippet_text with [start, end, kind] highlights → text nodes and <mark class=kind>.
  function marked(text, highlights) {
    var frag = document.createDocumentFragment(), pos = 0;
    (highlights || []).forEach(function (h) {
      if (h[0] > pos) frag.appendChild(document.createTextNode(text.slice(pos, h[0])));
      frag.appendChild(el("mark", { "class": String(h[2]).replace(/[^a-z]/g, "") }, text.slice(h[0], h[1])));
      pos = h[1];
    });
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  // Arabic number agreement: 1 نتيجة، 2 نتيجتان، 3–10 نتائج، 11+ نتيجة
  function results(n) {
    return n === 2 ? "نتيجتان" : (n % 100 >= 3 && n % 100 <= 10 ? "نتائج" : "نتيجة");
  }

  // The API's title_html (escaped text + <mark>) → the same nodes, rebuilt from text: the
  // HTML is parsed in an inert document and only text and <mark class> are carried over.
  function fromMarked(html) {
    var frag = document.createDocumentFragment();
    var doc = new DOMParser().parseFromString("<body>" + (html || ""), "text/html");
    doc.body.childNodes.forEach(function (n) {
      if (n.nodeName === "MARK") {
        frag.appendChild(el("mark", { "class": (n.getAttribute("class") || "").replace(/[^a-z]/g, "") }, n.textContent));
      } else {
        frag.appendChild(document.createTextNode(n.textContent));
      }
    });
    return frag;
  }

  function mount(host) {
    if (host.shadowRoot || host.getAttribute("data-arshif-mounted")) return;
    host.setAttribute("data-arshif-mounted", "1");
    var size = Math.min(Math.max(parseInt(host.getAttribute("data-size") || "5", 10) || 5, 1), 50);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    root.appendChild(el("link", { rel: "stylesheet", href: base + "widget.css" }));
    var box = el("div", { "class": "arshif", dir: "rtl", lang: "ar" });
    var form = el("form", { role: "search" });
    var input = el("input", { type: "search", name: "q", dir: "auto", placeholder: host.getAttribute("data-placeholder") || "ابحث في أرشيف…", "aria-label": "بحث في أرشيف", maxlength: "1000" });
    form.appendChild(input);
    form.appendChild(el("button", { type: "submit" }, "بحث"));
    var status = el("p", { "class": "status", role: "status", "aria-live": "polite" });
    var list = el("ol", { "class": "hits" });
    var more = el("p", { "class": "more" });
    box.appendChild(form); box.appendChild(status); box.appendChild(list); box.appendChild(more);
    root.appendChild(box);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = input.value.trim();
      list.textContent = ""; more.textContent = "";
      if (!q) { status.textContent = ""; return; }
      status.textContent = "جارٍ البحث…";
      var url = base + "api/search?q=" + encodeURIComponent(q) + "&size=" + size;
      fetch(url, { mode: "cors", credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().then(function (data) {
            if (!r.ok) throw new Error(data && data.error ? data.error : "HTTP " + r.status);
            return data;
          });
        })
        .then(function (data) { render(q, data); })
        .catch(function (err) {
          status.textContent = "تعذّر البحث: " + (err && err.message ? err.message : "خطأ في الاتصال");
        });
    });

    function render(q, data) {
      status.textContent = data.total === 0 ? "لا توجد نتائج لـ «" + q + "»." : data.total + " " + results(data.total);
      if (data.did_you_mean) {
        var dym = el("p", { "class": "did-you-mean" }, "هل تقصد: ");
        var fix = el("a", { href: "#", dir: "auto" }, data.did_you_mean);
        fix.addEventListener("click", function (e) {
          e.preventDefault();
          input.value = data.did_you_mean;
          form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
        });
        dym.appendChild(fix);
        dym.appendChild(document.createTextNode("؟"));
        list.appendChild(dym);
      }
      data.hits.forEach(function (h) {
        var li = el("li", { "class": "hit" });
        var a = el("a", { href: base + "articles/" + encodeURIComponent(h.id) + "?q=" + encodeURIComponent(q), target: "_blank", rel: "noopener", dir: "auto" });
        a.appendChild(h.title_html ? fromMarked(h.title_html) : document.createTextNode(h.title));
        var title = el("h3"); title.appendChild(a); li.appendChild(title);
        if (h.source || h.date) {
          var meta = el("p", { "class": "meta" });
          if (h.source) meta.appendChild(el("bdi", {}, h.source));
          if (h.date) meta.appendChild(el("bdi", { dir: "ltr" }, String(h.date).slice(0, 10)));
          li.appendChild(meta);
        }
        var snip = el("p", { "class": "snippet", dir: "auto" });
        snip.appendChild(marked(h.snippet_text || "", h.highlights));
        li.appendChild(snip);
        list.appendChild(li);
      });
      if (data.total > data.hits.length) {
        more.appendChild(el("a", { href: base + "?q=" + encodeURIComponent(q), target: "_blank", rel: "noopener" }, "كل النتائج (" + data.total + ") ←"));
      }
    }
  }

  function start() {
    var hosts = document.querySelectorAll("[data-arshif-search]");
    if (!hosts.length) {
      var div = el("div", { "data-arshif-search": "" });
      script.parentNode.insertBefore(div, script.nextSibling);
      hosts = [div];
    }
    for (var i = 0; i < hosts.length; i++) mount(hosts[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
