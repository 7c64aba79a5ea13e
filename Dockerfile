# aiguide's server image: `docker build -t aiguide .`, then `docker run -p 3000:3000 --env-file .env aiguide`
# (see docs/admin.md). Two stages: dependencies are built into a virtual environment with the same
# pinned constraints the tests install, and only that environment goes into the slim runtime image.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
COPY storage ./storage
RUN python -m venv /opt/aiguide && /opt/aiguide/bin/pip install --no-cache-dir -c constraints.txt .

FROM python:3.11-slim
# CA certificates for HTTPS to Slack, Microsoft and PostgreSQL; a user without a login or root.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin aiguide \
    && mkdir -p /data /knowledge && chown aiguide /data
COPY --from=build /opt/aiguide /opt/aiguide
ENV PATH=/opt/aiguide/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    AIGUIDE_DATA_DIR=/data AIGUIDE_CACHE_DIR=/data/cache AIGUIDE_HOST=0.0.0.0 AIGUIDE_PORT=3000
# The default SQLite file lives in this volume; for more than one replica set AIGUIDE_DATABASE_URL to
# PostgreSQL. Mount your knowledge base at /knowledge and set AIGUIDE_KNOWLEDGE_DIR=/knowledge (the
# bundled example is the default).
VOLUME /data
USER 10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('AIGUIDE_PORT', '3000'), timeout=4)"]
ENTRYPOINT ["aiguide"]
CMD ["serve"]
