"""core/heap.py: what exists when it is called is hidden from full collections, once."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_freezing_hides_the_objects_alive_then_from_the_collector_once() -> None:
    # In a process of its own: a freeze is for the life of the process.
    code = textwrap.dedent("""
        import gc
        from livetui.core.heap import freeze_long_lived
        kept = [[i] for i in range(100_000)]  # long-lived objects the collector tracks (lists)
        before = len(gc.get_objects())
        assert freeze_long_lived() is True
        after = len(gc.get_objects())
        assert gc.get_freeze_count() >= len(kept), gc.get_freeze_count()
        assert after < before // 10, (before, after)
        assert freeze_long_lived() is False  # once
        later = [[i] for i in range(1000)]
        assert all(gc.is_tracked(d) for d in later) and len(gc.get_objects()) >= len(later)
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
