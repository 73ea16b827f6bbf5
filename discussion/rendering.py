"""Comments are Markdown, shown sanitized exactly as policy bodies are (no
scripts, event handlers or javascript: links)."""

from policies.rendering import render_markdown


def render_comment(text: str) -> str:
    return render_markdown(text)
