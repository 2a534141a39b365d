"""`neuvo bot train | validate | parse | test` (also `python -m bot.cli ...`)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.engine.loader import DEFAULT_PROJECT, ProjectError


def _project_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"not a directory: {value}")
    return path


def _data_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {value}")
    return path


def add_bot_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bot = subparsers.add_parser("bot", help="train, validate and test the bot content",
                                description="Tools for the bot content in bot/ (a Rasa 3.x project).")

    def usage(_args: argparse.Namespace) -> int:
        bot.print_help()
        return 2

    bot.set_defaults(func=usage)
    sub = bot.add_subparsers(dest="bot_command", metavar="COMMAND")
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument("--project", type=_project_dir, default=DEFAULT_PROJECT,
                         help="the bot project directory (default: the bundled bot/)")

    train = sub.add_parser("train", parents=[project], help="train the embedded engine and cache the model")
    train.set_defaults(func=_train)
    validate = sub.add_parser("validate", parents=[project],
                              help="check the content files; problems name file and line")
    validate.set_defaults(func=_validate)
    parse = sub.add_parser("parse", parents=[project],
                           help="classify messages from stdin (one per line) into Rasa /model/parse JSON")
    parse.add_argument("--lang", choices=["fi", "sv", "en"], default=None,
                       help="language of the messages (default: any)")
    parse.set_defaults(func=_parse)
    test = sub.add_parser("test", parents=[project],
                          help="evaluate on an intent set and/or safety sets "
                               "(default: the shipped safety sets)")
    test.add_argument("--data", type=_data_file, default=None,
                      help="an intent set (lang<TAB>intent<TAB>text) to evaluate on")
    test.add_argument("--safety", type=_data_file, action="append", default=None,
                      help="a safety set (lang<TAB>expected<TAB>category<TAB>text); repeatable; "
                           "without --data and --safety the shipped bot/eval/safety-*.tsv are used")
    test.add_argument("--errors", action="store_true",
                      help="also list every misclassified message, safety miss and false alarm")
    test.set_defaults(func=_test)


def _fail(message: str) -> int:
    print(f"neuvo bot: {message}", file=sys.stderr)
    return 1


def _train(args: argparse.Namespace) -> int:
    from bot.embedded import cache_path, load_engine, write_cache

    started = time.perf_counter()
    try:
        engine = load_engine(args.project, use_cache=False)
    except ProjectError as exc:
        return _fail(f"content has errors (run `neuvo bot validate`):\n{exc}")

    path = cache_path(args.project)
    write_cache(path, engine)
    print(f"trained on {len(engine.project.examples)} examples, {len(engine.classifier.classes)} intents "
          f"in {time.perf_counter() - started:.2f} s; model cached at {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from bot.engine.project import parse_project
    from bot.engine.validate import validate

    project, raw = parse_project(args.project)
    problems = validate(project, raw)
    for problem in problems:
        print(f"{args.project / problem.file}:{problem.line}: {problem.severity}: {problem.message}")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{len(project.examples)} examples, {len(project.responses)} responses, "
          f"{len(project.rules)} rules: {errors} errors, {warnings} warnings", file=sys.stderr)
    return 1 if errors else 0


def _parse(args: argparse.Namespace) -> int:
    from bot.embedded import load_engine

    try:
        engine = load_engine(args.project)
    except ProjectError as exc:
        return _fail(f"content has errors (run `neuvo bot validate`):\n{exc}")
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        print(json.dumps(engine.parse(text, args.lang).to_rasa(text), ensure_ascii=False), flush=True)
    return 0


def _test(args: argparse.Namespace) -> int:
    from bot.embedded import load_engine
    from bot.engine.evaluate import evaluate, format_report, read_tsv
    from bot.engine.safety_eval import evaluate_safety, format_safety_report, read_safety_tsv, shipped_sets

    safety_sets: list[Path] = args.safety or ([] if args.data else shipped_sets())
    try:
        items = read_tsv(args.data) if args.data else []
        safety_items = [(path, read_safety_tsv(path)) for path in safety_sets]
        engine = load_engine(args.project)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    blocks: list[str] = []
    if items:
        report = evaluate(engine, items)
        block = format_report(report)
        if args.errors and report.errors:
            block += "\n\nmisclassified (line: expected -> predicted | text)"
            block += "".join(f"\n  {i.line}: {i.intent} -> {p} | {i.text}" for i, p in report.errors)
        blocks.append(block)
    for path, rows in safety_items:
        blocks.append(format_safety_report(evaluate_safety(engine, rows, str(path)), errors=args.errors))
    print("\n\n".join(blocks))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvo")
    add_bot_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
