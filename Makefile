# Two entry points a new user needs: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
# Where the CPU build of torch lies on this kind of machine; elsewhere set TORCH_FIND_LINKS
# to a folder or index page holding torch==2.13.0+cpu (PyTorch's CPU wheel index).
TORCH_FIND_LINKS ?= /opt/wheels
UV_FLAGS := --find-links $(TORCH_FIND_LINKS) --excludes .ci/excludes.txt

.PHONY: setup demo test lint
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml .ci/excludes.txt
	command -v uv >/dev/null || $(PYTHON) -m pip install -q uv
	uv venv -q --allow-existing $(VENV) --python $(PYTHON)
	uv pip install -q --compile-bytecode --python $(VENV)/bin/python -e '.[cpu,dev]' $(UV_FLAGS)
	touch $@

demo: setup
	$(VENV)/bin/chatops demo

test: setup
	$(VENV)/bin/pytest -q -ra

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
