# The two commands of the quick start: `make demo` and `make test`.
# Everything they install goes into ignored folders (.venv, .cache, web_client/node_modules), and a second run
# reuses it: each step is skipped while its stamp file is newer than what it was built from.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
NEO4J_LIB := .cache/neo4j/lib
NEO4J_PLUGINS := .cache/neo4j/plugins
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
# The Neo4j Community server's jars (the tarball's lib/) and APOC core (plugins/) from Maven Central, pinned in
# infra/neo4j/pom.xml. Both folders are emptied first so a version change leaves no stale jar on the classpath.
.cache/neo4j/.fetched: infra/neo4j/pom.xml
	rm -rf $(NEO4J_LIB) $(NEO4J_PLUGINS)
	mkdir -p $(NEO4J_LIB) $(NEO4J_PLUGINS)
	JAVA_HOME=$(JAVA17_HOME) mvn --batch-mode --quiet -f infra/neo4j/pom.xml \
		dependency:copy-dependencies -DincludeScope=runtime -DexcludeArtifactIds=apoc-core \
		-DoutputDirectory=$(CURDIR)/$(NEO4J_LIB)
	JAVA_HOME=$(JAVA17_HOME) mvn --batch-mode --quiet -f infra/neo4j/pom.xml \
		dependency:copy-dependencies -DincludeArtifactIds=apoc-core -DexcludeTransitive=true \
		-DoutputDirectory=$(CURDIR)/$(NEO4J_PLUGINS)
	@test -n "$$(ls $(NEO4J_LIB)/neo4j-server-*.jar 2>/dev/null)" || (echo "no neo4j-server jar in $(NEO4J_LIB)" >&2; exit 1)
	@test -n "$$(ls $(NEO4J_PLUGINS)/apoc-core-*.jar 2>/dev/null)" || (echo "no APOC jar in $(NEO4J_PLUGINS)" >&2; exit 1)
	touch $@

web-assets: web_client/node_modules/.installed
# GOV.UK Frontend, pinned in web_client/package-lock.json; the app serves it from node_modules (no build step).
# --ignore-scripts: nothing from the registry runs on this machine.
web_client/node_modules/.installed: web_client/package.json web_client/package-lock.json
	cd web_client && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@test -f web_client/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css || \
		(echo "govuk-frontend's dist/ is missing from web_client/node_modules" >&2; exit 1)
	touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download does not work on these machines).
browser:
	@command -v chromium >/dev/null 2>&1 || (export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

clean:
	rm -rf $(VENV) .cache var web_client/node_modules
