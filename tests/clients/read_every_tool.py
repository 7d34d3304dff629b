"""Read every sample tool through the Python client generated from the
OpenAPI document (openapi-python-client): page through the list, fetch each
tool by slug with its verdict history and subprocessors, and parse every
response into the generated models. A response the document does not
describe makes the client raise or return an unparsed body.

usage: read_every_tool.py BASE_URL   (the generated package on sys.path)
"""

import sys

from toolreg_client import Client
from toolreg_client.api.tools import get_tool, list_tools
from toolreg_client.api.verdicts import verdict_history
from toolreg_client.models import ListBodyToolBody, Problem, ToolBody
from toolreg_client.types import UNSET


def main(base: str) -> int:
    # Unknown fields would land in additional_properties; strict parsing of
    # types and enums happens in each model's from_dict.
    client = Client(base_url=base, raise_on_unexpected_status=True)
    slugs = []
    cursor = UNSET
    while True:
        page = list_tools.sync(client=client, limit=7, cursor=cursor)
        if not isinstance(page, ListBodyToolBody):
            print(f"list_tools gave {page!r}", file=sys.stderr)
            return 1
        for tool in page.items:
            slugs.append(tool.slug)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    read = 0
    for slug in slugs:
        tool = get_tool.sync(client=client, id_or_slug=slug)
        if not isinstance(tool, ToolBody):
            print(f"get_tool({slug}) gave {tool!r}", file=sys.stderr)
            return 1
        assert tool.slug == slug, (tool.slug, slug)
        # Enumerations come back as the generated enum types.
        assert all(type(b).__name__ == "AgeBand" for b in tool.age_bands), tool.age_bands
        history = verdict_history.sync(client=client, id_or_slug=slug)
        if isinstance(history, Problem) or history is None:
            print(f"verdict_history({slug}) gave {history!r}", file=sys.stderr)
            return 1
        for item in history:
            assert type(item.level).__name__ == "VerdictLevel", item.level
        read += 1
    print(f"read {read} tools")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
