"""Train and evaluate Rasa's DIET pipeline in-process (run with the Rasa venv's Python 3.10).

Usage: python rasa_eval.py BOT_DIR CONFIG TSV REPEAT  -> one JSON line on stdout:
{"train_s", "predictions": [intent...], "latencies_ms": [...]}
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
logging.disable(logging.WARNING)


def main() -> None:
    bot_dir, config, tsv, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    rows = []
    with open(tsv, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and not (number == 1 and parts[:2] == ["lang", "intent"]):
                rows.append(parts)
    out = tempfile.mkdtemp(prefix="neuvo-bench-rasa-")
    started = time.perf_counter()
    model = train_nlu(config=os.path.join(bot_dir, config), nlu_data=os.path.join(bot_dir, "data", "nlu"),
                      output=out, fixed_model_name="bench", domain=os.path.join(bot_dir, "domain.yml"))
    train_s = time.perf_counter() - started
    agent = Agent.load(model)

    async def run() -> tuple[list[str], list[float]]:
        predictions: list[str] = []
        latencies: list[float] = []
        for _, _, text in rows:
            await agent.parse_message(text)  # warm
        for _, _, text in rows:
            result = await agent.parse_message(text)
            predictions.append(result["intent"]["name"])
        for _ in range(repeat):
            for _, _, text in rows:
                t0 = time.perf_counter()
                await agent.parse_message(text)
                latencies.append((time.perf_counter() - t0) * 1000)
        return predictions, latencies

    predictions, latencies = asyncio.run(run())
    print(json.dumps({"train_s": train_s, "predictions": predictions, "latencies_ms": latencies}))


if __name__ == "__main__":
    main()
