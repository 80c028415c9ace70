# Two entry points for a fresh machine (see README): `make run` and `make test`.
# Everything is installed into .venv from the package registry; nothing is downloaded at run time.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out/sample

.PHONY: run test setup browser bench fixtures clean

$(BIN)/jixiao: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[ocr,review,test]'
	touch $@

setup: $(BIN)/jixiao

run: setup
	$(BIN)/jixiao ingest fixtures --out $(OUT)
	$(BIN)/jixiao export $(OUT) --format xlsx --labels zh
	$(BIN)/jixiao report $(OUT)

# The report test opens the HTML report in Debian's chromium (with a CJK font for its
# screenshots); the layout-sweep sample typesets forms in four Debian CJK fonts (Song, Kai,
# two Hei); .7z and .rar archives are read through the system's libarchive. Installed here
# when missing, from the package registry.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
SYSTEM_PACKAGES := chromium fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai libarchive13
browser:
	@{ test -x /usr/bin/chromium && test -f /usr/share/fonts/truetype/arphic/ukai.ttc && \
		test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc && /sbin/ldconfig -p | grep -q 'libarchive\.so\.13'; } || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; } || \
		{ echo "make: cannot install $(SYSTEM_PACKAGES) (the report, layout-sweep and archive tests need them)" >&2; exit 1; }

test: setup browser
	JIXIAO_REQUIRE_BROWSER=1 JIXIAO_REQUIRE_FONTS=1 $(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python scripts/bench.py

fixtures: setup
	$(BIN)/python scripts/make_fixtures.py
	$(BIN)/python scripts/native_fixtures.py

clean:
	rm -rf $(VENV) out
