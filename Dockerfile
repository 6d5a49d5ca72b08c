# The Family Context service (GraphQL API + web client) for `docker compose up`; Neo4j runs in its own container
# (docker-compose.yml). On the development machines, which have no Docker engine, the same service runs from the
# venv and Neo4j from the jars (docs/neo4j.md).

# --- the web client's vendored assets (govuk-frontend), as `make web-assets` installs them
FROM node:22-slim AS web-assets
WORKDIR /app/web_client
COPY web_client/package.json web_client/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# --- the service
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FC_MODE=production \
    FC_HOST=0.0.0.0 \
    FC_PORT=8000 \
    FC_VAR_DIR=/app/var
RUN useradd --create-home --uid 10001 app
WORKDIR /app
# Dependencies first (pinned in pyproject.toml) so code changes reuse this layer.
COPY pyproject.toml README.md ./
RUN mkdir -p family_context && touch family_context/__init__.py \
    && pip install . && pip uninstall -y family-context && rm -rf build family_context
COPY . .
COPY --from=web-assets /app/web_client/node_modules ./web_client/node_modules
# Installed in place (-e): the app serves web_client/ and reads cypher/ relative to the source tree.
RUN pip install --no-deps -e . && mkdir -p var && chown -R app:app var
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://localhost:8000/health', timeout=4).status != 200)"]
CMD ["family-context", "serve"]
