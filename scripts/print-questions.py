#!/usr/bin/env python3
"""Print what a visitor sees at each question: the bot's messages and the buttons.

For people writing a blind typed-answer corpus (tests/answers/listen/README.md):
it shows the questions and the quick-reply labels of every report in one locale,
and never the phrase lists nor the catalogue's intents, so the answers they write
are not shaped by what the bot already understands.

Usage: scripts/print-questions.py <locale>      (ru, en or pl)
Python 3.11+ standard library only.
"""
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "dialogues"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    loc = sys.argv[1]
    for report in sorted(p for p in ROOT.iterdir() if (p / "dialogue.toml").is_file()):
        text = tomllib.loads((report / f"{loc}.toml").read_text(encoding="utf-8"))
        graph = tomllib.loads((report / "dialogue.toml").read_text(encoding="utf-8"))
        print(f"=== report = \"{report.name}\": {text.get('title', '')}")
        for step, spec in graph.get("steps", {}).items():
            words = text.get("steps", {}).get(step, {})
            options = words.get("options", {})
            if not options:
                continue
            print(f"\n--- step = \"{step}\"")
            for message in words.get("messages", []):
                print(f"  bot: {message}")
            for reply, label in options.items():
                print(f"  [button {reply}] {label.get('text', '')}")
        print()


if __name__ == "__main__":
    main()
