# Two commands matter: `make site` builds the example site, `make test` runs every test.
# Both set up .venv on first use; nothing else needs installing but Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SITE_ARGS ?=

.PHONY: install site test serve validate lint catalogs reference guide benchmark golden fuzz clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

site: $(STAMP)
	$(BIN)/python -m site_builder build $(SITE_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q

serve: $(STAMP)
	$(BIN)/python -m site_builder serve

validate: $(STAMP)
	$(BIN)/python -m site_builder validate

lint: $(STAMP)
	$(BIN)/ruff check site_builder tests benchmarks
	$(BIN)/ruff format --check site_builder tests benchmarks

# Extract interface strings into the template and merge them into every catalog. The
# template keeps its header and each string's source locations, which translation
# platforms (Weblate, see docs/translation.md) show translators.
VERSION = $(shell $(BIN)/python -c "import site_builder; print(site_builder.__version__)")
catalogs: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -o site_builder/i18n/locales/messages.pot \
		--sort-by-file --project diaspora-roadmaps --version $(VERSION) \
		--copyright-holder "the diaspora-roadmaps authors" .
	$(BIN)/pybabel -q update -i site_builder/i18n/locales/messages.pot -d site_builder/i18n/locales \
		--width 100 --ignore-obsolete --no-fuzzy-matching

# Property-based builds of valid roadmaps (tests/test_valid_builds.py), FUZZ_EXAMPLES per
# mode instead of the few of `make test`; prints how many sites were built.
FUZZ_EXAMPLES ?= 100
fuzz: $(STAMP)
	rm -f .fuzz-count
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_COUNT_FILE=$(CURDIR)/.fuzz-count \
		$(BIN)/python -m pytest -q --hypothesis-show-statistics tests/test_valid_builds.py
	@echo "$$(wc -l < .fuzz-count) valid sites built in every language, none crashed"

# Write the expected output trees of tests/test_golden.py again (review the diff).
golden: $(STAMP)
	$(BIN)/python -m tests.test_golden

# Regenerate the JSON Schema and the field reference from the model.
reference: $(STAMP)
	$(BIN)/python -m site_builder.format.reference

# Regenerate the examples of messages in the authoring guide from the corpus of mistakes.
guide: $(STAMP)
	$(BIN)/python -m tests.mistakes

# Measure a synthetic site of N roadmaps in 3 languages (see docs/benchmarks.md).
N ?= 500
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py --roadmaps $(N) --languages 3 --json benchmarks/results-$(N).json $(BENCHMARK_ARGS)

clean:
	rm -rf site .site.* .site-cache $(VENV) *.egg-info .pytest_cache .ruff_cache .hypothesis .fuzz-count
