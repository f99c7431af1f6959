/* kb search: suggestions in the search boxes, the /search/ page, related answers on /contact/.
   Text goes in as text; only Pagefind's excerpts (escaped text plus <mark>) as HTML. */
(() => {
  if (window.kbSearch === true) return; // loaded once per page (an element with id="kbSearch" is not true)
  window.kbSearch = true;
  const $ = (id) => document.getElementById(id);
  const base = new URL(document.body.dataset.kbRoot || "/", location.href);
  const root = base.origin === location.origin ? base.pathname : base.href;
  const params = new URLSearchParams(location.search);
  // The words in the page's language (base.html's #kb-i18n); English when a theme has none.
  const words = (() => { try { return JSON.parse($("kb-i18n").textContent); } catch { return {}; } })();
  const rules = (() => { try { return new Intl.PluralRules(document.documentElement.lang || "en"); } catch { return new Intl.PluralRules("en"); } })();
  const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  const say = (key, english, vars = {}) => fill(typeof words[key] === "string" ? words[key] : english, vars);
  const says = (key, n, one, other, vars = {}) => {
    const forms = words[key] || {}, text = forms[rules.select(n)] || forms.other;
    return fill(typeof text === "string" ? text : n === 1 ? one : other, { num: n, ...vars });
  };
  const OFF = say("off", "Search is not available right now");
  const q = (s) => say("quote", "“{term}”", { term: s });
  const set = (e, name, value) => e.setAttribute(name, value);
  const el = (tag, cls, text, html) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    if (html) e.innerHTML = html;
    return e;
  };
  const link = (d) => {
    const a = el("a", "", d.meta.title || d.url);
    a.href = d.url; // Pagefind's URLs include the root
    return a;
  };
  // The index of the page's language (data-kb-pagefind: pagefind/ or pagefind/es/) and, on a page
  // not in the default language, the default language's (data-kb-pagefind-default), which the
  // "Include results in English" checkbox adds: given as a full URL, because Pagefind does not merge
  // an index whose path begins its own (/pagefind/ and /pagefind/es/).
  const ds = document.body.dataset, at = (v) => new URL(v, location.href);
  const path = (u) => (u.origin === location.origin ? u.pathname : u.href);
  const own = ds.kbPagefind ? path(at(ds.kbPagefind)) : root + "pagefind/";
  const other = ds.kbPagefindDefault && at(ds.kbPagefindDefault).href !== at(own).href ? at(ds.kbPagefindDefault).href : "";
  const home = own.startsWith(root + "pagefind/") ? root + own.slice(root.length + 9) : root; // the language's home: /es/
  const KEY = "kb-include-default";
  let include = false, otherLang = "";
  try {
    include = !!other && sessionStorage.getItem(KEY) === "1";
  } catch { /* no storage */ }
  const loading = {};
  // A large site's index comes in shards (kb-shards.json in each index names the others); Pagefind
  // searches them together and ranks all results by score.
  const shards = (bundle) => fetch(bundle + "kb-shards.json").then((r) => (r.ok ? r.json() : [])).catch(() => []);
  const folders = (bundle, list) => (Array.isArray(list) ? list.map((s) => bundle + s) : []);
  const language = () => fetch(other + "pagefind-entry.json").then((r) => r.json()).then((e) => Object.keys(e.languages)[0] || "").catch(() => "");
  // A language without a page to index has no index ({"pages": 0}): nothing is found in it, and the
  // checkbox searches the default language's alone.
  const NONE = { search: async () => ({ results: [] }), preload: async () => {} };
  const load = (both = include) => loading[both] || (loading[both] = Promise.all(
    [import(own + "pagefind.js").catch((e) => e), shards(own), both ? shards(other) : [], both ? language() : ""],
  ).then(async ([module, mine, theirs, lang]) => {
    const empty = mine?.pages === 0;
    if (module instanceof Error && !empty) throw module;
    if (empty && !both) return NONE;
    const pf = !both ? module : empty ? await import(other + "pagefind.js") : module.createInstance({ basePath: own });
    await pf.options({ baseUrl: root });
    const more = empty ? folders(other, theirs) : [...folders(own, mine), ...(both ? [other, ...folders(other, theirs)] : [])];
    for (const bundle of more) await pf.mergeIndex(bundle, { baseUrl: root });
    await pf.init();
    if (both) otherLang = lang;
    return pf;
  }));
  // A result of the default language's index, among the page's language's, says its language.
  const mark = (e, d, both) => {
    if (both && !d.url.startsWith(home)) (otherLang && set(e, "lang", otherLang), set(e, "dir", "auto"));
    return e;
  };
  // The "Include results in English" checkbox beside each list of results; one state for the page,
  // kept while the tab is open. `again` searches again.
  const toggles = [];
  const toggle = (id, again) => {
    const box = el("div", "search-include-default"), input = el("input"), label = el("label", "", ds.kbIncludeDefault || "Include results in the main language");
    input.type = "checkbox";
    input.id = id + "-include-default";
    input.checked = include;
    label.htmlFor = input.id;
    box.append(input, label);
    toggles.push([input, again]);
    input.addEventListener("change", () => {
      include = input.checked;
      try {
        sessionStorage.setItem(KEY, include ? "1" : "0");
      } catch { /* no storage */ }
      for (const [each, search] of toggles) each.checked = include, search();
    });
    return box;
  };
  const fetchData = (results, from, n) => Promise.all(results.slice(from, from + n).map((r) => r.data()));
  // Pagefind wants every word of a query. A question as readers type it ("how much does a flex
  // agent cost") often has one word no article uses: with fewer than 3 results, search again
  // without small words, then word by word, ranking pages by how many words they match.
  const STOP = new Set(("a an the i me my we our you your it its is are was be do does did can could how what " +
    "why when where which who much many to of in on for from with by at as and or this that").split(" "));
  async function find(pf, term, opts = {}) {
    const first = await pf.search(term, opts), results = [...first.results];
    if (!term || results.length >= 3) return { ...first, results };
    const seen = new Set(results.map((r) => r.id));
    const add = (list) => list.forEach((r) => seen.has(r.id) || (seen.add(r.id), results.push(r)));
    const words = term.split(/\s+/).filter((w) => w && !STOP.has(w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")));
    if (words.length && words.join(" ") !== term) add((await pf.search(words.join(" "), opts)).results);
    if (results.length < 3 && words.length > 1) {
      const hits = new Map();
      for (const w of words) for (const r of (await pf.search(w, opts)).results) {
        const m = hits.get(r.id) || { r, n: 0, score: 0 };
        m.n += 1, m.score += r.score, hits.set(r.id, m);
      }
      add([...hits.values()].sort((a, b) => b.n - a.n || b.score - a.score).map((m) => m.r));
    }
    return { ...first, results };
  }

  // Header and hero boxes: a combobox with a listbox of suggestions.
  function combobox(form) {
    const input = form.querySelector(".search-input"), id = input.id;
    const panel = $(id + "-panel"), list = $(id + "-results"), status = $(id + "-status");
    let seq = 0, timer, active = -1;
    const options = () => list.querySelectorAll("[role=option]");
    const select = (i) => {
      const opts = options();
      active = i;
      opts.forEach((o, n) => set(o, "aria-selected", n === i));
      if (i < 0) return input.removeAttribute("aria-activedescendant");
      set(input, "aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    };
    const show = (open) => {
      panel.hidden = !open;
      set(input, "aria-expanded", open && options().length > 0);
      if (!open) select(-1);
    };
    // Enter on a chosen suggestion; a click, a middle click or "Open in new tab" are the link's own.
    const go = (o, e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey) window.open(o.href);
      else location.href = o.href;
    };
    // Each suggestion is a link that is also the listbox's option (focus stays in the input).
    const option = (n, href, label) => {
      const a = el("a", "search-suggestion" + (label ? " search-suggestion-all" : ""), label);
      a.id = id + "-opt-" + n;
      a.href = href;
      a.tabIndex = -1;
      set(a, "role", "option");
      set(a, "aria-selected", false);
      return a;
    };
    const extra = other && toggle(id, () => input.value.trim() && suggest(++seq, input.value.trim()));
    if (extra) panel.append(extra);

    async function suggest(my, term) {
      const both = include;
      let pf;
      try {
        pf = await load(both);
      } catch {
        if (my !== seq) return;
        if (!panel.querySelector("p")) panel.append(el("p", "search-unavailable", OFF));
        list.textContent = "";
        show(true);
        return (status.textContent = OFF);
      }
      const found = await find(pf, term);
      const data = await fetchData(found.results, 0, 6);
      if (my !== seq) return; // a later keystroke won
      list.textContent = "";
      data.forEach((d, n) => {
        const a = option(n, d.url);
        a.append(el("span", "search-suggestion-title", d.meta.title || d.url),
          el("span", "search-suggestion-category", d.meta.category), el("span", "search-suggestion-excerpt", "", d.excerpt));
        list.append(mark(a, d, both));
      });
      const enc = encodeURIComponent(term), n = data.length, none = say("none", "No articles match {term}.", { term: q(term) });
      list.append(n
        ? option(n, home + "search/?q=" + enc, say("all", "See all results for {term}", { term: q(term) }))
        : option(0, home + "contact/?q=" + enc, none + " " + say("ask", "Ask us instead")));
      show(true);
      select(-1);
      status.textContent = n
        ? says("found", found.results.length, "{num} article found, {shown} shown. Use the up and down arrows to choose.",
          "{num} articles found, {shown} shown. Use the up and down arrows to choose.", { shown: n })
        : none;
    }

    input.addEventListener("input", () => {
      const term = input.value.trim(), my = ++seq;
      clearTimeout(timer);
      if (!term) {
        list.textContent = status.textContent = "";
        return show(false);
      }
      load().then((pf) => pf.preload(term)).catch(() => {});
      timer = setTimeout(() => suggest(my, term), 120);
    });
    input.addEventListener("keydown", (e) => {
      if (e.isComposing) return; // keys for an input method
      const opts = options(), n = opts.length, down = e.key === "ArrowDown";
      if (down || e.key === "ArrowUp") {
        if (!n) return;
        e.preventDefault();
        if (panel.hidden) show(true);
        select(active < 0 ? (down ? 0 : n - 1) : (active + (down ? 1 : n - 1)) % n);
      } else if (e.key === "Enter" && !panel.hidden && active >= 0) {
        e.preventDefault();
        go(opts[active], e);
      } else if (e.key === "Escape") {
        e.preventDefault(); // else type=search clears itself
        if (!panel.hidden) return show(false);
        input.value = "";
        input.dispatchEvent(new Event("input"));
      }
    });
    input.addEventListener("focus", () => input.value.trim() && options().length && show(true));
    panel.addEventListener("mousedown", (e) => e.preventDefault()); // keep the focus in the input
    if (!extra) input.addEventListener("blur", () => show(false)); // Tab, or a click outside
    else { // the checkbox in the panel is reached with Tab: close when the focus leaves the form
      input.addEventListener("blur", (e) => form.contains(e.relatedTarget) || show(false));
      form.addEventListener("focusout", (e) => e.target === input || form.contains(e.relatedTarget) || show(false));
      extra.addEventListener("keydown", (e) => e.key === "Escape" && (e.preventDefault(), input.focus(), show(false)));
    }
  }

  // The /search/ page: results for ?q=, &category= and &tag=, 20 at a time.
  function searchPage(form) {
    const input = $("search-page-q"), cat = $("search-page-category"), tag = $("search-page-tag");
    const count = $("search-count"), list = $("search-results"), empty = $("search-empty");
    const more = el("button", "button search-more", say("more", "Show more results"));
    let seq = 0, results = [], shown = 0, merged = false;
    const extra = other && toggle("search-page", () => run());
    if (extra) count.before(extra);
    more.type = "button";
    more.hidden = true;
    list.after(more);
    input.value = params.get("q") || "";
    if (cat) cat.value = params.get("category") || "";
    if (tag) tag.value = params.get("tag") || "";

    async function page() {
      const start = shown, my = seq, data = await fetchData(results, start, 20);
      if (my !== seq) return;
      for (const d of data) {
        const li = el("li", "search-result"), h = el("h2");
        h.append(link(d));
        li.append(h);
        if (d.meta.category) li.append(el("p", "search-result-meta", d.meta.category));
        li.append(el("p", "search-result-excerpt", "", d.excerpt));
        list.append(mark(li, d, merged));
      }
      shown += data.length;
      more.hidden = shown >= results.length;
      return list.children[start];
    }

    async function run() {
      const my = ++seq, term = input.value.trim(), filters = {}, url = new URLSearchParams();
      if (term) url.set("q", term);
      if (cat && cat.value) url.set("category", filters.category = cat.value);
      if (tag && tag.value) url.set("tag", filters.tag = tag.value);
      const qs = String(url);
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
      const ask = empty.querySelector("a");
      if (ask) ask.href = home + "contact/" + (term ? "?q=" + encodeURIComponent(term) : "");
      const both = include;
      let found;
      try {
        found = qs && await find(await load(both), term || null, { filters });
      } catch {
        count.textContent = OFF + ".";
        // Show what readers without JavaScript get (topics, contact), minus its "needs JavaScript" line.
        const ns = document.querySelector("main noscript"), t = el("template", "", "", ns && ns.textContent);
        if (ns) t.content.querySelector("p").remove(), ns.replaceWith(t.content);
        return;
      }
      if (my !== seq) return;
      results = found ? found.results : [];
      shown = 0, merged = both;
      list.textContent = "";
      if (found) await page();
      if (my !== seq) return;
      const where = (filters.category ? " " + say("in", "in {topic}", { topic: filters.category }) : "")
        + (filters.tag ? " " + say("tagged", "tagged {tag}", { tag: q(filters.tag) }) : "");
      const counted = term
        ? says("results", results.length, "{num} result for {term}", "{num} results for {term}", { term: q(term) })
        : says("articles", results.length, "{num} article", "{num} articles");
      count.textContent = found ? counted + where : "";
      more.hidden = shown >= results.length;
      empty.hidden = !found || results.length > 0;
    }

    form.addEventListener("submit", (e) => (e.preventDefault(), run()));
    for (const s of [cat, tag]) if (s) s.addEventListener("change", run);
    more.addEventListener("click", async () => {
      const first = await page();
      if (first) first.querySelector("a").focus();
    });
    if (input.value || (cat && cat.value) || (tag && tag.value)) run();
  }

  // Related answers while the contact subject is typed.
  function related(input) {
    const box = $(input.dataset.kbRelated), list = box && box.querySelector("ul");
    if (!list) return;
    let seq = 0, timer;
    const extra = other && toggle(input.id || "related", () => run());
    if (extra) list.after(extra);
    async function run() {
      const my = ++seq, term = input.value.trim(), both = include;
      let data = [];
      if (term.length > 2) try {
        data = await fetchData((await find(await load(both), term)).results, 0, 5);
      } catch { /* no index */ }
      if (my !== seq) return;
      list.textContent = "";
      for (const d of data) list.append(mark(el("li"), d, both)), list.lastChild.append(link(d));
      box.hidden = !data.length;
    }
    input.addEventListener("input", () => (clearTimeout(timer), timer = setTimeout(run, 250)));
    if (!input.value) input.value = params.get("q") || "";
    if (input.value.trim()) run();
  }

  // Load Pagefind on the first focus (or input) of a search field.
  const warm = (e) => e.target.matches?.(".search-input, [data-kb-related]") && load().catch(() => {});
  document.addEventListener("focusin", warm);
  document.addEventListener("input", warm);

  document.querySelectorAll("form[data-kb-search]").forEach(combobox);
  const pageForm = document.querySelector("form[data-kb-search-page]");
  if (pageForm) searchPage(pageForm);
  document.querySelectorAll("input[data-kb-related]").forEach(related);

  // Loaded when the reader first reached for a box (kb.js): catch up with what they did meanwhile.
  const active = document.activeElement;
  if (active?.matches?.(".search-input, [data-kb-related]")) {
    load().catch(() => {});
    if (active.value.trim()) active.dispatchEvent(new Event("input"));
  }
})();
