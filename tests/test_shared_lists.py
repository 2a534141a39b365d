"""One source for the shared lists (server/vocabulary.py): languages, roles and outcomes. The
bot (a leaf that never imports `server`), the console and the widget carry copies; these
tests keep every copy equal to the source, and find new copies in the server's Python."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import bot.api
from server import vocabulary

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = ROOT / "server" / "console"
WIDGET = ROOT / "widget"
# Modules another piece of work owns this round; each still holds a copy of the languages.
NOT_YET: set[str] = set()


def js_array(path: Path, name: str) -> list[str]:
    """The string array `const NAME = [...]` (exported or not) in a JavaScript module."""
    found = re.search(rf"(?:export )?const {name} = \[(.*?)\];", path.read_text(encoding="utf-8"), re.S)
    assert found, f"{name} not found in {path.relative_to(ROOT)}"
    return list(json.loads("[" + found.group(1).strip().rstrip(",") + "]"))


def js_top_keys(path: Path) -> list[str]:
    """The language blocks (`  fi: {`) of a strings module."""
    return re.findall(r"^  ([a-z]{2}): \{$", path.read_text(encoding="utf-8"), re.M)


def js_block_keys(path: Path, lang: str) -> set[str]:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n  {lang}: {{\n")
    end = text.index("\n  },", start)
    return set(re.findall(r"^    ([a-z0-9_]+):", text[start:end], re.M))


def test_the_bot_has_the_same_languages() -> None:
    assert bot.api.LANGS == vocabulary.LANGS


@pytest.mark.parametrize("path", [CONSOLE / "i18n.js", WIDGET / "i18n.js"],
                         ids=["console", "widget"])
def test_the_front_ends_have_the_same_languages(path: Path) -> None:
    assert tuple(js_array(path, "LANGS")) == vocabulary.LANGS


@pytest.mark.parametrize("path", [CONSOLE / "strings.js", CONSOLE / "strings_admin.js",
                                  WIDGET / "i18n.js"], ids=lambda p: p.name)
def test_every_text_module_has_each_language_and_the_same_keys(path: Path) -> None:
    assert tuple(js_top_keys(path)) == vocabulary.LANGS
    keys = [js_block_keys(path, lang) for lang in vocabulary.LANGS]
    assert keys[0] == keys[1] == keys[2]


def test_the_console_names_every_language_role_and_outcome() -> None:
    keys = js_block_keys(CONSOLE / "strings.js", "fi") | js_block_keys(CONSOLE / "strings_admin.js", "fi")
    expected = ({f"lang_{x}" for x in vocabulary.LANGS} | {f"role_{x}" for x in vocabulary.ROLES}
                | {f"outcome_{x}" for x in vocabulary.OUTCOMES})
    assert expected - keys == set()


def test_the_console_lists_the_same_roles_and_outcomes() -> None:
    assert tuple(js_array(CONSOLE / "staffadmin.js", "ROLES")) == vocabulary.ROLES
    assert tuple(js_array(CONSOLE / "closechat.js", "OUTCOMES")) == vocabulary.OUTCOMES


def test_the_console_opens_for_the_chat_roles() -> None:
    from server.services.accounts import has_role_list

    console = js_array(CONSOLE / "console.js", "CHAT_ROLES")
    # The server's rule: the chat roles, and admin, who has every role.
    assert set(console) == set(vocabulary.CHAT_ROLES) | {"admin"}
    assert all(has_role_list([role], *vocabulary.CHAT_ROLES) for role in console)
    assert not any(has_role_list([role], *vocabulary.CHAT_ROLES)
                   for role in set(vocabulary.ROLES) - set(console))


def test_no_other_copy_of_the_lists_in_the_server() -> None:
    patterns = [re.escape(", ".join(f'"{x}"' for x in values))
                for values in (vocabulary.LANGS, vocabulary.ROLES, vocabulary.OUTCOMES)]
    copies = []
    for path in sorted((ROOT / "server").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name in NOT_YET | {"server/vocabulary.py"} or "/migrations/" in name:
            continue
        text = path.read_text(encoding="utf-8")
        copies += [name for pattern in patterns if re.search(pattern, text)]
    assert copies == []
