"""Rendering a model's own chat template (Jinja, as in ``tokenizer_config.json`` / ``chat_template.jinja``)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = ["read_chat_template", "render_chat"]


def read_chat_template(folder: Path) -> str | None:
    """The chat template of a converted model folder: ``chat_template.jinja`` first, then ``tokenizer_config.json``.

    Returns:
        The template source, or None when the folder has none.
    """
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text(encoding="utf-8")
    config = folder / "tokenizer_config.json"
    if config.is_file():
        template = json.loads(config.read_text(encoding="utf-8")).get("chat_template")
        if isinstance(template, list):  # named templates: [{"name": "default", "template": ...}]
            named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
            template = named.get("default") or next(iter(named.values()), None)
        return template if isinstance(template, str) else None
    return None


@lru_cache(maxsize=8)
def _compile(source: str):
    from jinja2.exceptions import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = lambda value, indent=None: json.dumps(value, ensure_ascii=False, indent=indent)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(source)


def render_chat(source: str, messages, *, add_generation_prompt: bool = True, **extra) -> str:
    """Render ``messages`` with the template in a sandbox (templates come from model folders, not from us).

    Raises:
        ValueError: The template is broken or refuses the messages.
    """
    from jinja2.exceptions import TemplateError

    try:
        return _compile(source).render(messages=list(messages), add_generation_prompt=add_generation_prompt,
                                       bos_token="", eos_token="", **extra)
    except TemplateError as error:
        raise ValueError(f"the model's chat template failed: {error}") from error
