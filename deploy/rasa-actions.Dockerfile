# syntax=docker/dockerfile:1
# Optional Rasa action server (compose profile "rasa"): bot/actions on rasa-sdk 3.6.
#   docker build -f deploy/rasa-actions.Dockerfile -t neuvo-rasa-actions .
FROM rasa/rasa-sdk:3.6.2
WORKDIR /app
COPY --chown=1001:0 bot/actions ./actions
USER 1001
EXPOSE 5055
CMD ["start", "--actions", "actions", "--port", "5055"]
