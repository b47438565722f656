// The search box's behaviour, imported on the first keystroke in it (partials/search.html).
//
// Pagefind's index for this language is in ../pagefind/ beside the search page; it is
// stemmed for the language and ignores case, accents and Arabic short vowels and hamza
// forms by itself. A large language is indexed in shards (site_builder/engine/pagefind.py):
// ../pagefind/shards.json lists the others, merged into the first so that one search
// ranks the pages of all by their score; they share its WebAssembly. Queries are folded with the same table as the indexed text
// (site_builder/engine/pagefind.py, FOLD; a test keeps the two equal), so that a
// typographic apostrophe splits French elisions and ligatures match their two letters.

export const FOLD = {
  "\u2019": "'",
  "\u2018": "'",
  "\u02bc": "'",
  "\uff07": "'",
  "œ": "oe",
  "Œ": "OE",
  "æ": "ae",
  "Æ": "AE",
  "\u0671": "\u0627",
};
const FOLDED = new RegExp(`[${Object.keys(FOLD).join("")}]`, "gu");

export function fold(text) {
  return text.replace(FOLDED, (character) => FOLD[character]);
}

const PAGE = 10; // results whose excerpt is loaded at a time

// Pagefind's excerpt is HTML with <mark> around the words found: keep only text and marks.
function excerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html; // inert: nothing in a template runs or loads
  const paragraph = document.createElement("p");
  paragraph.dir = "auto"; // an excerpt may be in another language than the page's
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(document.createTextNode(node.textContent));
    }
  }
  return paragraph;
}

function item(data) {
  const link = document.createElement("a");
  link.className = "md-search-result__link";
  link.href = data.url;
  const article = document.createElement("article");
  article.className = "md-search-result__article md-typeset";
  const title = document.createElement("h1");
  title.textContent = data.meta.title || data.url;
  // The page's plain title, wholly in one language (main.html gives it and its direction);
  // else isolated: a title in another script keeps its order.
  title.dir = data.meta.title_dir || "auto";
  if (data.meta.title_lang) title.lang = data.meta.title_lang;
  article.append(title, excerpt(data.excerpt));
  link.append(article);
  const entry = document.createElement("li");
  entry.className = "md-search-result__item";
  entry.append(link);
  return entry;
}

export async function attach(form) {
  const input = form.elements.q;
  const box = form.closest(".md-search");
  const meta = box.querySelector(".md-search-result__meta");
  const list = box.querySelector(".md-search-result__list");
  const words = form.dataset; // the theme's words for results (partials/search.html)
  const placeholder = meta.textContent;
  const numbers = new Intl.NumberFormat(document.documentElement.lang);
  const index = new URL("../pagefind/", form.action);
  const options = { excerptLength: 24, baseUrl: new URL("../", index).pathname };
  const [pagefind, shards] = await Promise.all([
    import(new URL("pagefind.js", index).href),
    fetch(new URL("shards.json", index), { cache: "no-cache" })
      .then((response) => (response.ok ? response.json() : []))
      .catch(() => []),
  ]);
  // Searched in this page, without Pagefind's web worker (41 KB more on the first
  // search; a query takes a few milliseconds of WebAssembly per shard).
  await pagefind.options({ ...options, noWorker: true });
  await Promise.all(
    shards.map((shard) => pagefind.mergeIndex(new URL(shard, index).href, options)),
  );
  let current = 0; // the latest query; answers to older ones are dropped
  let results = [];

  function count(total) {
    if (total === 0) return words.none;
    if (total === 1) return words.one;
    return words.other.replace("#", numbers.format(total));
  }

  async function show(ticket) {
    list.querySelector(".dr-search-more")?.remove();
    const start = list.querySelectorAll(".md-search-result__item").length;
    const page = await Promise.all(results.slice(start, start + PAGE).map((r) => r.data()));
    if (ticket !== current) return;
    list.append(...page.map(item));
    if (results.length > start + PAGE) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "md-button dr-search-more-button";
      button.textContent = form.dataset.more;
      button.addEventListener("click", () => show(ticket));
      const entry = document.createElement("li");
      entry.className = "dr-search-more";
      entry.append(button);
      list.append(entry);
    }
  }

  async function run() {
    const ticket = ++current;
    const query = fold(input.value.trim());
    if (!query) {
      list.replaceChildren();
      meta.textContent = placeholder;
      return;
    }
    const search = await pagefind.debouncedSearch(query, {}, 150);
    if (search === null || ticket !== current) return;
    results = search.results;
    list.replaceChildren();
    meta.textContent = count(results.length);
    await show(ticket);
    if (ticket === current) form.dataset.shown = input.value; // the query listed (for tests)
  }

  input.addEventListener("input", run);
  form.addEventListener("reset", () => setTimeout(run));
  form.addEventListener("submit", () => {
    const first = list.querySelector(".md-search-result__link");
    if (first) first.click();
  });
  await run();
}
