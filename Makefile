# The two commands of the quick start: `make demo` and `make test`.
# Everything they install goes into ignored folders (.venv, .cache, web_client/node_modules), and a second run
# reuses it: each step is skipped while its stamp file is newer than what it was built from.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
NEO4J_LIB := .cache/neo4j/lib
JAVA17_HOME ?= /usr/lib/jvm/java-17-openjdk-amd64

.PHONY: demo test bootstrap python-env neo4j-jars web-assets browser clean

demo: bootstrap
	$(BIN)/family-context demo

test: bootstrap browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bootstrap: python-env neo4j-jars web-assets

python-env: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

neo4j-jars: .cache/neo4j/.fetched
.cache/neo4j/.fetched: infra/neo4j/pom.xml
	mkdir -p $(NEO4J_LIB) .cache/neo4j/plugins
	JAVA_HOME=$(JAVA17_HOME) mvn --batch-mode --quiet -f infra/neo4j/pom.xml \
		dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/$(NEO4J_LIB) -DexcludeClassifiers=core
	JAVA_HOME=$(JAVA17_HOME) mvn --batch-mode --quiet -f infra/neo4j/pom.xml \
		dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/.cache/neo4j/plugins -DincludeClassifiers=core -DexcludeTransitive=true
	touch $@

web-assets: web_client/node_modules/.installed
web_client/node_modules/.installed: web_client/package.json web_client/package-lock.json
	cd web_client && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download does not work on these machines).
browser:
	@command -v chromium >/dev/null 2>&1 || (export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

clean:
	rm -rf $(VENV) .cache var web_client/node_modules
