"""EventBridge: an input path is parsed once, not once per event and path.

moto 5.2.5 builds a new JSONPath parser (jsonpath_ng's PLY lexer and LALR
tables) for every input path of every event it delivers to a target, eight of
them for a target without an input transformer: building the parser, not
matching, is what a delivery costs (11.7 of the 60 s of the reliability run,
profiled). AWS parses a rule's paths once. While the adapters are active, a
path's parsed expression is kept and reused; matching is unchanged, so every
delivered event is the same (tested against moto as released).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter


@functools.lru_cache(maxsize=512)
def parsed_path(path: str) -> Any:
    """jsonpath_ng's expression for ``path``; expressions are immutable, so shared."""
    from jsonpath_ng.ext import parse  # type: ignore[attr-defined]

    return parse(path)


def _parse(original: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    from moto.events.utils import EventTemplateParser

    def parse(input_template: str, input_paths_map: dict[str, Any], event: Any) -> dict[str, Any]:
        # moto's EventTemplateParser.parse, with the expressions kept (parsed_path)
        template = input_template or EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
        paths = input_paths_map or EventTemplateParser.DEFAULT_EVENT_INPUT_PATHS_MAP
        for name, path in paths.items():
            matches = parsed_path(path).find(event)
            result = EventTemplateParser._stringify(matches[0].value) if matches else None
            if result:
                template = template.replace(f"<{name}>", result)
        defaults = {
            "aws.events.event.json": event,
            "aws.events.event.ingestion-time": event["ingestion-time"],
        }
        for name, value in defaults.items():
            template = template.replace(f"<{name}>", EventTemplateParser._stringify(value))
        return dict(json.loads(template))

    return parse


ADAPTER = Adapter(
    name="events_input_paths",
    resource_types=("AWS::Events::Rule",),
    mends="a target's input paths are parsed once and kept, not rebuilt as a JSONPath "
    "parser for every event (same events delivered)",
    patches=(
        MotoPatch(
            "moto.events.utils:EventTemplateParser.parse",
            _parse,
            relies_on=(
                "moto.events.utils:EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE",
                "moto.events.utils:EventTemplateParser.DEFAULT_EVENT_INPUT_PATHS_MAP",
                "moto.events.utils:EventTemplateParser._stringify",
            ),
        ),
    ),
    upstream="moto.events.utils.EventTemplateParser.parse: keep each input path's parsed "
    "jsonpath_ng expression (functools.lru_cache) instead of parsing it per event",
)
