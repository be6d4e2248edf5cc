# One-command set-up: `make run` (app on the sample articles), `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run ingest test lint eval bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The local CPU build of torch first: an unpinned torch pulls gigabytes of CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,ollama,openai,bench]"
	touch $(STAMP)

# An index left by an older release may use another embedder: rebuild it then
# (the sample articles only; the message says why).
ingest: install
	$(BIN)/python -m rag ingest data/articles || $(BIN)/python -m rag ingest --reindex data/articles

run: ingest
	$(BIN)/streamlit run ui.py --server.address 127.0.0.1 --server.port $${PORT:-8501} \
		--server.headless true --browser.gatherUsageStats false

test: install
	$(BIN)/python -m pytest

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

clean:
	rm -rf .rag .pytest_cache .mypy_cache .ruff_cache
