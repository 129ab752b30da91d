// Filters the event catalog in the browser, by provider, channel and free text. Inlined into index.html; the
// page is complete without it (every event is in the HTML), this only hides what does not match.
// Filters can be preset in the URL: index.html?provider=meetingbaas&channel=webhook&q=calendar
(() => {
  /** @template {HTMLElement} T @param {string} id @returns {T} */
  const element = (id) => /** @type {T} */ (document.getElementById(id));
  /** @type {HTMLFormElement} */
  const form = element("filters");
  /** @type {HTMLSelectElement} */
  const provider = element("filter-provider");
  /** @type {HTMLSelectElement} */
  const channel = element("filter-channel");
  /** @type {HTMLInputElement} */
  const query = element("filter-text");
  const count = element("filter-count");
  const none = element("no-match");
  const events = Array.from(
    document.querySelectorAll("article.event"),
    (e) => /** @type {HTMLElement} */ (e),
  );
  const sections = Array.from(
    document.querySelectorAll("section.provider"),
    (e) => /** @type {HTMLElement} */ (e),
  );

  const params = new URLSearchParams(window.location.search);
  provider.value = params.get("provider") ?? "";
  channel.value = params.get("channel") ?? "";
  query.value = params.get("q") ?? "";

  function apply() {
    const words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const event of events) {
      const visible =
        (provider.value === "" || event.dataset.provider === provider.value) &&
        (channel.value === "" || event.dataset.channel === channel.value) &&
        words.every((word) => (event.dataset.search ?? "").includes(word));
      event.hidden = !visible;
      if (visible) shown++;
    }
    for (const section of sections) {
      section.hidden = !section.querySelector("article.event:not([hidden])");
    }
    count.textContent = `Showing ${shown} of ${events.length} events`;
    none.hidden = shown > 0;
  }

  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", apply);
  form.hidden = false;
  apply();
})();
