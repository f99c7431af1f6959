"""A deterministic corpus of realistic support articles, for benchmarks and large-site tests:
`python tests/support/corpus.py OUT [N]`.

The same N always gives the same files: front matter like real help centres (title, summary,
tags, dates, some ids and aliases), and bodies with headings, lists, tables, code, callouts,
links to other articles and images.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

TOPICS = ["Getting Started", "Billing", "Accounts", "Email", "Chat", "Phone", "Reports", "Integrations",
          "Security", "Mobile", "Knowledge Base", "Automations", "Agents", "Customers", "API", "Troubleshooting"]
SECTIONS = ["Basics", "Settings", "Advanced", "Known issues"]
VERBS = ["Set up", "Change", "Export", "Import", "Delete", "Restore", "Connect", "Troubleshoot", "Share", "Review",
         "Limit", "Schedule", "Translate", "Archive", "Merge", "Assign"]
NOUNS = ["invoices", "agent seats", "email forwarding", "chat widgets", "phone numbers", "reports", "webhooks",
         "single sign-on", "mobile notifications", "article drafts", "macros", "customer records", "API tokens",
         "business hours", "satisfaction surveys", "case tags", "SLA targets", "spam filters", "user roles"]
WORDS = ("account admin agent billing browser case channel customer dashboard default email error export field "
         "filter group inbox invoice label language message notification option page password permission plan "
         "priority queue reply report request rule search setting status subscription team ticket update user "
         "view widget workflow").split()
IMAGE = b'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="640" height="360" fill="#ddd"/></svg>'


def _sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 5)))


def generate(out: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` articles under `out` (plus site.yaml and one image per topic); return the article paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.yaml").write_text("title: Bench Help\nbase_url: https://help.example.org/\n", encoding="utf-8")
    plan = []
    for number in range(count):
        topic = TOPICS[number % len(TOPICS)]
        section = SECTIONS[(number // len(TOPICS)) % len(SECTIONS)]
        title = f"{rng.choice(VERBS)} {rng.choice(NOUNS)} ({number})"
        slug = f"article-{number:05d}"
        plan.append((topic, section, title, slug))
    for topic in TOPICS:
        (out / topic / "media").mkdir(parents=True, exist_ok=True)
        (out / topic / "media" / "screen.svg").write_bytes(IMAGE)
    paths = []
    for number, (topic, section, title, slug) in enumerate(plan):
        folder = out / topic / section
        folder.mkdir(parents=True, exist_ok=True)
        other = plan[rng.randrange(count)]
        link = f"../../{other[0]}/{other[1]}/{other[3]}.md"
        tags = ", ".join(sorted(rng.sample(WORDS, 3)))
        front = [f"title: \"{title}\"", f"summary: {_sentence(rng, 12)}", f"tags: [{tags}]",
                 f"date: 20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        if number % 7 == 0:
            front.append(f"aliases: [/hc/en-us/articles/{100000 + number}]")
        body = [_paragraph(rng), "", "## Before you start", "", _paragraph(rng), "",
                "- " + _sentence(rng, 6), "- " + _sentence(rng, 7), "- " + _sentence(rng, 5), "",
                "## Steps", ""]
        body += [f"{i}. {_sentence(rng, rng.randint(6, 12))}" for i in range(1, rng.randint(4, 8))]
        body += ["", "![The settings page](../media/screen.svg)", "", "## Options", "",
                 "| Option | What it does | Default |", "| --- | --- | --- |"]
        body += [f"| {rng.choice(WORDS)} | {_sentence(rng, 8)} | {rng.choice(['on', 'off', 'none'])} |" for _ in range(4)]
        body += ["", "> [!NOTE]", f"> {_sentence(rng, 10)}", "", "## Example", "", "```json",
                 '{"status": "open", "priority": "high", "tags": ["' + rng.choice(WORDS) + '"]}', "```", "",
                 f"See also [{other[2]}]({link}).", "", _paragraph(rng), ""]
        path = folder / f"{slug}.md"
        path.write_text("---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1])
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    written = generate(target, total)
    print(f"wrote {len(written):,} articles under {target}")
