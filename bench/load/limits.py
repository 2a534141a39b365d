"""Open-file limit: thousands of sockets need more than the usual 1,024 descriptors."""

from __future__ import annotations

import resource


def raise_open_files(wanted: int = 65_536) -> int:
    """Raise the soft limit towards `wanted` (at most the hard limit); returns the new soft
    limit. Child processes (the servers) inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return int(soft)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target
