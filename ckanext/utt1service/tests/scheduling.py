# -*- coding: utf-8 -*-
"""How ``bin/test`` shares the suite out between its pytest-xdist workers.

pytest-xdist's ``--dist loadfile`` hands out whole test files: a file's
module-scoped fixtures (the access matrix's world, the bad-input baseline)
are then built once. Its browser files are the exception: a few of their
tests take a minute each (the accessibility walk visits every page for five
roles), so one worker would run them one after another while the others sit
idle at the end. Here:

- a browser file (``test_e2e*.py``; every fixture of theirs is per test) is
  split into its tests, each a unit of work of its own;
- the longest work goes out first, so that cheap files fill the gaps at the
  end (the "longest job first" rule for spreading jobs over machines): the
  files holding a test marked ``heavy`` (a minute or more on its own: the
  500-row Excel import, the harvest by a second CKAN), then the browser
  tests, then the other files, the file with the most tests first, as xdist
  itself orders them.

The order is decided by each worker's collection (``order_items``), which
xdist checks is the same on every worker; the controller only groups.
"""
from __future__ import annotations

import collections
import os
from typing import Any

from xdist.scheduler import LoadFileScheduling


def is_browser_file(path: str) -> bool:
    return os.path.basename(path).startswith("test_e2e")


class BrowserTestsFirst(LoadFileScheduling):
    """``loadfile``, except that each browser test is a unit of its own, and
    the units go out in collection order (see ``order_items``)."""

    def __init__(self, config: Any, log: Any = None) -> None:
        super().__init__(config, log)
        # the order of the collection is the order of the work
        config.option.loadscopereorder = False

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return nodeid if is_browser_file(path) else path


def order_items(items: list) -> None:
    """Files with a heavy test first, then the browser tests, then the other
    files, most tests first; the order within a file is kept."""
    def path_of(item) -> str:
        return item.nodeid.split("::", 1)[0]

    per_file = collections.Counter(path_of(item) for item in items)
    heavy = {path_of(item) for item in items if item.get_closest_marker("heavy")}
    position = {id(item): n for n, item in enumerate(items)}

    def key(item):
        path = path_of(item)
        if path in heavy and not is_browser_file(path):
            return (0, 0, path, position[id(item)])
        if is_browser_file(path):
            return (1, 0 if item.get_closest_marker("heavy") else 1, "", position[id(item)])
        return (2, -per_file[path], path, position[id(item)])

    items.sort(key=key)
