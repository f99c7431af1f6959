/* kb: load search (search.js, search.css, then Pagefind) the first time a reader reaches for a search box. */
(() => {
  const root = document.body.dataset.kbRoot || "/";
  let started = Boolean(document.querySelector('script[src$="assets/search.js"]')); // /search/ and /contact/ load it
  const start = () => {
    if (started) return;
    started = true;
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = root + "assets/search.css";
    document.head.append(style);
    const script = document.createElement("script");
    script.src = root + "assets/search.js";
    document.head.append(script);
  };
  const wanted = (e) => e.target.closest?.("[data-kb-search], [data-kb-search-page], [data-kb-related]") && start();
  document.addEventListener("focusin", wanted);
  document.addEventListener("pointerdown", wanted);
  document.addEventListener("input", wanted);
})();
