FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
COPY storage ./storage
RUN pip install --no-cache-dir . && useradd --create-home aiguide && mkdir /data && chown aiguide /data
# The default SQLite file lives in a volume; set AIGUIDE_DATABASE_URL to use PostgreSQL instead.
ENV AIGUIDE_DATA_DIR=/data
VOLUME /data
USER aiguide
# Mount your own knowledge base and point AIGUIDE_KNOWLEDGE_DIR at it; the example is the default.
ENTRYPOINT ["aiguide"]
CMD ["chat"]
