# syntax=docker/dockerfile:1
# Optional Rasa runtime (compose profile "rasa", NEUVO_BOT=rasa): the Rasa 3.6 server with a
# model trained from bot/ at build time. Build from the repository root:
#   docker build -f deploy/rasa.Dockerfile -t neuvo-rasa .
FROM rasa/rasa:3.6.21-full
WORKDIR /app
COPY --chown=1001:0 bot/domain.yml bot/config.yml bot/credentials.yml ./
COPY --chown=1001:0 bot/data ./data
RUN rasa data validate --domain domain.yml --data data --config config.yml \
 && rasa train --domain domain.yml --data data --config config.yml --out models \
    --fixed-model-name neuvo
COPY --chown=1001:0 deploy/rasa/endpoints.yml ./endpoints.yml
USER 1001
EXPOSE 5005
# compose.yaml adds --auth-token from NEUVO_RASA_TOKEN (the API is never published).
CMD ["run", "--enable-api", "--model", "models/neuvo.tar.gz", "--endpoints", "endpoints.yml", \
     "--credentials", "credentials.yml", "--port", "5005"]
